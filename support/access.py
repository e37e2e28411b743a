"""Get a terminal, case or visit for this user, or 404: never a 403 that confirms it exists."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.roles import Role, has_role
from terminals.models import Terminal

from .models import SupportCase


def terminal_for_merchant(user: User, serial_number: str) -> Terminal:
    return get_object_or_404(
        Terminal.objects.select_related("application"), serial_number=serial_number, application__applicant=user
    )


def case_for_merchant(user: User, reference: str) -> SupportCase:
    return get_object_or_404(
        SupportCase.objects.select_related("terminal"), reference=reference, application__applicant=user
    )


def require_support(user: User) -> None:
    if not has_role(user, Role.SUPPORT):
        raise Http404


def case_for_support(user: User, reference: str) -> SupportCase:
    require_support(user)
    return get_object_or_404(
        SupportCase.objects.select_related("terminal", "application__applicant", "opened_by"), reference=reference
    )
