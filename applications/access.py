"""Get an application for this user, or 404: never a 403 that confirms it exists."""

from django.shortcuts import get_object_or_404

from accounts.models import User

from .models import ApplicationDocument, MerchantApplication


def application_for_applicant(user: User, reference: str) -> MerchantApplication:
    return get_object_or_404(MerchantApplication, reference=reference, applicant=user)


def document_for_applicant(user: User, reference: str, kind: str) -> ApplicationDocument:
    """A document for its own applicant; 404 for anyone else. Reviewers open documents through
    the review workspace's view, which records each look (applications.views.reviewer.document)."""
    return get_object_or_404(
        ApplicationDocument.objects.select_related("application"),
        application__reference=reference,
        application__applicant=user,
        kind=kind,
    )
