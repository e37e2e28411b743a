import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# What people put between the digits of a number they type or paste: spaces of every kind
# (the ideographic space of a Chinese keyboard too), dashes, dots, brackets.
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―·.()]+")

# Mainland mobile numbers: 11 digits starting 13-19, optionally written with +86 / 0086.
# [0-9], not \d: \d also matches Arabic-Indic, Devanagari... digits, which must not be stored.
_MOBILE = re.compile(r"^(?:\+?86|0086)?(1[3-9][0-9]{9})$")


def compact_number(value: str) -> str:
    """A typed number as ASCII without separators: full-width digits and letters (１２３, Ｘ)
    become ASCII by NFKC, spaces and dashes go. Other scripts' digits stay, so checks refuse them."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", value or ""))


def normalize_cn_mobile(value: str) -> str:
    """Return the number as "+86" and its 11 digits, or raise ValidationError."""
    match = _MOBILE.match(compact_number(value))
    if not match:
        raise ValidationError(
            _("Enter a mainland China mobile number: 11 digits starting with 13–19, e.g. 138 0013 8000."),
            code="invalid_mobile",
        )
    return "+86" + match.group(1)


def validate_cn_mobile(value: str) -> None:
    normalize_cn_mobile(value)
