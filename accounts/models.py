from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from .validators import validate_cn_mobile


class User(AbstractUser):
    """A person using the portal. Roles are groups (see accounts.roles)."""

    email = models.EmailField(_("email address"), unique=True)
    mobile = models.CharField(
        _("mobile"),
        max_length=20,
        blank=True,
        validators=[validate_cn_mobile],
        help_text=_("Mainland China mobile number, e.g. +86 138 0013 8000."),
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=[("zh-hans", "简体中文"), ("en", "English")],
        default="zh-hans",
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.get_full_name() or self.email or self.username
