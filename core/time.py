"""Moments as people read them: in the portal's time zone (never the server's or UTC) and in the
active language's format (2026年11月24日 18:42, Nov. 24, 2026, 18:42).

A message keeps its moments as moments and words them when it is read, in the reader's language
(notifications.messages.readable); text that is stored (a history line, a refusal) is worded in
the language of the person who acted.
"""

from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format


def local_when(moment: datetime | None, *, missing: str = "—") -> str:
    if moment is None:
        return missing
    return date_format(timezone.localtime(moment, timezone.get_default_timezone()), "DATETIME_FORMAT")


def local_time(moment: datetime) -> str:
    """The time of day of a moment."""
    return date_format(timezone.localtime(moment, timezone.get_default_timezone()), "TIME_FORMAT")


def stamp(moment: datetime) -> str:
    """A moment as a model's name gives it (the admin's lists, selects and messages): in the
    portal's time zone, the same in every language."""
    return f"{timezone.localtime(moment, timezone.get_default_timezone()):%Y-%m-%d %H:%M}"
