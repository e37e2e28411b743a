"""Writes of the terminals context: inventory, assignment, configuration, sign-ins, and what
a live terminal reports (its credential, reports, health and the commands waiting for it).

Every change of a terminal's state goes through `_move`, which writes its history row.
Refusals name the field and what is expected; nothing is written half-way.
"""

import csv
import hashlib
import io
import ipaddress
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role, has_role, is_staff_member
from applications.choices import Status
from applications.models import MerchantApplication
from applications.workflow import locked
from core.choices import TerminalModel
from core.errors import ConditionsNotMet, Conflict, InvalidState, RoleRefused

from . import host as acquirer
from . import reports
from .forms import Report
from .models import (
    CommandKind,
    CommMode,
    DeviceCredential,
    DeviceEvent,
    EventKind,
    HostRegistration,
    RegistrationAction,
    RemoteCommand,
    SignIn,
    SignInSource,
    Terminal,
    TerminalConfiguration,
    TerminalEvent,
    TerminalHealth,
    TerminalStatus,
)
from .selectors import forget_inventory_counts

logger = logging.getLogger(__name__)

# Terminals that are with a merchant (or on their way): one at a time per application.
WITH_MERCHANT = (TerminalStatus.ASSIGNED, TerminalStatus.CONFIGURED, TerminalStatus.ACTIVE)

_SERIAL = re.compile(r"^[A-Z0-9][A-Z0-9-]{3,39}$")
_HOSTNAME = re.compile(
    r"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$"
)


def _move(
    terminal: Terminal, to: TerminalStatus, *, by: User, application: MerchantApplication | None, note: str = ""
) -> None:
    TerminalEvent.objects.create(
        terminal=terminal, from_status=terminal.status, to_status=to, application=application, by=by, note=note
    )
    terminal.status = to
    terminal.save(update_fields=["status", "application", "tid", "updated_at"])
    transaction.on_commit(forget_inventory_counts)


def _require_installer(by: User) -> None:
    if not (by.is_superuser or has_role(by, Role.INSTALLER)):
        raise RoleRefused(_("Only an installer or an administrator can do this."))


def _require_configuring(app: MerchantApplication, what: str) -> None:
    if app.status != Status.CONFIGURING:
        raise InvalidState(
            _(
                "%(what)s only while the terminal is being configured (after check-in); application %(ref)s is “%(status)s”."
            )
            % {"what": what, "ref": app.reference, "status": app.get_status_display()}
        )


def current_terminal(application: MerchantApplication) -> Terminal | None:
    return Terminal.objects.filter(application=application, status__in=WITH_MERCHANT).first()


# --- Inventory ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return _("Line %(line)d, %(field)s: %(message)s") % {
            "line": self.line,
            "field": self.field,
            "message": self.message,
        }


class ImportRefused(ConditionsNotMet):
    """The CSV has errors: nothing was imported. `rows` lists each, by line and column."""

    def __init__(self, rows: list[RowError]) -> None:
        self.rows = rows
        super().__init__(
            _("Nothing was imported: correct these lines and import the file again."), missing=[str(r) for r in rows]
        )


CSV_COLUMNS = ("serial_number", "model", "key_check_value")


def terminal_import_csv(*, data: bytes, by: User) -> list[Terminal]:
    """Receive terminals into stock from a CSV (serial_number, model, key_check_value).

    All or nothing: one bad line and no terminal is imported, so a corrected file can
    simply be imported again.
    """
    if not is_staff_member(by):
        raise RoleRefused(_("Only staff can import terminals."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRefused([RowError(1, _("file"), _("the file must be UTF-8 text (CSV)."))]) from exc
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        raise ImportRefused(
            [
                RowError(
                    1,
                    _("header"),
                    _("the first line must name the columns %(expected)s; missing: %(missing)s")
                    % {"expected": ", ".join(CSV_COLUMNS), "missing": ", ".join(missing)},
                )
            ]
        )
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    rows: list[tuple[int, str, str, str]] = []
    for line, raw in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k}
        if not any(row.values()):
            continue
        serial = row.get("serial_number", "").upper()
        model = row.get("model", "").lower()
        kcv = row.get("key_check_value", "").upper()
        if not _SERIAL.match(serial):
            errors.append(
                RowError(line, "serial_number", _("expected 4 to 40 letters, digits or dashes, got “%s”.") % serial)
            )
        elif serial in seen:
            errors.append(
                RowError(
                    line,
                    "serial_number",
                    _("%(serial)s is already on line %(line)d of this file.")
                    % {"serial": serial, "line": seen[serial]},
                )
            )
        else:
            seen[serial] = line
        if model not in TerminalModel.values:
            errors.append(
                RowError(
                    line,
                    "model",
                    _("expected one of %(models)s, got “%(got)s”.")
                    % {"models": ", ".join(TerminalModel.values), "got": model},
                )
            )
        if not re.fullmatch(r"[0-9A-F]{6}", kcv):
            errors.append(
                RowError(
                    line, "key_check_value", _("expected 6 hexadecimal characters (the check value, never the key).")
                )
            )
        rows.append((line, serial, model, kcv))
    known = set(Terminal.objects.filter(serial_number__in=list(seen)).values_list("serial_number", flat=True))
    errors.extend(
        RowError(line, "serial_number", _("%s is already in the inventory.") % serial)
        for line, serial, _model, _kcv in rows
        if serial in known and seen.get(serial) == line
    )
    if not rows and not errors:
        errors.append(RowError(2, _("file"), _("the file has no terminals after the header line.")))
    if errors:
        raise ImportRefused(sorted(errors, key=lambda e: e.line))
    try:
        with transaction.atomic():
            created = []
            for _line, serial, model, kcv in rows:
                terminal = Terminal.objects.create(serial_number=serial, model=model, key_check_value=kcv)
                TerminalEvent.objects.create(
                    terminal=terminal, to_status=TerminalStatus.IN_STOCK, by=by, note=_("Imported from CSV")
                )
                created.append(terminal)
            transaction.on_commit(forget_inventory_counts)
            return created
    except IntegrityError as exc:
        raise Conflict(
            _("Someone imported some of these serial numbers meanwhile: nothing was imported, try again.")
        ) from exc


def terminal_set_status(*, terminal: Terminal, by: User, status: TerminalStatus, note: str) -> Terminal:
    """Staff mark a terminal in stock as faulty or retired, or a repaired one back in stock."""
    if not is_staff_member(by):
        raise RoleRefused(_("Only staff can change a terminal's state."))
    allowed = {
        TerminalStatus.IN_STOCK: (TerminalStatus.FAULTY, TerminalStatus.RETIRED),
        TerminalStatus.FAULTY: (TerminalStatus.IN_STOCK, TerminalStatus.RETIRED),
    }
    with transaction.atomic():
        fresh = Terminal.objects.select_for_update().get(pk=terminal.pk)
        if status not in allowed.get(fresh.status, ()):
            raise InvalidState(
                _("Terminal %(serial)s is “%(status)s”: it cannot be marked “%(to)s” here.")
                % {
                    "serial": fresh.serial_number,
                    "status": fresh.get_status_display(),
                    "to": TerminalStatus(status).label,
                }
            )
        if not note.strip():
            raise ConditionsNotMet(_("This action needs:"), missing=[_("a note saying why")])
        _move(fresh, status, by=by, application=None, note=note.strip()[:200])
        if status == TerminalStatus.RETIRED and fresh.host_registered_at is not None:
            registration_enqueue(terminal=fresh, action=RegistrationAction.DEREGISTER)
        return fresh


# --- The visit: assign, configure, sign in -------------------------------------------------


def _issue_tid(terminal: Terminal) -> str:
    # Derived from the row's key: unique without a search, stable if the terminal is reassigned.
    return f"{10_000_000 + terminal.pk:08d}"[-8:]


def _from_stock(serial: str, app: MerchantApplication) -> Terminal:
    """The terminal of this serial number, locked, if it is in stock and of the model applied for
    (assignment at installation and a swap on a service visit take terminals alike)."""
    terminal = Terminal.objects.select_for_update().filter(serial_number=serial).first()
    if terminal is None:
        raise ConditionsNotMet(
            _("Serial number: no terminal %s in the inventory. Check the label on the back of the terminal.") % serial
        )
    if terminal.status != TerminalStatus.IN_STOCK:
        raise ConditionsNotMet(
            _("Serial number: terminal %(serial)s is “%(status)s”, not in stock; take another one.")
            % {"serial": serial, "status": terminal.get_status_display()}
        )
    if terminal.model != app.terminal_model:
        raise ConditionsNotMet(
            _("Serial number: terminal %(serial)s is a “%(model)s”; the merchant applied for a “%(wanted)s”.")
            % {"serial": serial, "model": terminal.get_model_display(), "wanted": app.get_terminal_model_display()}
        )
    return terminal


def terminal_assign(
    *, application: MerchantApplication, by: User, serial_number: str, register_at_host: bool = True
) -> Terminal:
    """The installer takes a terminal from stock for this merchant; the host learns its TID."""
    _require_installer(by)
    serial = (serial_number or "").strip().upper()
    with transaction.atomic():
        app = locked(application)
        _require_configuring(app, _("A terminal is assigned"))
        held = current_terminal(app)
        if held is not None:
            raise ConditionsNotMet(
                _(
                    "Serial number: terminal %(serial)s is already assigned to application %(ref)s; release it first to use another."
                )
                % {"serial": held.serial_number, "ref": app.reference}
            )
        if not serial:
            raise ConditionsNotMet(_("Serial number: enter the serial number printed on the terminal's label."))
        terminal = _from_stock(serial, app)
        terminal.application = app
        terminal.tid = terminal.tid or _issue_tid(terminal)
        _move(terminal, TerminalStatus.ASSIGNED, by=by, application=app)
        if register_at_host:
            registration_enqueue(terminal=terminal)
    return terminal


# --- Registrations at the host: rows with a due time, sent by a job (never by a web request) ---

REGISTRATION_BACKOFF_MAX = timedelta(hours=1)


def registration_enqueue(*, terminal: Terminal, action: str = RegistrationAction.REGISTER) -> HostRegistration | None:
    """Write what the host must learn about the terminal; a job sends it after the commit.

    Called inside the caller's transaction: the row is written with the change that needs it,
    and nothing is sent if that change is rolled back. Earlier rows of the same terminal still
    waiting are superseded (the host needs only the last word).
    """
    app = terminal.application
    if action == RegistrationAction.REGISTER and (
        app is None or not app.merchant_id or not terminal.tid or not terminal.key_check_value
    ):
        return None
    if not terminal.tid:
        return None
    now = timezone.now()
    HostRegistration.objects.filter(terminal=terminal, done_at__isnull=True).update(
        done_at=now, last_error="superseded"
    )
    row = HostRegistration.objects.create(
        terminal=terminal,
        action=action,
        tid=terminal.tid,
        mid=app.merchant_id if app is not None else "",
        kcv=terminal.key_check_value,
        due_at=now,
    )
    if action == RegistrationAction.REGISTER:
        Terminal.objects.filter(pk=terminal.pk).update(host_registered_at=None)
        terminal.host_registered_at = None

    def send() -> None:
        from .tasks import send_host_registration  # tasks imports this module: same app

        try:
            send_host_registration.delay(row.pk)
        except Exception:  # broker down: the periodic job sends due rows within a minute
            logger.warning("host registration %s left to the periodic job", row.pk)

    transaction.on_commit(send)
    return row


def registration_send(*, registration_id: int) -> bool:
    """Send one due registration to the host's management API (a job, never a web request).

    Safe to run twice: a row already done is skipped, and registering is idempotent at the host.
    On failure the row is due again later, waiting twice as long each time (at most an hour).
    """
    with transaction.atomic():
        row = (
            HostRegistration.objects.select_for_update(skip_locked=True)
            .filter(pk=registration_id, done_at__isnull=True)
            .first()
        )
        if row is None:
            return False
        row.attempts += 1
        row.save(update_fields=["attempts"])
    try:
        if row.action == RegistrationAction.REGISTER:
            # A merchant the host already knows keeps the host's state (e.g. deactivated).
            if not acquirer.is_merchant_registered(row.mid):
                acquirer.register_merchant(row.mid)
            acquirer.register_terminal(tid=row.tid, mid=row.mid, kcv=row.kcv)
        else:
            acquirer.deregister_terminal(tid=row.tid)
    except (acquirer.RegistrationFailed, acquirer.HostUnreachable) as exc:
        logger.warning("host registration %s (TID %s) failed: %s", row.pk, row.tid, exc)
        delay = min(timedelta(minutes=2 ** (row.attempts - 1)), REGISTRATION_BACKOFF_MAX)
        HostRegistration.objects.filter(pk=row.pk, done_at__isnull=True).update(
            last_error=str(exc)[:200], due_at=timezone.now() + delay
        )
        Terminal.objects.filter(pk=row.terminal_id).update(host_registration_error=str(exc)[:200])
        return False
    now = timezone.now()
    HostRegistration.objects.filter(pk=row.pk).update(done_at=now, last_error="")
    if row.action == RegistrationAction.REGISTER:
        Terminal.objects.filter(pk=row.terminal_id, tid=row.tid).update(
            host_registered_at=now, host_registration_error=""
        )
    return True


def registrations_due(*, now: datetime | None = None) -> list[int]:
    now = now or timezone.now()
    return list(
        HostRegistration.objects.filter(done_at__isnull=True, due_at__lte=now)
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)[:200]
    )


def terminal_register_at_host(*, terminal: Terminal) -> HostRegistration | None:
    """Ask for the terminal's registration at the host (a due row; the job sends it)."""
    with transaction.atomic():
        return registration_enqueue(terminal=terminal, action=RegistrationAction.REGISTER)


def terminal_release(*, application: MerchantApplication, by: User, faulty: bool = False, note: str = "") -> Terminal:
    """Take the assigned terminal back (wrong one, or broken): to stock, or aside as faulty."""
    _require_installer(by)
    with transaction.atomic():
        app = locked(application)
        _require_configuring(app, _("A terminal is released"))
        terminal = current_terminal(app)
        if terminal is None:
            raise ConditionsNotMet(_("Serial number: no terminal is assigned to application %s.") % app.reference)
        terminal = Terminal.objects.select_for_update().get(pk=terminal.pk)
        TerminalConfiguration.objects.filter(application=app, is_current=True).update(is_current=False)
        terminal.application = None
        _move(
            terminal,
            TerminalStatus.FAULTY if faulty else TerminalStatus.IN_STOCK,
            by=by,
            application=app,
            note=note.strip()[:200],
        )
        # The host forgets the TID until the terminal is assigned again (a due row; a job sends it).
        registration_enqueue(terminal=terminal, action=RegistrationAction.DEREGISTER)
        return terminal


def validate_host(value: str) -> str:
    value = (value or "").strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        pass
    if _HOSTNAME.match(value) and not value.replace(".", "").isdigit():
        return value.lower()
    raise ValidationError(
        _("Expected an IP address such as 10.1.2.3 or a host name such as pos.acquirer.cn."), code="host_format"
    )


def clean_configuration(
    *, app: MerchantApplication, tid: str, mid: str, host: str, port: object, comm_mode: str, key_check_value: str
) -> dict[str, object]:
    """Check every field of a configuration; raise a ValidationError naming each wrong field."""
    errors: dict[str, str] = {}
    values: dict[str, object] = {}
    tid = (tid or "").strip().upper()
    if not re.fullmatch(r"[0-9A-Z]{8}", tid):
        errors["tid"] = _("Terminal ID (TID): expected exactly 8 digits or capital letters.")
    elif TerminalConfiguration.objects.filter(tid=tid, is_current=True).exclude(application=app).exists():
        errors["tid"] = _("Terminal ID (TID): %s is already used by another merchant's terminal.") % tid
    values["tid"] = tid
    mid = re.sub(r"\s", "", mid or "")
    if not re.fullmatch(r"\d{15}", mid):
        errors["mid"] = _("Merchant ID (MID): expected exactly 15 digits.")
    elif mid != app.merchant_id:
        errors["mid"] = (
            _("Merchant ID (MID): expected the MID issued to this merchant at approval, %s.") % app.merchant_id
        )
    values["mid"] = mid
    try:
        values["host"] = validate_host(host)
    except ValidationError as exc:
        errors["host"] = _("Host address: %s") % exc.messages[0]
    try:
        port_number = int(str(port).strip())
        if not 1 <= port_number <= 65535:
            raise ValueError
        values["port"] = port_number
    except (TypeError, ValueError):
        errors["port"] = _("Port: expected a whole number from 1 to 65535.")
    if comm_mode not in CommMode.values:
        errors["comm_mode"] = _("Communication mode: choose one of %s.") % ", ".join(
            str(label) for label in CommMode.labels
        )
    values["comm_mode"] = comm_mode
    kcv = (key_check_value or "").strip().upper()
    if len(kcv) > 6:
        # Longer than a check value: probably the key itself. Never echo it back.
        errors["key_check_value"] = _(
            "Key check value (KCV): that is too long to be a check value. Never enter the key itself: enter the 6-character KCV the terminal shows."
        )
    elif not re.fullmatch(r"[0-9A-F]{6}", kcv):
        errors["key_check_value"] = _("Key check value (KCV): expected 6 hexadecimal characters (0-9, A-F).")
    values["key_check_value"] = kcv
    if errors:
        raise ValidationError(errors)
    return values


def _record_configuration(
    app: MerchantApplication, terminal: Terminal, by: User, values: dict
) -> TerminalConfiguration:
    """The new current configuration; the earlier one is kept as history, not current. A TID
    taken meanwhile by another merchant's terminal (the database's unique rule) is refused."""
    TerminalConfiguration.objects.filter(application=app, is_current=True).update(is_current=False)
    try:
        with transaction.atomic():
            return TerminalConfiguration.objects.create(
                application=app, terminal=terminal, configured_by=by, is_current=True, **values
            )
    except IntegrityError as exc:
        raise ValidationError(
            {"tid": _("Terminal ID (TID): %s was just taken by another merchant's terminal.") % values["tid"]}
        ) from exc


def terminal_configure(
    *,
    application: MerchantApplication,
    by: User,
    tid: str,
    mid: str,
    host: str,
    port: object,
    comm_mode: str,
    key_check_value: str,
) -> TerminalConfiguration:
    """Record what the installer set on the terminal. The previous configuration is kept, not current."""
    _require_installer(by)
    with transaction.atomic():
        app = locked(application)
        _require_configuring(app, _("A terminal is configured"))
        terminal = current_terminal(app)
        if terminal is None:
            raise ConditionsNotMet(_("Terminal: assign a terminal by its serial number before configuring it."))
        values = clean_configuration(
            app=app, tid=tid, mid=mid, host=host, port=port, comm_mode=comm_mode, key_check_value=key_check_value
        )
        return _record_configuration(app, terminal, by, values)


def _require_live(app: MerchantApplication, what: str) -> None:
    if app.status != Status.ACTIVE:
        raise InvalidState(
            _("%(what)s on a service visit only for a live terminal; application %(ref)s is “%(status)s”.")
            % {"what": what, "ref": app.reference, "status": app.get_status_display()}
        )


def terminal_reconfigure(
    *,
    application: MerchantApplication,
    by: User,
    tid: str,
    mid: str,
    host: str,
    port: object,
    comm_mode: str,
    key_check_value: str,
) -> TerminalConfiguration:
    """On a service visit: record the configuration re-entered on the live terminal (the earlier
    one is kept, not current); the host learns the terminal again (a due row, sent by a job)."""
    _require_installer(by)
    with transaction.atomic():
        app = locked(application)
        _require_live(app, _("A terminal is reconfigured"))
        terminal = current_terminal(app)
        if terminal is None:
            raise ConditionsNotMet(_("Terminal: the merchant has no terminal; swap one in from stock first."))
        values = clean_configuration(
            app=app, tid=tid, mid=mid, host=host, port=port, comm_mode=comm_mode, key_check_value=key_check_value
        )
        if terminal.tid and values["tid"] != terminal.tid:
            raise ValidationError(
                {
                    "tid": _("Terminal ID (TID): this terminal's TID is %s; enter that one on the terminal and here.")
                    % terminal.tid
                }
            )
        if not terminal.tid:
            # A terminal set up before TIDs were issued by the portal: the TID on it becomes its own.
            if Terminal.objects.filter(tid=values["tid"]).exclude(pk=terminal.pk).exists():
                raise ValidationError({"tid": _("Terminal ID (TID): %s belongs to another terminal.") % values["tid"]})
            terminal.tid = values["tid"]  # type: ignore[assignment]
            Terminal.objects.filter(pk=terminal.pk).update(tid=terminal.tid)
        config = _record_configuration(app, terminal, by, values)
        if values["key_check_value"] != terminal.key_check_value:
            terminal.key_check_value = values["key_check_value"]  # type: ignore[assignment]
            Terminal.objects.filter(pk=terminal.pk).update(key_check_value=terminal.key_check_value)
        registration_enqueue(terminal=terminal)
        return config


def terminal_swap(*, application: MerchantApplication, by: User, serial_number: str, note: str = "") -> Terminal:
    """On a service visit: the merchant's terminal is set aside as faulty (the host forgets its TID)
    and one from stock takes its place (the host learns the new TID). The configuration is then
    re-entered for the new terminal."""
    _require_installer(by)
    serial = (serial_number or "").strip().upper()
    with transaction.atomic():
        app = locked(application)
        _require_live(app, _("A terminal is swapped"))
        if not serial:
            raise ConditionsNotMet(_("Serial number: enter the serial number printed on the new terminal's label."))
        new = _from_stock(serial, app)
        old = current_terminal(app)
        if old is not None:
            old = Terminal.objects.select_for_update().get(pk=old.pk)
            TerminalConfiguration.objects.filter(application=app, is_current=True).update(is_current=False)
            old.application = None
            _move(
                old, TerminalStatus.FAULTY, by=by, application=app, note=(note or _("Swapped on a service visit"))[:200]
            )
            registration_enqueue(terminal=old, action=RegistrationAction.DEREGISTER)
        new.application = app
        new.tid = new.tid or _issue_tid(new)
        _move(new, TerminalStatus.ACTIVE, by=by, application=app, note=_("Swapped in on a service visit"))
        registration_enqueue(terminal=new)
        return new


def signin_test(
    *, application: MerchantApplication, by: User, timeout: float = acquirer.DEFAULT_TIMEOUT, live: bool = False
) -> SignIn:
    """Sign the terminal in at the acquirer host with its current configuration, and record the answer.

    The network exchange happens outside any transaction (no lock held while waiting);
    the answer is recorded only if the configuration is still the current one.
    """
    _require_installer(by)
    app = MerchantApplication.objects.get(pk=application.pk)
    require = _require_live if live else _require_configuring
    require(app, _("A sign-in is tested"))
    config = TerminalConfiguration.objects.filter(application=app, is_current=True).select_related("terminal").first()
    if config is None:
        raise ConditionsNotMet(_("Configuration: save the terminal's configuration before testing the sign-in."))
    waiting = (
        HostRegistration.objects.filter(terminal=config.terminal_id, done_at__isnull=True).first()
        if config.terminal_id
        else None
    )
    if waiting is not None:
        # The host may not know the terminal yet: a sign-in now would answer 97 for nothing.
        raise ConditionsNotMet(
            _("Sign-in: the acquirer host has not yet learnt terminal ID %(tid)s (%(tries)s). Try again in a minute.")
            % {
                "tid": waiting.tid,
                "tries": _("sending, attempt %d") % waiting.attempts if waiting.attempts else _("sending"),
            }
        )
    known = acquirer.signin_endpoints()
    try:
        if (config.host, config.port) not in known:
            # The portal connects only to the acquirer's own hosts: a mistyped address would not
            # reach the host from the terminal either, and the portal is no port scanner.
            raise acquirer.HostUnreachable(
                _("%(host)s:%(port)s is not an address of the acquirer host (expected %(known)s).")
                % {
                    "host": config.host,
                    "port": config.port,
                    "known": ", ".join(f"{h}:{p}" for h, p in known),
                }
            )
        answer = acquirer.sign_in(
            host=config.host,
            port=config.port,
            tid=config.tid,
            mid=config.mid,
            kcv=config.key_check_value,
            timeout=timeout,
        )
        code, detail = answer.response_code, ""
    except acquirer.HostUnreachable as exc:
        code, detail = "", str(exc)[:200]
    with transaction.atomic():
        fresh = locked(app)
        require(fresh, _("A sign-in is tested"))
        if not TerminalConfiguration.objects.filter(pk=config.pk, is_current=True).exists():
            raise Conflict(_("The configuration changed while the sign-in ran: test the sign-in again."))
        return SignIn.objects.create(
            application=fresh, configuration=config, response_code=code, source=SignInSource.HOST, by=by, detail=detail
        )


def signin_record(*, application: MerchantApplication, by: User, response_code: str, detail: str = "") -> SignIn:
    """Record a sign-in the terminal made over a network the portal cannot reach (the admin's fallback)."""
    _require_installer(by)
    code = (response_code or "").strip().upper()
    if not re.fullmatch(r"[0-9A-Z]{2}", code):
        raise ConditionsNotMet(
            _("A sign-in needs:"), missing=[_("a response code of two digits or capital letters, e.g. 00")]
        )
    with transaction.atomic():
        app = locked(application)
        _require_configuring(app, _("A sign-in is recorded"))
        config = app.configurations.filter(is_current=True).first()
        if config is None:
            raise ConditionsNotMet(_("Configuration: save the terminal's configuration before recording a sign-in."))
        return SignIn.objects.create(
            application=app,
            configuration=config,
            response_code=code,
            source=SignInSource.RECORDED,
            by=by,
            detail=detail,
        )


# --- Called by the visit's services (installations), inside their transaction ---------------


def terminal_mark_configured(*, application: MerchantApplication, by: User) -> Terminal | None:
    terminal = current_terminal(application)
    if terminal is not None and terminal.status == TerminalStatus.ASSIGNED:
        _move(terminal, TerminalStatus.CONFIGURED, by=by, application=application, note=_("Sign-in answered 00"))
    return terminal


def terminal_activate(*, application: MerchantApplication, by: User) -> Terminal | None:
    terminal = current_terminal(application)
    if terminal is not None and terminal.status != TerminalStatus.ACTIVE:
        _move(terminal, TerminalStatus.ACTIVE, by=by, application=application, note=_("Merchant trained"))
    return terminal


# --- Device credentials, reports and remote commands --------------------------------------


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def signing_secret(credential: DeviceCredential, *, key: str | None = None) -> str:
    """The key a terminal signs its requests with (HMAC-SHA256), handed over with its token.

    Derived from the token's hash and the site's secret rather than stored: a copy of the
    database alone neither authenticates (no token) nor signs (no key), and a new token
    brings a new key. It never travels in a request, unlike the bearer token.
    """
    return salted_hmac(
        "terminals.device-signing", credential.token_hash, secret=key or settings.SECRET_KEY, algorithm="sha256"
    ).hexdigest()


def credential_issue(*, terminal: Terminal, by: User | None) -> tuple[DeviceCredential, str]:
    """A new token for the terminal, replacing any earlier one. The token is returned once, never stored;
    `signing_secret(credential)` is the key that goes to the terminal with it."""
    if by is not None and not (by.is_superuser or has_role(by, Role.SUPPORT, Role.INSTALLER)):
        raise RoleRefused(_("Only support staff, an installer or an administrator can issue a terminal token."))
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        Terminal.objects.select_for_update().get(pk=terminal.pk)
        credential, _created = DeviceCredential.objects.update_or_create(
            terminal=terminal,
            defaults={
                "token_hash": hash_token(token),
                "token_hint": token[-4:],
                "issued_by": by,
                "issued_at": timezone.now(),
                "revoked_at": None,
            },
        )
    return credential, token


def credential_revoke(*, terminal: Terminal, by: User) -> None:
    if not (by.is_superuser or has_role(by, Role.SUPPORT)):
        raise RoleRefused(_("Only support staff or an administrator can revoke a terminal token."))
    with transaction.atomic():
        DeviceCredential.objects.filter(terminal=terminal, revoked_at__isnull=True).update(revoked_at=timezone.now())


def device_report_store(*, terminal: Terminal, report: Report) -> tuple[DeviceEvent, bool, list[RemoteCommand]]:
    """Store one report once, update the terminal's health, hand over pending commands.

    Returns (event, created, commands). A report whose event id was seen before changes
    nothing and returns the stored event: terminals retry when an answer is lost. The
    contexts above learn of a new report through `terminals.reports` after the commit.
    """
    with transaction.atomic():
        health, _created = TerminalHealth.objects.get_or_create(terminal=terminal)
        health = TerminalHealth.objects.select_for_update().get(pk=health.pk)
        existing = DeviceEvent.objects.filter(terminal=terminal, event_id=report.event_id).first()
        if existing is not None:
            return existing, False, []
        try:
            with transaction.atomic():
                event = DeviceEvent.objects.create(
                    terminal=terminal,
                    event_id=report.event_id,
                    kind=report.kind,
                    occurred_at=report.at,
                    response_code=report.response_code,
                    config=report.config,
                    software_version=report.software_version,
                )
        except IntegrityError:
            # The same report on two connections at once: the other one stored it.
            return DeviceEvent.objects.get(terminal=terminal, event_id=report.event_id), False, []
        _apply_to_health(health, report)
        commands = list(RemoteCommand.objects.select_for_update().filter(terminal=terminal, delivered_at__isnull=True))
        if commands:
            RemoteCommand.objects.filter(pk__in=[c.pk for c in commands]).update(delivered_at=timezone.now())
        reports.stored(event)
        return event, True, commands


def _later(current: datetime | None, new: datetime) -> bool:
    # Reports can arrive out of order (a terminal flushing its queue): keep the newest.
    return current is None or new >= current


def _apply_to_health(health: TerminalHealth, report: Report) -> None:
    if report.kind == EventKind.HEARTBEAT and _later(health.last_heartbeat_at, report.at):
        health.last_heartbeat_at = report.at
        if report.config:
            health.reported_config = report.config
        if report.software_version:
            health.software_version = report.software_version
    if report.kind == EventKind.SIGNIN and _later(health.last_signin_at, report.at):
        health.last_signin_at = report.at
        health.last_signin_code = report.response_code
    if report.kind == EventKind.TRANSACTION and _later(health.last_transaction_at, report.at):
        health.last_transaction_at = report.at
    if report.response_code and _later(health.last_code_at, report.at):
        health.last_code = report.response_code
        health.last_code_at = report.at
    health.save()


def command_enqueue(
    *, terminal: Terminal, kind: CommandKind, payload: dict, by: User, about_kind: str = "", about_id: int | None = None
) -> RemoteCommand:
    """An order the terminal collects with its next report. The caller says what it is about
    (e.g. a support case) and decides who may order it; it runs in the caller's transaction."""
    with transaction.atomic():
        return RemoteCommand.objects.create(
            terminal=terminal, kind=kind, payload=payload, created_by=by, about_kind=about_kind, about_id=about_id
        )


def commands_withdraw(*, about_kind: str, about_id: int) -> int:
    """Drop the orders about this subject that no terminal has collected yet; returns how many."""
    with transaction.atomic():
        deleted, _per_model = RemoteCommand.objects.filter(
            about_kind=about_kind, about_id=about_id, delivered_at__isnull=True
        ).delete()
    return deleted
