"""Demo data of terminal support, added by seed_demo after the applications exist.

Idempotent like the rest of the demo: credentials are issued only once, and reports use
fixed event ids, so a second run stores nothing new. The demo's live terminal reports a
97 sign-in (无效终端), ready for "my terminal shows an error".
"""

from django.utils import timezone

from accounts.models import User
from applications.models import MerchantApplication
from installations.selectors import free_slots
from support.checks import current_configuration, recorded_config
from support.models import SupportCase
from support.services import case_book_visit, case_open
from terminals.forms import Report
from terminals.models import DeviceCredential, Terminal, TerminalStatus
from terminals.services import credential_issue, device_report_store

DEMO_TERMINAL_REFERENCE = "PA-DEMACTVE"
# A second live merchant whose 97 support could not fix remotely: a service visit is booked.
DEMO_SERVICE_REFERENCE = "PA-DEMSERVC"


def seed_support() -> None:
    app = MerchantApplication.objects.filter(reference=DEMO_TERMINAL_REFERENCE).first()
    if app is None:
        return
    for terminal in Terminal.objects.filter(application=app, status=TerminalStatus.ACTIVE):
        configuration = current_configuration(terminal)
        if configuration is None:
            continue
        if not DeviceCredential.objects.filter(terminal=terminal).exists():
            credential_issue(terminal=terminal, by=None)
        now = timezone.now()
        for event_id, kind, code, config in (
            ("demo-heartbeat-1", "heartbeat", "", recorded_config(configuration)),
            ("demo-signin-97-1", "signin", "97", {}),
        ):
            device_report_store(
                terminal=terminal,
                report=Report(event_id=event_id, kind=kind, at=now, response_code=code, config=config),
            )


def seed_service_visit(*, support: User, installer: User) -> None:
    """A case on the second live terminal and its service visit, booked through the one calendar
    (the first free slot of the demo installer in the merchant's preferred windows)."""
    app = MerchantApplication.objects.filter(reference=DEMO_SERVICE_REFERENCE).first()
    terminal = Terminal.objects.filter(application=app, status=TerminalStatus.ACTIVE).first() if app else None
    if terminal is None or SupportCase.objects.filter(terminal=terminal).exists():
        return
    if not DeviceCredential.objects.filter(terminal=terminal).exists():
        credential_issue(terminal=terminal, by=None)
    device_report_store(
        terminal=terminal,
        report=Report(event_id="demo-service-97-1", kind="signin", at=timezone.now(), response_code="97"),
    )
    case = case_open(terminal=terminal, by=app.applicant, code="97", answers={"note": "今天早上开始显示无效终端"})
    slots = free_slots(app, earliest=timezone.now(), installer=installer)
    slot = next((s for s in slots if s.preferred), slots[0] if slots else None)
    if slot is not None:
        case_book_visit(case=case, by=support, installer=installer, starts_at=slot.starts_at, outside_windows=True)
