"""Writes of the terminals context: sign-ins (and, later, inventory and configuration)."""

import re

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role, has_role
from applications.choices import Status
from applications.errors import ConditionsNotMet, InvalidState, RoleRefused
from applications.models import MerchantApplication

from .models import SignIn, SignInSource


def signin_record(*, application: MerchantApplication, by: User, response_code: str, detail: str = "") -> SignIn:
    """Record a sign-in result reported by staff (before the live host test exists)."""
    if not (by.is_superuser or has_role(by, Role.INSTALLER)):
        raise RoleRefused(_("Only an installer or an administrator can record a sign-in."))
    code = (response_code or "").strip().upper()
    if not re.fullmatch(r"[0-9A-Z]{2}", code):
        raise ConditionsNotMet(
            _("A sign-in needs:"), missing=[_("a response code of two digits or capital letters, e.g. 00")]
        )
    with transaction.atomic():
        app = MerchantApplication.objects.select_for_update().get(pk=application.pk)
        if app.status != Status.CONFIGURING:
            raise InvalidState(
                _("A sign-in is recorded while the terminal is being configured; application %(ref)s is “%(status)s”.")
                % {"ref": app.reference, "status": app.get_status_display()}
            )
        return SignIn.objects.create(
            application=app,
            configuration=app.configurations.filter(is_current=True).first(),
            response_code=code,
            source=SignInSource.RECORDED,
            by=by,
            detail=detail,
        )
