"""Get an application for this user, or 404: never a 403 that confirms it exists."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.roles import is_staff_member

from .models import MerchantApplication


def application_for_applicant(user: User, reference: str) -> MerchantApplication:
    return get_object_or_404(MerchantApplication, reference=reference, applicant=user)


def application_for_staff(user: User, reference: str) -> MerchantApplication:
    if not is_staff_member(user):
        raise Http404
    return get_object_or_404(MerchantApplication, reference=reference)
