"""How an application opens for each reader (registered in the link registry at start-up)."""

from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from notifications.links import register

from .choices import Status
from .models import MerchantApplication


def status_pages(user: User, references: list[str]) -> dict[str, str]:
    """The applicant's own applications open on their status page."""
    mine = MerchantApplication.objects.filter(reference__in=references, applicant=user)
    return {ref: reverse("applications:status", args=[ref]) for ref in mine.values_list("reference", flat=True)}


def review_pages(user: User, references: list[str]) -> dict[str, str]:
    """Reviewers open any application past its draft in their workspace (a draft is not theirs to see)."""
    seen = MerchantApplication.objects.filter(reference__in=references).exclude(status=Status.DRAFT)
    return {ref: reverse("applications:review", args=[ref]) for ref in seen.values_list("reference", flat=True)}


def register_links() -> None:
    register("application", Role.APPLICANT, status_pages)
    register("application", Role.REVIEWER, review_pages)
