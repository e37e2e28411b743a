"""How an installation visit opens for each reader (registered in the link registry at start-up)."""

from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from applications.links import review_pages, status_pages
from notifications.links import register

from .access import visible_visits


def visit_pages(user: User, references: list[str]) -> dict[str, str]:
    """An installer opens a visit that is still theirs; a visit moved to someone else is text only."""
    refs = (
        visible_visits(user)
        .filter(application__reference__in=references)
        .values_list("application__reference", flat=True)
    )
    return {ref: reverse("installations:visit", args=[ref]) for ref in refs}


def register_links() -> None:
    register("installation", Role.INSTALLER, visit_pages)
    # The applicant and staff follow the visit on the application's own pages.
    register("installation", Role.APPLICANT, status_pages)
    register("installation", Role.REVIEWER, review_pages)
