"""Checks of Chinese identity, company and bank numbers.

python-stdnum does the check-digit arithmetic; the wrappers here turn its
exceptions into translated ValidationErrors and fill the one gap noted in
DESIGN.md (USCC registration-authority letters).
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import luhn
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError

from accounts.validators import compact_number


def normalize_id_number(value: str) -> str:
    """A mainland resident ID number (18 characters, last may be X), checked.

    Typed as people do: with spaces, full-width digits, a lower-case x."""
    try:
        return ric.validate(compact_number(value).upper())
    except InvalidLength as exc:
        raise ValidationError(_("A resident ID number has 18 characters."), code="id_length") from exc
    except InvalidChecksum as exc:
        raise ValidationError(
            _("This resident ID number's check digit is wrong: please check each digit."),
            code="id_checksum",
        ) from exc
    except (InvalidComponent, KeyError) as exc:
        # python-stdnum 2.2 raises KeyError('county') for a region code it knows only down
        # to the prefecture (e.g. 440200...): that is an unknown region, not a crash.
        raise ValidationError(
            _("This resident ID number's birth date or region is not valid."), code="id_component"
        ) from exc
    except StdnumError as exc:
        raise ValidationError(
            _("Enter a valid resident ID number: 17 digits and a final digit or X."), code="id_invalid"
        ) from exc


def validate_id_number(value: str) -> None:
    normalize_id_number(value)


# GB 32100-2015: the first character names the registration authority. stdnum accepts
# only digits there, but some authorities use letters: A (central military commission
# bodies), N (agriculture, e.g. farmers' cooperatives), Y (others). The second character,
# the entity type, is a digit.
_USCC_AUTHORITIES = "123456789ANY"
_USCC_SHAPE = re.compile(r"^[0-9A-Z][0-9]\d{6}[0-9A-HJ-NP-RTUW-Y]{9}[0-9A-HJ-NP-RTUW-Y]$")


def normalize_credit_code(value: str) -> str:
    """A unified social credit code (统一社会信用代码, 18 characters), checked."""
    number = uscc.compact(compact_number(value))
    if len(number) != 18:
        raise ValidationError(_("A unified social credit code has 18 characters."), code="uscc_length")
    if number[0] not in _USCC_AUTHORITIES or not _USCC_SHAPE.match(number):
        raise ValidationError(
            _("Enter a valid unified social credit code: 18 digits or capital letters (not I, O, S, V or Z)."),
            code="uscc_format",
        )
    if number[-1] != uscc.calc_check_digit(number[:17]):
        raise ValidationError(
            _("This unified social credit code's check character is wrong: please check it."),
            code="uscc_checksum",
        )
    return number


def validate_credit_code(value: str) -> None:
    normalize_credit_code(value)


def normalize_card_number(value: str) -> str:
    """A bank card number: 13-19 digits whose Luhn check holds."""
    number = compact_number(value)
    if not re.fullmatch(r"[0-9]+", number):
        raise ValidationError(_("A bank card number has digits only."), code="card_digits")
    if not 13 <= len(number) <= 19:
        raise ValidationError(_("A bank card number has 13 to 19 digits."), code="card_length")
    if not luhn.is_valid(number):
        raise ValidationError(
            _("This bank card number's check digit is wrong: please check each digit."),
            code="card_checksum",
        )
    return number


def validate_card_number(value: str) -> None:
    normalize_card_number(value)


def validate_merchant_id(value: str) -> None:
    if not re.fullmatch(r"[0-9]{15}", value or ""):
        raise ValidationError(_("A merchant ID (MID) has exactly 15 digits."), code="mid_format")
