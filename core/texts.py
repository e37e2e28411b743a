"""Texts kept as codes and parameters, worded when read, in the reader's language.

A check result, a history line or a message is read later, often by someone who reads
another language than the person whose action wrote it. So what is stored is the English
source text (the gettext msgid, marked with `gettext_noop` where it is written so that
`makemessages` finds it) and its parameters; `wording()` translates it when a page is drawn.

Parameters are kept as what they are, not as words:
- a moment → ``{"instant": iso}``, worded by `core.time.local_when` in the reader's format;
- a day → ``{"day": iso}``;
- a translatable word (a state's label, a lazy text) → ``{"msgid": "Active"}``, translated when read;
- a list → each item kept the same way, read as a list in the reader's language;
- a number, a code, a name someone typed → as it is.
"""

import json
from datetime import date, datetime

from django.utils import translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext

from .time import local_when

INSTANT, DAY, MSGID, TEXT = "instant", "day", "msgid", "text"


def source(lazy: object) -> str:
    """The msgid of a lazy translation (its English source), whatever language is active."""
    with translation.override(None):
        return str(lazy)


def storable(value: object) -> object:
    """A parameter as a row keeps it (JSON)."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, datetime):
        return {INSTANT: value.isoformat()}
    if isinstance(value, date):
        return {DAY: value.isoformat()}
    if isinstance(value, Promise):
        return {MSGID: source(value)}
    if isinstance(value, list | tuple):
        return [storable(item) for item in value]
    if isinstance(value, dict) and TEXT in value:
        return value  # a text already stored (see `text`)
    return str(value)  # decimals and the like: as the person will read them


def readable(value: object) -> object:
    """A stored parameter as the reader reads it, in the active language."""
    if isinstance(value, dict):
        if INSTANT in value:
            moment = parse_datetime(value[INSTANT])
            return local_when(moment) if moment else value[INSTANT]
        if DAY in value:
            day = parse_date(value[DAY])
            return date_format(day, "DATE_FORMAT") if day else value[DAY]
        if MSGID in value:
            return gettext(value[MSGID]) if value[MSGID] else ""
        if TEXT in value:
            return wording(value)
    if isinstance(value, list):
        # "、" is how a Chinese list reads; ", " an English one.
        separator = gettext(", ")
        return separator.join(str(readable(item)) for item in value)
    return value


def text(msgid: str, **params: object) -> dict:
    """A text to keep: its msgid (mark it with gettext_noop) and its parameters."""
    return {TEXT: msgid, "params": {name: storable(value) for name, value in params.items()}}


# How a text column that also holds words people typed (a transition's message) keeps a code.
_KEPT_START = '{"text": '


def kept(stored: dict) -> str:
    """A text (see `text`) as a string column keeps it, beside the words people type there."""
    return json.dumps(stored, ensure_ascii=False)


def _unkept(value: str) -> dict | str:
    if not value.startswith(_KEPT_START):
        return value
    try:
        stored = json.loads(value)
    except ValueError:
        return value
    return stored if isinstance(stored, dict) and isinstance(stored.get(TEXT), str) else value


def wording(stored: dict | str | None) -> str:
    """A kept text in the active language. A plain string (a row kept before texts were codes,
    or words a person typed) is shown as it is; one that holds a kept text (`kept`) is worded."""
    if not stored:
        return ""
    if isinstance(stored, str):
        stored = _unkept(stored)
        if isinstance(stored, str):
            return stored
    translated = gettext(stored[TEXT])
    params = {name: readable(value) for name, value in (stored.get("params") or {}).items()}
    if not params:
        return translated
    try:
        return translated % params
    except (KeyError, ValueError, TypeError):
        # A translation that lost a placeholder must not break a page: the source text then.
        return stored[TEXT] % params
