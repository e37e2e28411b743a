"""Links to the back office's own pages, in the link registry (registered at start-up)."""

from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from notifications.links import register
from support.models import ServiceVisit, VisitStatus


def installer_service_visits(user: User, references: list[str]) -> dict[str, str]:
    """The installer's list of visits, while a visit of that case is still theirs (a cancelled one is text)."""
    refs = (
        ServiceVisit.objects.filter(case__reference__in=references, installer=user)
        .exclude(status=VisitStatus.CANCELLED)
        .values_list("case__reference", flat=True)
    )
    return {ref: reverse("backoffice:visits") for ref in refs}


def register_links() -> None:
    register("service_visit", Role.INSTALLER, installer_service_visits)
