"""Get a visit for this installer, or 404: another installer's visit does not exist for them."""

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import User
from accounts.roles import Role, has_role
from applications.models import MerchantApplication

from .models import AppointmentStatus, InstallationAppointment
from .selectors import done_cutoff


def visible_visits(user: User) -> QuerySet[InstallationAppointment]:
    """The visits an installer's pages show: booked ones, and done ones for a while after."""
    if not has_role(user, Role.INSTALLER):
        return InstallationAppointment.objects.none()
    return InstallationAppointment.objects.filter(
        Q(status=AppointmentStatus.BOOKED) | Q(status=AppointmentStatus.DONE, ends_at__gte=done_cutoff()),
        installer=user,
    )


def visit_for_installer(user: User, reference: str) -> tuple[MerchantApplication, InstallationAppointment]:
    visit = (
        visible_visits(user)
        .filter(application__reference=reference)
        .select_related("application", "application__applicant", "installer")
        .order_by("-starts_at")
        .first()
    )
    if visit is None:
        raise Http404
    return visit.application, visit
