"""The automatic checks run before a merchant is asked to do anything.

Each check answers one question and says which way it points: `ok` (not the cause),
`problem` (a likely cause, with why), `unknown` (could not check, and why) or `info`.
Results are plain dicts too, so a support case keeps the evidence as it was seen.
"""

import logging
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from applications.choices import Status
from core.time import local_when
from terminals import host
from terminals.models import Terminal, TerminalConfiguration, TerminalHealth, TerminalStatus
from terminals.selectors import current_configuration as application_configuration

from .catalogue import CUSTOMER_SIDES, HOST_SIDE_CODES, Side, entry
from .models import Incident

logger = logging.getLogger(__name__)

OK, PROBLEM, UNKNOWN, INFO = "ok", "problem", "unknown", "info"
HEARTBEAT_STALE_AFTER = timedelta(hours=24)
# The configuration fields a terminal reports that must equal the installation's record.
CONFIG_FIELDS = ("tid", "mid", "host", "port", "kcv")


@dataclass(frozen=True)
class CheckResult:
    key: str
    title: str
    status: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def current_configuration(terminal: Terminal) -> TerminalConfiguration | None:
    """The configuration recorded at the terminal's installation (the terminals context's record)."""
    if terminal.application_id is None:
        return None
    return application_configuration(terminal.application)


def recorded_config(configuration: TerminalConfiguration | None) -> dict[str, object]:
    if configuration is None:
        return {}
    return {
        "tid": configuration.tid,
        "mid": configuration.mid,
        "host": configuration.host,
        "port": configuration.port,
        "kcv": configuration.key_check_value.upper(),
    }


def config_differences(recorded: dict[str, object], reported: dict[str, object]) -> list[str]:
    """The fields whose reported value differs from the recorded one (a field not reported is no drift)."""
    differences = []
    for name in CONFIG_FIELDS:
        if name not in reported or name not in recorded:
            continue
        left, right = recorded[name], reported[name]
        if name == "kcv":
            left, right = str(left).upper(), str(right).upper()
        if str(left) != str(right):
            differences.append(name)
    return differences


# --- The acquirer host's management API -------------------------------------------------


def check_registration(terminal: Terminal) -> CheckResult:
    title = _("Terminal and merchant registered and active")
    app = terminal.application
    problems = []
    if app is None:
        return CheckResult("registration", title, PROBLEM, _("This terminal is not assigned to a merchant."))
    if app.status == Status.SUSPENDED:
        problems.append(_("Your merchant account is suspended in the portal: %s") % (app.status_message or "—"))
    elif app.status != Status.ACTIVE:
        problems.append(_("Your application is “%s”, not active.") % app.get_status_display())
    if terminal.status != TerminalStatus.ACTIVE:
        problems.append(_("The terminal is “%s” in our inventory, not active.") % terminal.get_status_display())
    configuration = current_configuration(terminal)
    if configuration is None:
        problems.append(_("No configuration was recorded at installation."))
        return CheckResult("registration", title, PROBLEM, " ".join(problems))
    try:
        host_terminal = host.terminal_registration(configuration.tid)
        host_merchant = host.merchant_registration(configuration.mid)
    except host.HostUnreachable as exc:
        logger.warning("registration check for terminal %s could not reach the host: %s", terminal.pk, exc)
        problems.append(
            _("Could not check the registration at the acquirer host: it did not answer. Support will check it.")
        )
        return CheckResult("registration", title, PROBLEM if len(problems) > 1 else UNKNOWN, " ".join(problems))
    if host_terminal is None:
        problems.append(_("The terminal ID %s is not registered at the acquirer host.") % configuration.tid)
    elif not host_terminal.get("active", True):
        problems.append(_("The terminal ID %s is registered at the acquirer host but deactivated.") % configuration.tid)
    elif host_terminal.get("mid") != configuration.mid:
        problems.append(
            _("The terminal ID %s is registered at the acquirer host under another merchant.") % configuration.tid
        )
    if host_merchant is None:
        problems.append(_("The merchant ID %s is not registered at the acquirer host.") % configuration.mid)
    elif not host_merchant.get("active", True):
        problems.append(_("The merchant ID %s is registered at the acquirer host but deactivated.") % configuration.mid)
    if problems:
        return CheckResult("registration", title, PROBLEM, " ".join(problems))
    return CheckResult(
        "registration",
        title,
        OK,
        _("Terminal %(tid)s and merchant %(mid)s are registered and active.")
        % {"tid": configuration.tid, "mid": configuration.mid},
    )


def check_contact(terminal: Terminal, health: TerminalHealth | None, now: datetime) -> CheckResult:
    title = _("Last heartbeat and sign-in")
    if health is None or health.last_heartbeat_at is None:
        return CheckResult("contact", title, PROBLEM, _("The terminal has never reported to us."))
    parts = [_("Last heartbeat %s.") % local_when(health.last_heartbeat_at)]
    if health.last_signin_at:
        parts.append(
            _("Last sign-in %(when)s, answered %(code)s.")
            % {"when": local_when(health.last_signin_at), "code": health.last_signin_code}
        )
    else:
        parts.append(_("No sign-in reported."))
    stale = now - health.last_heartbeat_at > HEARTBEAT_STALE_AFTER
    signin_failed = bool(health.last_signin_code) and health.last_signin_code != "00"
    if stale:
        parts.append(_("No heartbeat for more than 24 hours: check the power and the network."))
    if signin_failed:
        parts.append(_("The last sign-in was refused."))
    return CheckResult("contact", title, PROBLEM if stale or signin_failed else OK, " ".join(parts))


def check_configuration(terminal: Terminal, health: TerminalHealth | None) -> CheckResult:
    title = _("Configuration matches the one recorded at installation")
    recorded = recorded_config(current_configuration(terminal))
    if not recorded:
        return CheckResult("configuration", title, UNKNOWN, _("No configuration was recorded at installation."))
    reported = health.reported_config if health else {}
    if not reported:
        return CheckResult("configuration", title, UNKNOWN, _("The terminal has not reported its configuration."))
    differences = config_differences(recorded, reported)
    if differences:
        names = ", ".join(_field_label(n) for n in differences)
        return CheckResult(
            "configuration",
            title,
            PROBLEM,
            _("The terminal's configuration differs from the installation record in: %s. Support can re-send it.")
            % names,
        )
    return CheckResult("configuration", title, OK, _("The configuration matches the installation record."))


def _field_label(name: str) -> str:
    labels = {
        "tid": _("terminal ID"),
        "mid": _("merchant ID"),
        "host": _("host address"),
        "port": _("host port"),
        "kcv": _("key check value"),
    }
    return str(labels[name])


def check_incident(code: str) -> CheckResult:
    title = _("Host or gateway incident")
    incident = Incident.objects.filter(is_open=True).first()
    if incident:
        return CheckResult(
            "incident",
            title,
            PROBLEM,
            _(
                "A host or gateway problem is known since %s: many terminals see it. It is not your terminal; we are on it."
            )
            % local_when(incident.opened_at),
        )
    if code in HOST_SIDE_CODES:
        return CheckResult(
            "incident",
            title,
            INFO,
            _("No incident is known, but this code comes from the host or the card's bank: wait a few minutes."),
        )
    return CheckResult("incident", title, OK, _("No host or gateway incident is open."))


def check_customer_side(code: str) -> CheckResult:
    title = _("The card or the amount rather than the terminal")
    item = entry(code)
    if item is not None and item.side in CUSTOMER_SIDES:
        what = _("the card") if item.side == Side.CARD else _("the amount or the kind of transaction")
        return CheckResult(
            "customer_side",
            title,
            INFO,
            _("Code %(code)s points to %(what)s, not to your terminal: try another card.")
            % {"code": code, "what": what},
        )
    if item is None:
        return CheckResult("customer_side", title, INFO, _("No code chosen."))
    return CheckResult("customer_side", title, OK, _("Code %s does not come from the card or the amount.") % code)


def run_checks(*, terminal: Terminal, code: str = "", now: datetime | None = None) -> list[CheckResult]:
    now = now or timezone.now()
    health = TerminalHealth.objects.filter(terminal=terminal).first()
    return [
        check_registration(terminal),
        check_contact(terminal, health, now),
        check_configuration(terminal, health),
        check_incident(code),
        check_customer_side(code),
    ]
