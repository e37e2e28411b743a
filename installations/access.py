"""Get a visit for this installer, or 404: another installer's visit does not exist for them."""

from django.http import Http404

from accounts.models import User
from accounts.roles import Role, has_role
from applications.models import MerchantApplication

from .models import AppointmentStatus, InstallationAppointment


def visit_for_installer(user: User, reference: str) -> tuple[MerchantApplication, InstallationAppointment]:
    if not has_role(user, Role.INSTALLER):
        raise Http404
    visit = (
        InstallationAppointment.objects.filter(
            application__reference=reference,
            installer=user,
            status__in=[AppointmentStatus.BOOKED, AppointmentStatus.DONE],
        )
        .select_related("application", "application__applicant", "installer")
        .order_by("-starts_at")
        .first()
    )
    if visit is None:
        raise Http404
    return visit.application, visit
