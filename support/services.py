"""Writes of the support context: incidents, early warnings, support cases and what
support does about them (remote commands go through terminals' command queue).

Every function is keyword-only, runs in one transaction, locks what it changes and
writes its outbox rows in that same transaction.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role, has_role
from applications.choices import Status
from core.errors import ConditionsNotMet, Conflict, InvalidState, RoleRefused
from core.texts import storable
from installations.hooks import on_visit_done
from installations.models import Visit, VisitPurpose, VisitStatus
from installations.services import visit_book, visit_cancel
from notifications.services import notify
from terminals.models import CommandKind, DeviceEvent, RemoteCommand, Terminal, TerminalConfiguration, TerminalStatus
from terminals.reports import on_report_stored
from terminals.services import command_enqueue, commands_withdraw

from .catalogue import HOST_SIDE_CODES, SYMPTOMS, entry
from .checks import CheckResult, config_differences, current_configuration, recorded_config, run_checks
from .messages import CASE
from .models import (
    OPEN_CASE_STATUSES,
    CaseAction,
    CaseEvent,
    CaseStatus,
    CaseVisit,
    EarlyWarning,
    Incident,
    SupportCase,
    WarningKind,
)

# A case as the subject of a terminal's remote command: the kind its messages name it by.
CASE_SUBJECT = CASE.kind
INCIDENT_WINDOW = timedelta(minutes=10)
NO_HEARTBEAT_AFTER = timedelta(hours=24)
IDLE_AFTER = timedelta(days=30)


def _support_staff() -> list[User]:
    return list(User.objects.filter(groups__name=Role.SUPPORT, is_active=True).distinct())


# --- What a report starts --------------------------------------------------------------------


def report_received(event: DeviceEvent) -> None:
    """Registered with terminals.reports: a host or gateway error may be the start of an incident."""
    if event.response_code in HOST_SIDE_CODES:
        _scan_incidents_soon()


def register_report_handlers() -> None:
    """At start-up: what a new device report starts here (terminals, below, cannot call up)."""
    on_report_stored(report_received)


def _scan_incidents_soon() -> None:
    from .tasks import scan_incidents  # tasks imports this module: same app, no layer crossed

    try:
        scan_incidents.delay()
    except Exception:  # broker down: the periodic scan catches up within a minute
        return


# --- Incidents ---------------------------------------------------------------------------------


def incident_scan(*, now: datetime | None = None) -> Incident | None:
    """Open an incident when many terminals report host or gateway errors within 10 minutes;
    close the open one when none has been reported for 10 minutes. Returns the open incident."""
    now = now or timezone.now()
    since = now - INCIDENT_WINDOW
    recent = DeviceEvent.objects.filter(response_code__in=HOST_SIDE_CODES, received_at__gt=since, received_at__lte=now)
    affected = recent.values("terminal").distinct().count()
    with transaction.atomic():
        incident = Incident.objects.select_for_update().filter(is_open=True).first()
        if incident is None:
            if affected < settings.SUPPORT_INCIDENT_THRESHOLD:
                return None
            codes = sorted(set(recent.values_list("response_code", flat=True)))
            try:
                with transaction.atomic():
                    incident = Incident.objects.create(opened_at=now, codes=codes, terminals_affected=affected)
            except IntegrityError:
                return Incident.objects.filter(is_open=True).first()  # another scan opened it
            for person in _support_staff():
                notify(
                    recipient=person,
                    template="support.incident_opened",
                    context={"when": now, "count": affected, "codes": ", ".join(codes)},
                )
            return incident
        if affected:
            incident.terminals_affected = max(incident.terminals_affected, affected)
            incident.codes = sorted(set(incident.codes) | set(recent.values_list("response_code", flat=True)))
            incident.save(update_fields=["terminals_affected", "codes"])
            return incident
        incident.is_open = False
        incident.closed_at = now
        incident.save(update_fields=["is_open", "closed_at"])
        for person in _support_staff():
            notify(recipient=person, template="support.incident_closed", context={"when": now})
        return None


# --- Early warnings ------------------------------------------------------------------------------


def _live_terminals():  # type: ignore[no-untyped-def]
    return Terminal.objects.filter(status=TerminalStatus.ACTIVE, application__status=Status.ACTIVE)


def _reconcile(kind: str, flagged: dict[int, dict], now: datetime) -> list[EarlyWarning]:
    """Open a warning for each newly flagged terminal (telling its merchant), close the others."""
    opened: list[EarlyWarning] = []
    with transaction.atomic():
        open_now = {
            w.terminal_id: w for w in EarlyWarning.objects.select_for_update().filter(kind=kind, closed_at__isnull=True)
        }
        EarlyWarning.objects.filter(pk__in=[w.pk for t, w in open_now.items() if t not in flagged]).update(
            closed_at=now
        )
        terminals = Terminal.objects.filter(pk__in=[t for t in flagged if t not in open_now]).select_related(
            "application__applicant"
        )
        for terminal in terminals:
            try:
                with transaction.atomic():  # a scan running at the same time may have opened it already
                    warning = EarlyWarning.objects.create(
                        terminal=terminal, kind=kind, opened_at=now, detail=flagged[terminal.pk]
                    )
            except IntegrityError:
                continue
            opened.append(warning)
            notify(
                recipient=terminal.application.applicant,
                template=f"support.warning.{kind}",
                context={"serial": terminal.serial_number, "reference": terminal.application.reference},
            )
    return opened


def _silent_since(moment: str, cutoff: datetime) -> dict[int, dict]:
    """Live terminals whose last `moment` ("heartbeat", "transaction") is older than the cutoff.

    A terminal that never reported one counts from when it went live.
    """
    field = f"health__last_{moment}_at"
    quiet = _live_terminals().filter(
        Q(**{f"{field}__lt": cutoff}) | Q(**{f"{field}__isnull": True}, application__status_changed_at__lt=cutoff)
    )
    return {pk: {f"last_{moment}": last.isoformat() if last else None} for pk, last in quiet.values_list("pk", field)}


def warnings_scan_no_heartbeat(*, now: datetime | None = None) -> list[EarlyWarning]:
    now = now or timezone.now()
    return _reconcile(WarningKind.NO_HEARTBEAT, _silent_since("heartbeat", now - NO_HEARTBEAT_AFTER), now)


def warnings_scan_idle(*, now: datetime | None = None) -> list[EarlyWarning]:
    now = now or timezone.now()
    return _reconcile(WarningKind.IDLE, _silent_since("transaction", now - IDLE_AFTER), now)


def warnings_scan_drift(*, now: datetime | None = None) -> list[EarlyWarning]:
    now = now or timezone.now()
    flagged: dict[int, dict] = {}
    terminals = list(_live_terminals().select_related("health").exclude(health__reported_config={}))
    # The configurations recorded at installation, read in one query (not one per terminal).
    recorded = {
        c.application_id: c
        for c in TerminalConfiguration.objects.filter(
            is_current=True, application_id__in=[t.application_id for t in terminals]
        )
    }
    for terminal in terminals:
        differences = config_differences(
            recorded_config(recorded.get(terminal.application_id)), terminal.health.reported_config
        )
        if differences:
            flagged[terminal.pk] = {"fields": differences}
    return _reconcile(WarningKind.DRIFT, flagged, now)


# --- Support cases -------------------------------------------------------------------------------


def _event(case: SupportCase, action: str, by: User, note: str = "", **params: object) -> None:
    """A history line: its words are the action's label and parameters, worded when read;
    `note` only holds what a person typed."""
    CaseEvent.objects.create(
        case=case, action=action, by=by, note=note, params={name: storable(v) for name, v in params.items()}
    )


def case_open(
    *,
    terminal: Terminal,
    by: User,
    code: str = "",
    symptom: str = "",
    answers: dict | None = None,
    checks: list[CheckResult] | None = None,
) -> SupportCase:
    """The merchant's case, holding the terminal, the code, the checks and the answers."""
    app = terminal.application
    if app is None or (app.applicant_id != by.pk and not by.is_superuser):
        raise RoleRefused(_("Only the merchant of this terminal can open a case about it."))
    code = (code or "").upper()
    missing = []
    if not code and not symptom:
        missing.append(_("the code the terminal shows, or what happens"))
    if code and entry(code) is None:
        missing.append(_("a known response code"))
    if symptom and symptom not in SYMPTOMS:
        missing.append(_("a known symptom"))
    if missing:
        raise ConditionsNotMet(_("The case cannot be opened. It needs:"), missing=missing)
    if checks is None:
        checks = run_checks(terminal=terminal, code=code)  # the slow part (an HTTP call) before any lock
    with transaction.atomic():
        Terminal.objects.select_for_update().get(pk=terminal.pk)
        if SupportCase.objects.filter(terminal=terminal, status__in=OPEN_CASE_STATUSES).exists():
            raise Conflict(_("A case about this terminal is already open: support is on it."))
        case = SupportCase.objects.create(
            terminal=terminal,
            application=app,
            opened_by=by,
            code=code,
            symptom=symptom,
            checks=[c.as_dict() for c in checks],
            answers=answers or {},
        )
        _event(case, CaseAction.OPENED, by)
        notify(recipient=app.applicant, template="support.case_opened", context={"reference": case.reference})
        for person in _support_staff():
            notify(
                recipient=person,
                template="support.case_new",
                context={"reference": case.reference, "code": code or "—", "serial": terminal.serial_number},
                channels=["in_app"],
            )
        return case


def _locked_case(case: SupportCase, by: User) -> SupportCase:
    if not (by.is_superuser or has_role(by, Role.SUPPORT)):
        raise RoleRefused(_("Only support staff can act on case %s.") % case.reference)
    fresh = SupportCase.objects.select_for_update().get(pk=case.pk)
    if fresh.status != case.status:
        raise Conflict(
            _("Case %(ref)s changed meanwhile: it is now “%(status)s”. Reload the page.")
            % {"ref": fresh.reference, "status": fresh.get_status_display()}
        )
    if fresh.status == CaseStatus.RESOLVED:
        raise InvalidState(_("Case %s is resolved: nothing more can be done on it.") % fresh.reference)
    return fresh


def _command(case: SupportCase, by: User, kind: str, payload: dict) -> RemoteCommand:
    command = command_enqueue(
        terminal=case.terminal, kind=kind, payload=payload, by=by, about_kind=CASE_SUBJECT, about_id=case.pk
    )
    case.status = CaseStatus.REMOTE_ACTION
    case.save(update_fields=["status", "updated_at"])
    _event(case, kind, by)
    notify(
        recipient=case.application.applicant,
        template="support.remote_action",
        context={"reference": case.reference, "action": CommandKind(kind).label},
    )
    return command


def case_resend_configuration(*, case: SupportCase, by: User) -> RemoteCommand:
    """Queue the installation's configuration for the terminal; it gets it with its next report."""
    with transaction.atomic():
        case = _locked_case(case, by)
        payload = recorded_config(current_configuration(case.terminal))
        if not payload:
            raise ConditionsNotMet(
                _("The configuration cannot be re-sent. It needs:"),
                missing=[_("a configuration recorded at installation")],
            )
        return _command(case, by, CommandKind.RESEND_CONFIGURATION, payload)


def case_request_signin(*, case: SupportCase, by: User) -> RemoteCommand:
    with transaction.atomic():
        case = _locked_case(case, by)
        return _command(case, by, CommandKind.SIGN_IN, {})


def booked_visit_of(case: SupportCase) -> Visit | None:
    return Visit.objects.filter(case_link__case=case, status=VisitStatus.BOOKED).select_related("installer").first()


def case_book_visit(
    *, case: SupportCase, by: User, installer: User | None, starts_at: datetime, outside_windows: bool = False
) -> Visit:
    """Book a service visit for the case in the one calendar (installations.services.visit_book:
    the installer's hours, daily capacity, area, active flag and the merchant's windows hold);
    a visit the case had booked is moved (freed in the same transaction, its installer told)."""
    with transaction.atomic():
        case = _locked_case(case, by)
        previous = booked_visit_of(case)
        if previous is not None:
            visit_cancel(visit=previous, by=by, tell=False)
        visit = visit_book(
            application=case.application,
            purpose=VisitPurpose.SERVICE,
            starts_at=starts_at,
            by=by,
            installer=installer,
            terminal=case.terminal,
            outside_windows=outside_windows,
        )
        CaseVisit.objects.create(case=case, visit=visit)
        case.status = CaseStatus.VISIT_BOOKED
        case.save(update_fields=["status", "updated_at"])
        _event(case, CaseAction.VISIT_BOOKED, by, when=starts_at)
        context = {
            "reference": case.reference,
            "when": starts_at,
            "address": case.application.installation_place(),
        }
        notify(recipient=case.application.applicant, template="support.visit_booked", context=context)
        notify(recipient=visit.installer, template="support.visit_assigned", context=context)
        if previous is not None and previous.installer_id != visit.installer_id:
            notify(
                recipient=previous.installer,
                template="support.visit_cancelled",
                context={"reference": case.reference, "when": previous.starts_at},
            )
        return visit


def _cancel_booked_visits(case: SupportCase) -> None:
    """Cancel the case's booked service visit, telling its installer (in the caller's transaction)."""
    for visit in Visit.objects.select_for_update().filter(case_link__case=case, status=VisitStatus.BOOKED):
        visit_cancel(visit=visit, by=case.opened_by, tell=False)
        notify(
            recipient=visit.installer,
            template="support.visit_cancelled",
            context={"reference": case.reference, "when": visit.starts_at},
        )


def case_resolve(*, case: SupportCase, by: User, resolution: str) -> SupportCase:
    resolution = (resolution or "").strip()
    with transaction.atomic():
        case = _locked_case(case, by)
        if not resolution:
            raise ConditionsNotMet(_("The case cannot be resolved. It needs:"), missing=[_("how it was resolved")])
        case.status = CaseStatus.RESOLVED
        case.resolution = resolution
        case.resolved_at = timezone.now()
        case.save(update_fields=["status", "resolution", "resolved_at", "updated_at"])
        _event(case, CaseAction.RESOLVED, by, resolution)
        # Resolved remotely: nobody drives out, and the terminal gets no order still waiting for it.
        _cancel_booked_visits(case)
        commands_withdraw(about_kind=CASE_SUBJECT, about_id=case.pk)
        notify(
            recipient=case.application.applicant,
            template="support.case_resolved",
            context={"reference": case.reference, "resolution": resolution},
        )
        return case


def service_visit_done(visit: Visit, by: User) -> None:
    """Registered with installations.hooks: a service visit done moves its case on (inside the
    visit's transaction); support is told to check the terminal and resolve, the merchant sees it."""
    link = CaseVisit.objects.select_related("case__application__applicant").filter(visit=visit).first()
    if link is None:
        return
    case = SupportCase.objects.select_for_update().get(pk=link.case_id)
    if case.status == CaseStatus.RESOLVED:
        return
    case.status = CaseStatus.VISIT_DONE
    case.save(update_fields=["status", "updated_at"])
    _event(case, CaseAction.VISIT_DONE, by, visit.notes[:500])
    for person in _support_staff():  # the case now waits for them
        notify(recipient=person, template="support.visit_done", context={"reference": case.reference})
    notify(
        recipient=link.case.application.applicant,
        template="support.visit_done_merchant",
        context={"reference": case.reference},
    )


def register_visit_hooks() -> None:
    """At start-up: what a done service visit means for its case (installations cannot call up)."""
    on_visit_done(VisitPurpose.SERVICE, service_visit_done)
