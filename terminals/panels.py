"""The live terminal on the merchant's status page (applications.hooks.panel): which terminal, its
terminal ID, and what a merchant needs on the first days: the first sale, daily settlement."""

from django.http import HttpRequest
from django.template.loader import render_to_string

from applications.choices import Status
from applications.models import MerchantApplication
from core.masking import mask_card

from .models import Terminal
from .selectors import current_configuration

LIVE_STATES = (Status.ACTIVE, Status.SUSPENDED)


def live_terminal(request: HttpRequest, application: MerchantApplication) -> str:
    if application.status not in LIVE_STATES:
        return ""
    terminal = Terminal.objects.filter(application=application).first()
    configuration = current_configuration(application)
    if terminal is None and configuration is None:
        return ""
    return render_to_string(
        "terminals/_live_terminal.html",
        {
            "panel": {
                "terminal": terminal,
                "configuration": configuration,
                "card": mask_card(application.card_number),
                "active": application.status == Status.ACTIVE,
            }
        },
        request=request,
    )
