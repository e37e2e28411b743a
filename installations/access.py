"""Get a visit for this installer, or 404: another installer's visit does not exist for them."""

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import User
from accounts.roles import Role, has_role
from applications.models import MerchantApplication

from .models import Visit, VisitPurpose, VisitStatus
from .selectors import done_cutoff


def visible_visits(user: User, purpose: str = VisitPurpose.INSTALLATION) -> QuerySet[Visit]:
    """The visits of a purpose an installer's pages show: booked ones, and done ones for a while after."""
    if not has_role(user, Role.INSTALLER):
        return Visit.objects.none()
    return Visit.objects.filter(
        Q(status=VisitStatus.BOOKED) | Q(status=VisitStatus.DONE, ends_at__gte=done_cutoff()),
        installer=user,
        purpose=purpose,
    )


def visit_for_installer(user: User, reference: str) -> tuple[MerchantApplication, Visit]:
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


def service_visit_for_installer(user: User, ident: str | int) -> Visit:
    """A service visit of this installer (booked, or done a while ago), or 404."""
    if not str(ident).isdigit():
        raise Http404
    visit = (
        visible_visits(user, VisitPurpose.SERVICE)
        .filter(pk=int(ident))
        .select_related("application", "application__applicant", "installer", "terminal")
        .first()
    )
    if visit is None:
        raise Http404
    return visit


def visit_for_applicant(user: User, ident: str | int) -> Visit:
    """A visit to this merchant (for its .ics), or 404."""
    if not str(ident).isdigit():
        raise Http404
    visit = (
        Visit.objects.filter(pk=int(ident), application__applicant=user)
        .select_related("application", "installer")
        .first()
    )
    if visit is None:
        raise Http404
    return visit
