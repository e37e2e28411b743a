"""Writes of the installations context: booking visits, the visit itself, training.

These fire the installation transitions of MerchantApplication, with the evidence
their conditions need (the sign-in's answer, the merchant's confirmation), which
lives in this context and the terminals context.
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from applications.errors import ConditionsNotMet, Conflict, RoleRefused
from applications.models import MerchantApplication
from applications.workflow import check, fire, locked
from notifications.services import notify
from terminals.models import Terminal, TerminalStatus
from terminals.selectors import latest_signin_code

from .models import TRAINING_TOPICS, AppointmentStatus, InstallationAppointment, TrainingRecord

VISIT_LENGTH = timedelta(hours=2)


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "Y-m-d H:i")


def _booked(app: MerchantApplication) -> InstallationAppointment | None:
    return (
        InstallationAppointment.objects.select_for_update()
        .filter(application=app, status=AppointmentStatus.BOOKED)
        .select_related("installer")
        .first()
    )


def _validate_slot(*, installer: User, starts_at: datetime) -> None:
    missing = []
    # Explicit membership: an administrator is not thereby someone who visits merchants.
    if not installer.groups.filter(name=Role.INSTALLER).exists():
        missing.append(_("an installer (%s is not one)") % installer)
    if starts_at <= timezone.now():
        missing.append(_("a visit time in the future"))
    if missing:
        raise ConditionsNotMet(_("The visit cannot be booked. It needs:"), missing=missing)


def _book(*, app: MerchantApplication, installer: User, starts_at: datetime, by: User) -> InstallationAppointment:
    try:
        with transaction.atomic():
            return InstallationAppointment.objects.create(
                application=app,
                installer=installer,
                starts_at=starts_at,
                ends_at=starts_at + VISIT_LENGTH,
                created_by=by,
            )
    except IntegrityError as exc:
        raise Conflict(
            _("%(name)s is already booked at %(when)s: choose another time.")
            % {"name": installer, "when": _when(starts_at)}
        ) from exc


def _tell_both(
    app: MerchantApplication, visit: InstallationAppointment, applicant_template: str, installer_template: str
) -> None:
    context = {
        "reference": app.reference,
        "when": _when(visit.starts_at),
        "address": app.installation_address_display(),
    }
    notify(recipient=app.applicant, template=applicant_template, context=context)
    notify(recipient=visit.installer, template=installer_template, context=context)


def installation_schedule(
    *, application: MerchantApplication, by: User, installer: User, starts_at: datetime
) -> InstallationAppointment:
    with transaction.atomic():
        app = locked(application)
        check(app, "schedule_installation", by=by)
        _validate_slot(installer=installer, starts_at=starts_at)
        visit = _book(app=app, installer=installer, starts_at=starts_at, by=by)
        fire(app, "schedule_installation", by=by, description=_("Visit on %s") % _when(starts_at))
        _tell_both(app, visit, "installation.scheduled", "installation.assigned")
        return visit


def installation_reschedule(
    *, application: MerchantApplication, by: User, starts_at: datetime, installer: User | None = None
) -> InstallationAppointment:
    with transaction.atomic():
        app = locked(application)
        check(app, "reschedule", by=by)
        old = _booked(app)
        installer = installer or (old.installer if old else None)
        if installer is None:
            raise ConditionsNotMet(_("The visit cannot be moved. It needs:"), missing=[_("an installer")])
        _validate_slot(installer=installer, starts_at=starts_at)
        if old:
            old.status = AppointmentStatus.CANCELLED
            old.save(update_fields=["status"])
        visit = _book(app=app, installer=installer, starts_at=starts_at, by=by)
        fire(app, "reschedule", by=by, description=_("Visit moved to %s") % _when(starts_at))
        _tell_both(app, visit, "installation.scheduled", "installation.assigned")
        return visit


def installation_cancel(*, application: MerchantApplication, by: User, message: str = "") -> MerchantApplication:
    with transaction.atomic():
        app = locked(application)
        check(app, "cancel_installation", by=by)
        visit = _booked(app)
        if visit:
            visit.status = AppointmentStatus.CANCELLED
            visit.save(update_fields=["status"])
        fire(app, "cancel_installation", by=by, description=message)
        if visit:
            _tell_both(app, visit, "installation.cancelled", "installation.cancelled")
        return app


def installation_start(*, application: MerchantApplication, by: User) -> MerchantApplication:
    """The installer checks in on site: the terminal is now being configured."""
    with transaction.atomic():
        app = locked(application)
        check(app, "start_installation", by=by)
        visit = _booked(app)
        if visit and visit.installer_id != by.pk and not by.is_superuser:
            raise RoleRefused(
                _("Only %(name)s, the installer assigned to application %(ref)s, can start this visit.")
                % {"name": visit.installer, "ref": app.reference}
            )
        fire(app, "start_installation", by=by)
        notify(recipient=app.applicant, template="installation.started", context={"reference": app.reference})
        return app


def installation_complete_configuration(*, application: MerchantApplication, by: User) -> MerchantApplication:
    with transaction.atomic():
        app = locked(application)
        fire(app, "complete_configuration", by=by, signin_code=latest_signin_code(app))
        notify(recipient=app.applicant, template="installation.configured", context={"reference": app.reference})
        return app


def installation_complete_training(
    *, application: MerchantApplication, by: User, topics: list[str], confirmed_by_name: str
) -> MerchantApplication:
    all_topics = [key for key, _label in TRAINING_TOPICS]
    missing_topics = [str(label) for key, label in TRAINING_TOPICS if key not in topics]
    with transaction.atomic():
        app = locked(application)
        check(app, "complete_training", by=by)
        if missing_topics:
            raise ConditionsNotMet(_("The training is not complete. Still to cover:"), missing=missing_topics)
        TrainingRecord.objects.update_or_create(
            application=app,
            defaults={"topics": all_topics, "confirmed_by_name": confirmed_by_name.strip(), "trainer": by},
        )
        fire(app, "complete_training", by=by, confirmed_by_merchant=confirmed_by_name)
        InstallationAppointment.objects.filter(application=app, status=AppointmentStatus.BOOKED).update(
            status=AppointmentStatus.DONE
        )
        Terminal.objects.filter(application=app).exclude(status=TerminalStatus.RETIRED).update(
            status=TerminalStatus.ACTIVE
        )
        notify(recipient=app.applicant, template="terminal.active", context={"reference": app.reference})
        return app
