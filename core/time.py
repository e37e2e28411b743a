"""Moments written into stored text (history lines, check findings, refusals): local time, to the
minute, the same in both languages. A message keeps its moments as moments instead and words them
when read, in the reader's language (notifications.messages.readable)."""

from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format


def local_when(moment: datetime | None, *, missing: str = "—") -> str:
    """A moment as message contexts and check findings carry it (stored as text, read by people)."""
    if moment is None:
        return missing
    return date_format(timezone.localtime(moment), "Y-m-d H:i")
