"""The automatic checks run before a merchant is asked to do anything.

Each check answers one question and says which way it points: `ok` (not the cause),
`problem` (a likely cause, with why), `unknown` (could not check, and why) or `info`.
A result keeps its words as codes and parameters (core.texts): a support case stores the
evidence as it was seen, and each reader reads it in their own language.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from applications.choices import Status
from core.texts import text, wording
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

TITLES = {
    "registration": _("Terminal and merchant registered and active"),
    "contact": _("Last heartbeat and sign-in"),
    "configuration": _("Configuration matches the one recorded at installation"),
    "incident": _("Host or gateway incident"),
    "customer_side": _("The card or the amount rather than the terminal"),
}


# As the case pages word them (templates/support/_checks.html).
STATUS_LABELS = {OK: _("OK"), PROBLEM: _("Problem"), UNKNOWN: _("Could not check"), INFO: _("Note")}


@dataclass(frozen=True)
class CheckResult:
    key: str
    status: str
    notes: tuple[dict, ...] = field(default=())

    @property
    def title(self) -> str:
        return str(TITLES.get(self.key, self.key))

    @property
    def message(self) -> str:
        return " ".join(wording(note) for note in self.notes)

    def as_dict(self) -> dict[str, object]:
        return {"key": self.key, "status": self.status, "notes": list(self.notes)}

    @classmethod
    def stored(cls, row: dict) -> "CheckResult | StoredCheck":
        """A check as a case keeps it. Rows kept before checks were codes have their words as
        they were written, in the language of whoever opened the case: shown as they are."""
        if "notes" in row:
            return cls(row.get("key", ""), row.get("status", INFO), tuple(row["notes"]))
        return StoredCheck(row.get("key", ""), row.get("status", INFO), row.get("title", ""), row.get("message", ""))


@dataclass(frozen=True)
class StoredCheck:
    key: str
    status: str
    title: str
    message: str


def status_label(check: "CheckResult | StoredCheck") -> str:
    return str(STATUS_LABELS.get(check.status, check.status))


def readable_checks(rows: list[dict]) -> list["CheckResult | StoredCheck"]:
    return [CheckResult.stored(row) for row in rows]


def _result(key: str, status: str, *notes: dict) -> CheckResult:
    return CheckResult(key, status, tuple(notes))


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
    key = "registration"
    app = terminal.application
    problems: list[dict] = []
    if app is None:
        return _result(key, PROBLEM, text(gettext_noop("This terminal is not assigned to a merchant.")))
    if app.status == Status.SUSPENDED:
        # The reason is the words a staff member typed: kept as they are.
        problems.append(
            text(
                gettext_noop("Your merchant account is suspended in the portal: %(reason)s"),
                reason=app.status_message or "—",
            )
        )
    elif app.status != Status.ACTIVE:
        problems.append(
            text(gettext_noop("Your application is “%(status)s”, not active."), status=Status(app.status).label)
        )
    if terminal.status != TerminalStatus.ACTIVE:
        problems.append(
            text(
                gettext_noop("The terminal is “%(status)s” in our inventory, not active."),
                status=TerminalStatus(terminal.status).label,
            )
        )
    configuration = current_configuration(terminal)
    if configuration is None:
        problems.append(text(gettext_noop("No configuration was recorded at installation.")))
        return _result(key, PROBLEM, *problems)
    try:
        host_terminal = host.terminal_registration(configuration.tid)
        host_merchant = host.merchant_registration(configuration.mid)
    except host.HostUnreachable as exc:
        logger.warning("registration check for terminal %s could not reach the host: %s", terminal.pk, exc)
        problems.append(
            text(
                gettext_noop(
                    "Could not check the registration at the acquirer host: it did not answer. Support will check it."
                )
            )
        )
        return _result(key, PROBLEM if len(problems) > 1 else UNKNOWN, *problems)
    tid, mid = configuration.tid, configuration.mid
    if host_terminal is None:
        problems.append(text(gettext_noop("The terminal ID %(tid)s is not registered at the acquirer host."), tid=tid))
    elif not host_terminal.get("active", True):
        problems.append(
            text(gettext_noop("The terminal ID %(tid)s is registered at the acquirer host but deactivated."), tid=tid)
        )
    elif host_terminal.get("mid") != mid:
        problems.append(
            text(
                gettext_noop("The terminal ID %(tid)s is registered at the acquirer host under another merchant."),
                tid=tid,
            )
        )
    if host_merchant is None:
        problems.append(text(gettext_noop("The merchant ID %(mid)s is not registered at the acquirer host."), mid=mid))
    elif not host_merchant.get("active", True):
        problems.append(
            text(gettext_noop("The merchant ID %(mid)s is registered at the acquirer host but deactivated."), mid=mid)
        )
    if problems:
        return _result(key, PROBLEM, *problems)
    return _result(
        key,
        OK,
        text(gettext_noop("Terminal %(tid)s and merchant %(mid)s are registered and active."), tid=tid, mid=mid),
    )


def check_contact(terminal: Terminal, health: TerminalHealth | None, now: datetime) -> CheckResult:
    key = "contact"
    if health is None or health.last_heartbeat_at is None:
        return _result(key, PROBLEM, text(gettext_noop("The terminal has never reported to us.")))
    parts = [text(gettext_noop("Last heartbeat %(when)s."), when=health.last_heartbeat_at)]
    if health.last_signin_at:
        parts.append(
            text(
                gettext_noop("Last sign-in %(when)s, answered %(code)s."),
                when=health.last_signin_at,
                code=health.last_signin_code,
            )
        )
    else:
        parts.append(text(gettext_noop("No sign-in reported.")))
    stale = now - health.last_heartbeat_at > HEARTBEAT_STALE_AFTER
    signin_failed = bool(health.last_signin_code) and health.last_signin_code != "00"
    if stale:
        parts.append(text(gettext_noop("No heartbeat for more than 24 hours: check the power and the network.")))
    if signin_failed:
        parts.append(text(gettext_noop("The last sign-in was refused.")))
    return _result(key, PROBLEM if stale or signin_failed else OK, *parts)


FIELD_LABELS = {
    "tid": _("terminal ID"),
    "mid": _("merchant ID"),
    "host": _("host address"),
    "port": _("host port"),
    "kcv": _("key check value"),
}


def check_configuration(terminal: Terminal, health: TerminalHealth | None) -> CheckResult:
    key = "configuration"
    recorded = recorded_config(current_configuration(terminal))
    if not recorded:
        return _result(key, UNKNOWN, text(gettext_noop("No configuration was recorded at installation.")))
    reported = health.reported_config if health else {}
    if not reported:
        return _result(key, UNKNOWN, text(gettext_noop("The terminal has not reported its configuration.")))
    differences = config_differences(recorded, reported)
    if differences:
        return _result(
            key,
            PROBLEM,
            text(
                gettext_noop(
                    "The terminal's configuration differs from the installation record in: %(fields)s. "
                    "Support can re-send it."
                ),
                fields=[FIELD_LABELS[name] for name in differences],
            ),
        )
    return _result(key, OK, text(gettext_noop("The configuration matches the installation record.")))


def check_incident(code: str) -> CheckResult:
    key = "incident"
    incident = Incident.objects.filter(is_open=True).first()
    if incident:
        return _result(
            key,
            PROBLEM,
            text(
                gettext_noop(
                    "A host or gateway problem is known since %(when)s: many terminals see it. "
                    "It is not your terminal; we are on it."
                ),
                when=incident.opened_at,
            ),
        )
    if code in HOST_SIDE_CODES:
        return _result(
            key,
            INFO,
            text(
                gettext_noop(
                    "No incident is known, but this code comes from the host or the card's bank: wait a few minutes."
                )
            ),
        )
    return _result(key, OK, text(gettext_noop("No host or gateway incident is open.")))


def check_customer_side(code: str) -> CheckResult:
    key = "customer_side"
    item = entry(code)
    if item is not None and item.side in CUSTOMER_SIDES:
        what = _("the card") if item.side == Side.CARD else _("the amount or the kind of transaction")
        return _result(
            key,
            INFO,
            text(
                gettext_noop("Code %(code)s points to %(what)s, not to your terminal: try another card."),
                code=code,
                what=what,
            ),
        )
    if item is None:
        return _result(key, INFO, text(gettext_noop("No code chosen.")))
    return _result(key, OK, text(gettext_noop("Code %(code)s does not come from the card or the amount."), code=code))


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
