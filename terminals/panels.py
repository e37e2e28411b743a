"""The live terminal on the merchant's status page (applications.panels): which terminal, its
terminal ID, and what a merchant needs on the first days: the first sale, daily settlement."""

from applications.choices import Status
from applications.models import MerchantApplication
from applications.panels import Panel
from core.masking import mask_card

from .models import Terminal
from .selectors import current_configuration

LIVE_STATES = (Status.ACTIVE, Status.SUSPENDED)


def live_terminal(application: MerchantApplication) -> Panel | None:
    if application.status not in LIVE_STATES:
        return None
    terminal = Terminal.objects.filter(application=application).first()
    configuration = current_configuration(application)
    if terminal is None and configuration is None:
        return None
    return Panel(
        "terminals/_live_terminal.html",
        {
            "terminal": terminal,
            "configuration": configuration,
            "card": mask_card(application.card_number),
            "active": application.status == Status.ACTIVE,
        },
    )
