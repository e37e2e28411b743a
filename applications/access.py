"""Get an application for this user, or 404: never a 403 that confirms it exists."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.roles import is_staff_member

from .models import ApplicationDocument, MerchantApplication


def application_for_applicant(user: User, reference: str) -> MerchantApplication:
    return get_object_or_404(MerchantApplication, reference=reference, applicant=user)


def application_for_staff(user: User, reference: str) -> MerchantApplication:
    if not is_staff_member(user):
        raise Http404
    return get_object_or_404(MerchantApplication, reference=reference)


def document_for_viewer(user: User, reference: str, kind: str) -> ApplicationDocument:
    """A document for its applicant or for staff (reviewers show them inline); 404 for anyone else."""
    if not user.is_authenticated:
        raise Http404
    documents = ApplicationDocument.objects.select_related("application").filter(
        application__reference=reference, kind=kind
    )
    if not is_staff_member(user):
        documents = documents.filter(application__applicant=user)
    return get_object_or_404(documents)
