"""Masking of personal data on screen and in logs.

Rule of the house: ID numbers, bank cards, mobiles are shown whole only to roles that
need them; everywhere else, and always in logs, only a few characters remain.
"""

import logging
import re


def mask_middle(value: str | None, keep_start: int, keep_end: int) -> str:
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[len(value) - keep_end :]


def mask_id_number(value: str | None) -> str:
    """110105********1234 style: region and last four."""
    return mask_middle(value, 6, 4) if value and len(value) > 10 else mask_middle(value, 1, 1)


def mask_card(value: str | None) -> str:
    """6222 **** **** 1234 style: issuer prefix and last four."""
    return mask_middle(value, 4, 4)


def mask_mobile(value: str | None) -> str:
    if value and value.startswith("+86"):
        return "+86" + mask_middle(value[3:], 3, 4)
    return mask_middle(value, 3, 4)


# Numbers that look like a resident ID (18, last may be X), a bank card (13-19 digits) or a
# mobile (11): digit runs of 11 or more, also when written in groups ("138 0013 8000",
# "6222-0200-1234-5678"), as the forms invite. Masking every such run errs on the safe side.
_LONG_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d(?:[ -]?\d){9,}[ -]?[\dXx](?![0-9A-Za-z])")


def mask_numbers_in_text(text: str) -> str:
    def repl(match: re.Match[str]) -> str:
        digits = re.sub(r"[ -]", "", match.group(0))
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]

    return _LONG_NUMBER.sub(repl, text)


class MaskPersonalDataFilter(logging.Filter):
    """Rewrites every log record, traceback included, so that personal numbers are masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not hide the record
            return True
        masked = mask_numbers_in_text(message)
        if masked != message:
            record.msg = masked
            record.args = None
        if record.exc_info and not record.exc_text:
            # Format the traceback now, masked, so handlers print this text instead of the raw one.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_numbers_in_text(record.exc_text)
        return True
