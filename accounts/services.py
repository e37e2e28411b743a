"""Writes of the accounts context: one keyword-only function per action."""

from django.contrib.auth.models import Group
from django.db import transaction

from .models import User
from .roles import Role
from .validators import normalize_cn_mobile


def applicant_register(*, user: User, mobile: str, language: str) -> User:
    """Finish a self-service sign-up: the mobile typed, the language used, the Applicant role."""
    with transaction.atomic():
        user.mobile = normalize_cn_mobile(mobile)
        if language in dict(User._meta.get_field("preferred_language").choices):
            user.preferred_language = language
        user.save(update_fields=["mobile", "preferred_language"])
        user.groups.add(Group.objects.get(name=Role.APPLICANT))
        return user


def user_update_contact(*, user: User, mobile: str, preferred_language: str) -> User:
    """Change the mobile and the language messages are sent in."""
    with transaction.atomic():
        fresh = User.objects.select_for_update().get(pk=user.pk)
        fresh.mobile = normalize_cn_mobile(mobile)
        fresh.preferred_language = preferred_language
        fresh.save(update_fields=["mobile", "preferred_language"])
        return fresh
