"""Writes of the installations context: installers' hours, booking visits, the visit itself, training.

These fire the installation transitions of MerchantApplication, with the evidence
their conditions need (the sign-in's answer, the merchant's confirmation), which
lives in this context and the terminals context.
"""

import unicodedata
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role, is_staff_member
from applications.choices import TimeWindow
from applications.models import MerchantApplication
from applications.uploads import clean_upload
from applications.workflow import check, fire, locked
from core.choices import Province
from core.errors import ConditionsNotMet, Conflict, InvalidState, RoleRefused
from core.time import local_when
from notifications.services import notify
from terminals import services as terminal_services
from terminals.models import SignIn, Terminal, TerminalConfiguration
from terminals.selectors import latest_signin_code

from . import hooks
from .models import (
    TRAINING_TOPICS,
    InstallerProfile,
    ServiceArea,
    TrainingRecord,
    Visit,
    VisitPurpose,
    VisitStatus,
)
from .selectors import (
    APPLICANT_NOTICE,
    HORIZON_DAYS,
    VISIT_LENGTH,
    in_windows,
    installers_serving,
    unavailability,
    visits_on_days,
    workload,
)


def _area(address: dict[str, str]) -> str:
    province = Province(address["province"]).label if address.get("province") else ""
    return " ".join(str(p) for p in (province, address.get("city", "")) if p)


def _booked(app: MerchantApplication) -> Visit | None:
    return (
        Visit.objects.select_for_update(of=("self",))
        .filter(application=app, purpose=VisitPurpose.INSTALLATION, status=VisitStatus.BOOKED)
        .select_related("installer")
        .first()
    )


# --- Installers -------------------------------------------------------------------------------


def installer_profile_save(
    *,
    installer: User,
    by: User,
    areas: list[tuple[str, str]],
    working_days: list[int] | None = None,
    day_starts: time = time(9, 0),
    day_ends: time = time(18, 0),
    visits_per_day: int = 4,
    is_active: bool = True,
) -> InstallerProfile:
    """Set an installer's area (province, city; city "" = whole province), days, hours and daily visits.

    An inactive installer keeps the visits already booked but is offered no new ones.
    """
    if not (by.is_superuser or is_staff_member(by)):
        raise RoleRefused(_("Only staff can set an installer's area and hours."))
    problems = []
    if not installer.groups.filter(name=Role.INSTALLER).exists():
        problems.append(_("Installer: %s is not in the Installer group.") % installer)
    days = sorted(set(working_days if working_days is not None else [0, 1, 2, 3, 4, 5]))
    if not days or any(d not in range(7) for d in days):
        problems.append(_("Working days: choose at least one day, 0 (Monday) to 6 (Sunday)."))
    if day_ends <= day_starts:
        problems.append(_("Working hours: the day must end after it starts."))
    elif datetime.combine(datetime.min, day_ends) - datetime.combine(datetime.min, day_starts) < VISIT_LENGTH:
        problems.append(_("Working hours: a working day must hold at least one two-hour visit."))
    if not 1 <= visits_per_day <= 12:
        problems.append(_("Visits per day: expected a number from 1 to 12."))
    if not areas or any(p not in Province.values for p, _city in areas):
        problems.append(_("Service area: choose at least one province (and optionally a city)."))
    if problems:
        raise ConditionsNotMet(_("The installer's profile cannot be saved:"), missing=problems)
    with transaction.atomic():
        profile, _created = InstallerProfile.objects.select_for_update().get_or_create(user=installer)
        profile.working_days = days
        profile.day_starts, profile.day_ends, profile.visits_per_day = day_starts, day_ends, visits_per_day
        profile.is_active = is_active
        profile.save()
        wanted = {(p, (c or "").strip()) for p, c in areas}
        ServiceArea.objects.filter(installer=profile).exclude(
            pk__in=[a.pk for a in profile.areas.all() if (a.province, a.city) in wanted]
        ).delete()
        for province, city in wanted:
            ServiceArea.objects.get_or_create(installer=profile, province=province, city=city)
        return profile


# --- Booking ----------------------------------------------------------------------------------


def visit_book(
    *,
    application: MerchantApplication,
    purpose: str,
    starts_at: datetime,
    by: User,
    installer: User | None = None,
    terminal: Terminal | None = None,
    moving: Visit | None = None,
    outside_windows: bool = False,
) -> Visit:
    """The one booking of the one calendar, whatever the purpose: book the slot for the least
    busy free installer of the merchant's area (or the one staff or support chose).

    Runs inside the caller's transaction (which holds the application's or the case's lock).
    The installers' profile rows are locked first, in one order, so that two bookings of the
    same installer, of any purposes, wait for each other and the second sees the first; the
    unique constraint on (installer, starts_at) is the last net. Working days and hours, the
    visits per day (every purpose counted), the area and the active flag hold for everyone; the
    24 h notice and the 14-day horizon for applicants; the merchant's preferred time windows for
    whoever books for the merchant (`outside_windows`: the merchant agreed to another time).
    `moving`, the visit being moved, no longer counts.
    """
    now = timezone.now()
    staff = is_staff_member(by)
    if starts_at <= now:
        raise ConditionsNotMet(
            _("Visit time: %s is in the past. It needs:") % local_when(starts_at),
            missing=[_("a visit time in the future")],
        )
    if not staff and starts_at < now + APPLICANT_NOTICE:
        raise ConditionsNotMet(
            _("Visit time: a visit is booked at least 24 hours ahead; %s is too soon.") % local_when(starts_at)
        )
    if not staff and starts_at > now + timedelta(days=HORIZON_DAYS):
        raise ConditionsNotMet(
            _("Visit time: a visit is booked at most %(days)d days ahead; %(when)s is too far.")
            % {"days": HORIZON_DAYS, "when": local_when(starts_at)}
        )
    if installer is not None and not staff:
        raise RoleRefused(
            _("Only staff can choose the installer: yours is given by your area and the installers' workload.")
        )
    windows = application.preferred_windows or []
    # Whoever books for the merchant keeps to the merchant's windows (the applicant picks their own time).
    keep_windows = staff and not outside_windows and not in_windows(starts_at, windows)
    address = application.installation_address()
    serving = installers_serving(address)
    if installer is not None:
        if not installer.groups.filter(name=Role.INSTALLER).exists():
            raise ConditionsNotMet(_("Installer: %s is not an installer.") % installer)
        profile = InstallerProfile.objects.filter(user=installer).first()
        if profile is None or not profile.is_active or not installer.is_active:
            raise ConditionsNotMet(_("Installer: %s takes no new visits (inactive).") % installer)
        if not serving.filter(user=installer).exists():
            raise ConditionsNotMet(
                _("Installer: %(name)s does not serve %(area)s.") % {"name": installer, "area": _area(address)}
            )
        candidate_ids = [installer.pk]
    else:
        candidate_ids = list(serving.values_list("user_id", flat=True))
        if not candidate_ids:
            raise ConditionsNotMet(
                _("Visit time: no installer serves %s yet. Please call us to arrange the visit.") % _area(address)
            )
    profiles = list(
        InstallerProfile.objects.select_for_update(of=("self",))
        .filter(user_id__in=candidate_ids)
        .select_related("user")
        .order_by("pk")
    )
    booked = visits_on_days(candidate_ids, starts_at, starts_at, moving=moving)
    load = workload(candidate_ids)
    reasons = []
    for profile in sorted(profiles, key=lambda p: (load[p.user_id], p.pk)):
        reason = unavailability(profile, starts_at, booked)
        if reason:
            reasons.append(reason)
            continue
        if keep_windows:
            labels = ", ".join(str(TimeWindow(w).label) for w in windows if w in TimeWindow.values)
            raise ConditionsNotMet(
                _(
                    "Visit time: %(when)s is outside the merchant's preferred time windows (%(windows)s). "
                    "Choose a time in them, or confirm that the merchant agreed to this time."
                )
                % {"when": local_when(starts_at), "windows": labels}
            )
        try:
            with transaction.atomic():
                return Visit.objects.create(
                    purpose=purpose,
                    application=application,
                    terminal=terminal,
                    installer=profile.user,
                    starts_at=starts_at,
                    ends_at=starts_at + VISIT_LENGTH,
                    created_by=by,
                )
        except IntegrityError:
            reasons.append(_("%s was booked at that time a moment ago.") % profile.user)
    if installer is not None:
        if any(
            v.installer_id == installer.pk
            and v.status == VisitStatus.BOOKED
            and v.starts_at < starts_at + VISIT_LENGTH
            and v.ends_at > starts_at
            for v in booked
        ):
            raise Conflict(
                _("%(name)s is already booked at %(when)s: choose another time.")
                % {"name": installer, "when": local_when(starts_at)}
            )
        raise ConditionsNotMet(_("Visit time: %s cannot be booked:") % local_when(starts_at), missing=reasons)
    raise Conflict(
        _("Visit time: %s is no longer free (it was just booked, or no installer works then). Choose another slot.")
        % local_when(starts_at)
    )


def _place(
    *, app: MerchantApplication, by: User, starts_at: datetime, installer: User | None, outside_windows: bool = False
) -> Visit:
    return visit_book(
        application=app,
        purpose=VisitPurpose.INSTALLATION,
        starts_at=starts_at,
        by=by,
        installer=installer,
        outside_windows=outside_windows,
    )


def _tell_both(app: MerchantApplication, visit: Visit, applicant_template: str, installer_template: str) -> None:
    context = {
        "reference": app.reference,
        "when": visit.starts_at,
        "address": app.installation_place(),
    }
    notify(recipient=app.applicant, template=applicant_template, context=context)
    notify(recipient=visit.installer, template=installer_template, context=context)


def _refuse_late_change(visit: Visit | None, by: User, what: str) -> None:
    if visit is None or is_staff_member(by):
        return
    if visit.starts_at - timezone.now() < APPLICANT_NOTICE:
        raise ConditionsNotMet(
            _(
                "Visit time: the visit on %(when)s starts in less than 24 hours, so it can no longer be %(what)s online. Please call us."
            )
            % {"when": local_when(visit.starts_at), "what": what}
        )


def installation_schedule(
    *,
    application: MerchantApplication,
    by: User,
    starts_at: datetime,
    installer: User | None = None,
    outside_windows: bool = False,
) -> Visit:
    """Book the visit. Without `installer`, the least busy free installer of the area gets it."""
    with transaction.atomic():
        app = locked(application)
        check(app, "schedule_installation", by=by)
        visit = _place(app=app, by=by, starts_at=starts_at, installer=installer, outside_windows=outside_windows)
        fire(app, "schedule_installation", by=by, description=_("Visit on %s") % local_when(starts_at))
        _tell_both(app, visit, "installation.scheduled", "installation.assigned")
        return visit


def installation_reschedule(
    *,
    application: MerchantApplication,
    by: User,
    starts_at: datetime,
    installer: User | None = None,
    outside_windows: bool = False,
) -> Visit:
    """Move the visit: the applicant up to 24 h before it, staff at any time."""
    with transaction.atomic():
        app = locked(application)
        check(app, "reschedule", by=by)
        old = _booked(app)
        _refuse_late_change(old, by, _("moved"))
        if old:
            old.status = VisitStatus.CANCELLED
            old.save(update_fields=["status"])
        visit = _place(app=app, by=by, starts_at=starts_at, installer=installer, outside_windows=outside_windows)
        fire(app, "reschedule", by=by, description=_("Visit moved to %s") % local_when(starts_at))
        _tell_both(app, visit, "installation.scheduled", "installation.assigned")
        if old and old.installer_id != visit.installer_id:
            notify(
                recipient=old.installer,
                template="installation.cancelled",
                context={"reference": app.reference, "when": old.starts_at, "address": ""},
            )
        return visit


def installation_reassign(*, application: MerchantApplication, by: User, installer: User) -> Visit:
    """Staff give the visit, at the same time, to another installer."""
    if not is_staff_member(by):
        raise RoleRefused(_("Only staff can reassign a visit."))
    with transaction.atomic():
        app = locked(application)
        check(app, "reschedule", by=by)
        old = _booked(app)
        if old is None:
            raise InvalidState(_("Application %s has no booked visit to reassign.") % app.reference)
        if old.installer_id == installer.pk:
            raise ConditionsNotMet(_("Installer: %s already has this visit.") % installer)
        old.status = VisitStatus.CANCELLED
        old.save(update_fields=["status"])
        visit = _place(app=app, by=by, starts_at=old.starts_at, installer=installer, outside_windows=True)
        fire(app, "reschedule", by=by, description=_("Visit reassigned to %s") % installer)
        context = {
            "reference": app.reference,
            "when": visit.starts_at,
            "address": app.installation_place(),
        }
        notify(recipient=installer, template="installation.assigned", context=context)
        notify(recipient=old.installer, template="installation.cancelled", context=context)
        return visit


def installation_cancel(*, application: MerchantApplication, by: User, message: str = "") -> MerchantApplication:
    """Cancel the visit: the applicant up to 24 h before it, staff at any time. The application is approved again."""
    with transaction.atomic():
        app = locked(application)
        check(app, "cancel_installation", by=by)
        visit = _booked(app)
        _refuse_late_change(visit, by, _("cancelled"))
        if visit:
            visit.status = VisitStatus.CANCELLED
            visit.save(update_fields=["status"])
        fire(app, "cancel_installation", by=by, description=message)
        if visit:
            _tell_both(app, visit, "installation.cancelled", "installation.cancelled")
        return app


# --- The visit ---------------------------------------------------------------------------------


def _require_assigned(app: MerchantApplication, by: User, visit: Visit | None = None) -> None:
    visit = (
        visit
        if visit is not None
        else (
            Visit.objects.filter(application=app, purpose=VisitPurpose.INSTALLATION, status=VisitStatus.BOOKED)
            .select_related("installer")
            .first()
        )
    )
    if visit is None:
        raise InvalidState(_("Application %s has no booked visit.") % app.reference)
    if visit.installer_id != by.pk and not by.is_superuser:
        raise RoleRefused(
            _("Only %(name)s, the installer assigned to application %(ref)s, can do this.")
            % {"name": visit.installer, "ref": app.reference}
        )


def installation_start(*, application: MerchantApplication, by: User) -> MerchantApplication:
    """The installer checks in on site: the terminal is now being configured."""
    with transaction.atomic():
        app = locked(application)
        check(app, "start_installation", by=by)
        visit = _booked(app)
        _require_assigned(app, by, visit)
        _require_check_in_time(visit)  # on site near the visit's time, whatever its purpose
        fire(app, "start_installation", by=by)
        visit.checked_in_at = timezone.now()
        visit.save(update_fields=["checked_in_at"])
        notify(recipient=app.applicant, template="installation.started", context={"reference": app.reference})
        return app


# The visit's steps check the assignment under the application's lock, so that a visit
# reassigned meanwhile by staff cannot be worked on by the installer it was taken from.


def visit_assign_terminal(*, application: MerchantApplication, by: User, serial_number: str) -> Terminal:
    with transaction.atomic():
        app = locked(application)
        _require_assigned(app, by)
        # The host learns the TID from a due row, sent by a job after the commit.
        return terminal_services.terminal_assign(application=app, by=by, serial_number=serial_number)


def visit_release_terminal(
    *, application: MerchantApplication, by: User, faulty: bool = False, note: str = ""
) -> Terminal:
    with transaction.atomic():
        app = locked(application)
        _require_assigned(app, by)
        return terminal_services.terminal_release(application=app, by=by, faulty=faulty, note=note)


def visit_configure(*, application: MerchantApplication, by: User, **values: object) -> TerminalConfiguration:
    with transaction.atomic():
        app = locked(application)
        _require_assigned(app, by)
        return terminal_services.terminal_configure(application=app, by=by, **values)  # type: ignore[arg-type]


def visit_signin(*, application: MerchantApplication, by: User) -> SignIn:
    # The sign-in talks to the host, so it runs outside any transaction; it records its
    # answer under its own lock, and completing the configuration checks the assignment again.
    with transaction.atomic():
        _require_assigned(locked(application), by)
    return terminal_services.signin_test(application=application, by=by)


def installation_complete_configuration(*, application: MerchantApplication, by: User) -> MerchantApplication:
    """The configuration is done once a sign-in with the current configuration answered 00."""
    with transaction.atomic():
        app = locked(application)
        check(app, "complete_configuration", by=by)
        _require_assigned(app, by)
        fire(app, "complete_configuration", by=by, signin_code=latest_signin_code(app))
        terminal_services.terminal_mark_configured(application=app, by=by)
        notify(recipient=app.applicant, template="installation.configured", context={"reference": app.reference})
        return app


def _same_name(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        return "".join(unicodedata.normalize("NFKC", s).split()).casefold()

    return bool(a.strip()) and norm(a) == norm(b)


def installation_record_training(
    *, application: MerchantApplication, by: User, topics: list[str], confirmed_by_name: str
) -> TrainingRecord:
    """The checklist covered, confirmed by the merchant typing their own name."""
    missing_topics = [str(label) for key, label in TRAINING_TOPICS if key not in topics]
    name = (confirmed_by_name or "").strip()
    with transaction.atomic():
        app = locked(application)
        check(app, "complete_training", by=by)
        _require_assigned(app, by)
        if missing_topics:
            raise ConditionsNotMet(_("Training checklist: still to cover:"), missing=missing_topics)
        if not name:
            raise ConditionsNotMet(
                _("Merchant's name: the merchant types their own name to confirm the training. Missing:"),
                missing=[_("the training checklist confirmed by the merchant")],
            )
        if not _same_name(name, app.legal_name):
            raise ConditionsNotMet(
                _("Merchant's name: it must be the name on the application, as on the merchant's ID card.")
            )
        record, _created = TrainingRecord.objects.update_or_create(
            application=app,
            defaults={
                "topics": [key for key, _label in TRAINING_TOPICS],
                "confirmed_by_name": name,
                "trainer": by,
                "confirmed_at": timezone.now(),
            },
        )
        return record


def installation_complete_training(
    *,
    application: MerchantApplication,
    by: User,
    topics: list[str] | None = None,
    confirmed_by_name: str | None = None,
) -> MerchantApplication:
    """Complete the visit: the application and the terminal become active.

    With `topics` and `confirmed_by_name` the training is recorded first (one step);
    without, the training recorded earlier is used.
    """
    with transaction.atomic():
        if topics is not None or confirmed_by_name is not None:
            installation_record_training(
                application=application, by=by, topics=topics or [], confirmed_by_name=confirmed_by_name or ""
            )
        app = locked(application)
        check(app, "complete_training", by=by)
        visit = _booked(app)
        _require_assigned(app, by, visit)
        record = TrainingRecord.objects.filter(application=app).first()
        if record is None:
            raise ConditionsNotMet(
                _("Training: record the training checklist, confirmed by the merchant, before completing the visit.")
            )
        fire(app, "complete_training", by=by, confirmed_by_merchant=record.confirmed_by_name)
        if visit:
            visit.status = VisitStatus.DONE
            visit.completed_at = timezone.now()
            visit.save(update_fields=["status", "completed_at"])
        terminal_services.terminal_activate(application=app, by=by)
        notify(recipient=app.applicant, template="terminal.active", context={"reference": app.reference})
        return app


# --- Every visit: check-in time, cancelling, moving ------------------------------------------------


def check_in_opens(visit: Visit) -> datetime:
    return visit.starts_at - timedelta(minutes=settings.VISIT_CHECK_IN_EARLY_MINUTES)


def _require_check_in_time(visit: Visit) -> None:
    """An installer checks in on site, near the visit's time: not the day before, not days after."""
    now = timezone.now()
    if now < check_in_opens(visit):
        raise ConditionsNotMet(
            _("Check-in: opens at %(opens)s, %(minutes)d minutes before the visit.")
            % {"opens": local_when(check_in_opens(visit)), "minutes": settings.VISIT_CHECK_IN_EARLY_MINUTES}
        )
    if now > visit.ends_at + timedelta(hours=12):
        raise ConditionsNotMet(
            _("Check-in: the visit of %s is long past; ask support or staff to book a new one.")
            % local_when(visit.starts_at)
        )


def _visit_context(visit: Visit) -> dict[str, object]:
    return {
        "visit": str(visit.pk),
        "reference": visit.application.reference,
        "when": visit.starts_at,
        "address": visit.application.installation_place(),
    }


def visit_cancel(*, visit: Visit, by: User, tell: bool = True) -> Visit:
    """Cancel a booked service visit (inside the caller's transaction); the installer and the
    merchant are told. Installation visits are cancelled with the application (installation_cancel)."""
    fresh = (
        Visit.objects.select_for_update(of=("self",))
        .select_related("application__applicant", "installer")
        .get(pk=visit.pk)
    )
    if fresh.status != VisitStatus.BOOKED:
        return fresh
    fresh.status = VisitStatus.CANCELLED
    fresh.save(update_fields=["status"])
    if tell:
        context = _visit_context(fresh)
        notify(recipient=fresh.installer, template="visit.cancelled_installer", context=context)
        notify(recipient=fresh.application.applicant, template="visit.cancelled", context=context)
    return fresh


def visit_move(*, visit: Visit, by: User, starts_at: datetime, installer: User | None = None) -> Visit:
    """Staff move a booked service visit to another slot (or installer): one booking of the one
    calendar, the old slot freed in the same transaction; both installers and the merchant are told."""
    if not is_staff_member(by):
        raise RoleRefused(_("Only staff can move a service visit."))
    with transaction.atomic():
        old = (
            Visit.objects.select_for_update(of=("self",))
            .select_related("application__applicant", "installer", "terminal")
            .get(pk=visit.pk)
        )
        if old.status != VisitStatus.BOOKED or old.checked_in_at:
            raise InvalidState(_("This visit is “%s”: it cannot be moved.") % old.get_status_display())
        old.status = VisitStatus.CANCELLED
        old.save(update_fields=["status"])
        new = visit_book(
            application=old.application,
            purpose=old.purpose,
            starts_at=starts_at,
            by=by,
            installer=installer or old.installer,
            terminal=old.terminal,
            outside_windows=True,
        )
        context = _visit_context(new)
        notify(recipient=new.installer, template="visit.moved_installer", context=context)
        notify(recipient=old.application.applicant, template="visit.moved", context=context)
        if new.installer_id != old.installer_id:
            notify(recipient=old.installer, template="visit.cancelled_installer", context=_visit_context(old))
        return new


# --- A service visit, step by step ------------------------------------------------------------


def _service_visit(visit: Visit, by: User, *, checked_in: bool = True) -> Visit:
    """The visit locked, if it is this installer's, booked, and (for the steps on site) checked in."""
    fresh = (
        Visit.objects.select_for_update(of=("self",))
        .select_related("application", "terminal", "installer")
        .get(pk=visit.pk)
    )
    if fresh.installer_id != by.pk and not by.is_superuser:
        raise RoleRefused(_("Only %s, the installer of this visit, can do this.") % fresh.installer)
    if fresh.status != VisitStatus.BOOKED:
        raise InvalidState(_("This visit is “%s”: nothing more can be done on it.") % fresh.get_status_display())
    if checked_in and fresh.checked_in_at is None:
        raise ConditionsNotMet(_("Check in first: this step is done on site, after the check-in."))
    return fresh


def visit_check_in(*, visit: Visit, by: User) -> Visit:
    """The installer is on site (not earlier than VISIT_CHECK_IN_EARLY_MINUTES before the visit)."""
    with transaction.atomic():
        fresh = _service_visit(visit, by, checked_in=False)
        if fresh.checked_in_at:
            raise InvalidState(_("You checked in already, at %s.") % local_when(fresh.checked_in_at))
        _require_check_in_time(fresh)
        fresh.checked_in_at = timezone.now()
        fresh.save(update_fields=["checked_in_at"])
        return fresh


def visit_reconfigure(*, visit: Visit, by: User, **values: object) -> TerminalConfiguration:
    """Re-enter the terminal's configuration (TID, MID, host...) on a service visit; the host is
    told of the terminal again (a due registration, sent by a job)."""
    with transaction.atomic():
        fresh = _service_visit(visit, by)
        return terminal_services.terminal_reconfigure(
            application=fresh.application,
            by=by,
            **values,  # type: ignore[arg-type]
        )


def visit_swap_terminal(*, visit: Visit, by: User, serial_number: str, note: str = "") -> Terminal:
    """Swap the merchant's terminal for one from stock: the old one aside as faulty (the host forgets
    its TID), the new one the merchant's (the host learns its TID); then re-enter the configuration."""
    with transaction.atomic():
        fresh = _service_visit(visit, by)
        terminal = terminal_services.terminal_swap(
            application=fresh.application, by=by, serial_number=serial_number, note=note
        )
        fresh.terminal = terminal
        fresh.save(update_fields=["terminal"])
        return terminal


def visit_service_signin(*, visit: Visit, by: User) -> SignIn:
    # The sign-in talks to the host, so it runs outside any transaction.
    with transaction.atomic():
        fresh = _service_visit(visit, by)
    return terminal_services.signin_test(application=fresh.application, by=by, live=True)


def visit_record_work(*, visit: Visit, by: User, notes: str, photo: object | None = None) -> Visit:
    """What was done, in the installer's words, and a photo (re-encoded from its pixels)."""
    notes = (notes or "").strip()
    if not notes:
        raise ConditionsNotMet(_("What was done: write a few words (e.g. the TID re-entered, the paper roll changed)."))
    clean = clean_upload(photo) if photo is not None else None  # a ValidationError names the file's problem
    if clean is not None and not clean.content_type.startswith("image/"):
        raise ConditionsNotMet(_("Photo: expected a JPEG or PNG picture."))
    with transaction.atomic():
        fresh = _service_visit(visit, by)
        fresh.notes = notes[:4000]
        fields = ["notes"]
        if clean is not None:
            fresh.photo.save(f"photo{clean.extension}", ContentFile(clean.content), save=False)
            fields.append("photo")
        fresh.save(update_fields=fields)
        return fresh


def visit_complete(*, visit: Visit, by: User) -> Visit:
    """The service visit is done: what was done is recorded; the case it was booked for moves on
    (installations.hooks: support's handler, in this transaction)."""
    with transaction.atomic():
        fresh = _service_visit(visit, by)
        if not fresh.notes:
            raise ConditionsNotMet(
                _("The visit cannot be completed yet. It needs:"), missing=[_("what was done, in a few words")]
            )
        fresh.status = VisitStatus.DONE
        fresh.completed_at = timezone.now()
        fresh.save(update_fields=["status", "completed_at"])
        hooks.visit_done(fresh, by)
        return fresh
