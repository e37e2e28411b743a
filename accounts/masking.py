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


# Digit runs that look like a resident ID (18, last may be X), a bank card (13-19)
# or a mobile (11 starting with 1). Masking every long digit run errs on the safe side.
_LONG_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{1,9}?)(\d{3}[\dXx]|\d{4})(?![0-9A-Za-z])")


def mask_numbers_in_text(text: str) -> str:
    def repl(match: re.Match[str]) -> str:
        whole = match.group(0)
        if len(whole) < 11:
            return whole
        return whole[:3] + "*" * (len(whole) - 7) + whole[-4:]

    return _LONG_NUMBER.sub(repl, text)


class MaskPersonalDataFilter(logging.Filter):
    """Rewrites every log record so that long digit runs (IDs, cards, mobiles) are masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not hide the record
            return True
        masked = mask_numbers_in_text(message)
        if masked != message:
            record.msg = masked
            record.args = None
        return True
