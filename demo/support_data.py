"""Demo data of terminal support, added by seed_demo after the applications exist.

Idempotent like the rest of the demo: credentials are issued only once, and reports use
fixed event ids, so a second run stores nothing new. The demo's live terminal reports a
97 sign-in (无效终端), ready for "my terminal shows an error".
"""

from django.utils import timezone

from applications.models import MerchantApplication
from support.checks import current_configuration, recorded_config
from terminals.forms import Report
from terminals.models import DeviceCredential, Terminal, TerminalStatus
from terminals.services import credential_issue, device_report_store

DEMO_TERMINAL_REFERENCE = "PA-DEMACTVE"


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
