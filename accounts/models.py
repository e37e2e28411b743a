from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.fields import BlindIndexField, EncryptedCharField, SealedNumbersMixin, SealedQuerySet

from .validators import validate_cn_mobile


def is_chinese_name(first_name: str, last_name: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in (first_name or "") + (last_name or ""))


def full_name(first_name: str, last_name: str) -> str:
    """Chinese names are written family name first, with no space (王小明, not 小明 王)."""
    first, last = first_name or "", last_name or ""
    if is_chinese_name(first, last):
        return f"{last}{first}".strip()
    return f"{first} {last}".strip()


# The portal's own accounts (a context's system user, e.g. verification's robot), named in the
# reader's language: a name kept in the row would read in whichever language created it.
_SYSTEM_NAMES: dict[str, Promise] = {}


def name_system_account(username: str, name: Promise) -> None:
    """Show the account `username` as `name` (a lazy translation), worded when read."""
    _SYSTEM_NAMES[username] = name


class SealedUserManager(UserManager.from_queryset(SealedQuerySet)):  # type: ignore[misc]
    pass


class User(SealedNumbersMixin, AbstractUser):
    """A person using the portal. Roles are groups (see accounts.roles)."""

    email = models.EmailField(_("email address"), unique=True)
    mobile = EncryptedCharField(
        _("mobile"),
        max_length=20,
        blank=True,
        validators=[validate_cn_mobile],
        help_text=_("Mainland China mobile number, e.g. +86 138 0013 8000."),
        blind_index="mobile_index",
    )
    mobile_index = BlindIndexField(source="mobile")

    objects = SealedUserManager()
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=[("zh-hans", "简体中文"), ("en", "English")],
        default="zh-hans",
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        indexes = [models.Index(fields=["mobile_index"], name="user_mobile_index")]

    def get_full_name(self) -> str:
        if (name := _SYSTEM_NAMES.get(self.username)) is not None:
            return str(name)
        return full_name(self.first_name, self.last_name)

    def get_short_name(self) -> str:
        """How a page greets the person (the admin's "Welcome,"): a Chinese given name alone reads
        oddly to a stranger (欢迎，小明), so a Chinese name is greeted whole; a Latin one by the given name."""
        if is_chinese_name(self.first_name, self.last_name):
            return self.get_full_name()
        return self.first_name

    def __str__(self) -> str:
        return self.get_full_name() or self.email or self.username
