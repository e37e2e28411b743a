"""How an installation visit opens for each reader (registered in the link registry at start-up)."""

from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from applications.links import review_pages, status_pages
from notifications.links import register

from .access import visible_visits
from .models import Visit, VisitPurpose, VisitStatus


def visit_pages(user: User, references: list[str]) -> dict[str, str]:
    """An installer opens a visit that is still theirs; a visit moved to someone else is text only."""
    refs = (
        visible_visits(user)
        .filter(application__reference__in=references)
        .values_list("application__reference", flat=True)
    )
    return {ref: reverse("installations:visit", args=[ref]) for ref in refs}


def visit_pages_by_number(user: User, idents: list[str]) -> dict[str, str]:
    """An installer opens a visit of theirs, whatever its purpose, by its number."""
    pks = [int(i) for i in idents if i.isdigit()]
    rows = (
        Visit.objects.filter(pk__in=pks, installer=user)
        .exclude(status=VisitStatus.CANCELLED)
        .values_list("pk", "purpose", "application__reference")
    )
    return {
        str(pk): reverse("installations:service_visit", args=[pk])
        if purpose == VisitPurpose.SERVICE
        else reverse("installations:visit", args=[ref])
        for pk, purpose, ref in rows
    }


def register_links() -> None:
    register("visit", Role.INSTALLER, visit_pages_by_number)
    # Where a merchant or support opens a visit (its case, its application) support, above, registers.
    register("installation", Role.INSTALLER, visit_pages)
    # The applicant and staff follow the visit on the application's own pages.
    register("installation", Role.APPLICANT, status_pages)
    register("installation", Role.REVIEWER, review_pages)
