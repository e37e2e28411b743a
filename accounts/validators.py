import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Mainland mobile numbers: 11 digits starting 13-19, optionally written with +86 / 0086.
_MOBILE = re.compile(r"^(?:\+?86|0086)?(1[3-9]\d{9})$")


def normalize_cn_mobile(value: str) -> str:
    """Return the number as "+86" and its 11 digits, or raise ValidationError."""
    compact = re.sub(r"[\s\-()]", "", value or "")
    match = _MOBILE.match(compact)
    if not match:
        raise ValidationError(
            _("Enter a mainland China mobile number: 11 digits starting with 13–19, e.g. 138 0013 8000."),
            code="invalid_mobile",
        )
    return "+86" + match.group(1)


def validate_cn_mobile(value: str) -> None:
    normalize_cn_mobile(value)
