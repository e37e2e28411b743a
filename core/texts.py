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
- an address → ``{"address": {"province": "44", "code": "440305", "street": …}}`` (see `address`):
  the province named in the reader's language, the city and district by the GB/T 2260 table;
- a number, a code, a name someone typed → as it is.
"""

import json
from datetime import date, datetime

from django.utils import translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext

from regions.divisions import place_of_code

from .choices import Province
from .time import local_when

INSTANT, DAY, MSGID, TEXT, ADDRESS = "instant", "day", "msgid", "text", "address"


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
    if isinstance(value, dict) and (TEXT in value or ADDRESS in value):
        return value  # a text or an address already stored (see `text`, `address`)
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
        if ADDRESS in value:
            return _place(value[ADDRESS])
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


def address(*, province: str, code: str = "", city: str = "", district: str = "", street: str = "") -> dict:
    """An address to keep: the province's code, the district's GB/T 2260 code, the street as typed,
    and the city and district as the form kept them (read when the code is not in the table: an
    address typed before the district was chosen from it). Worded when read: the province in the
    reader's language, the city and district by the table's current names for the code."""
    return {ADDRESS: {"province": province, "code": code, "city": city, "district": district, "street": street}}


def _place(stored: dict) -> str:
    code = stored.get("province", "")
    province = Province(code).label if code in Province.values else code
    found = place_of_code(stored["code"]) if stored.get("code") else None
    city, district = (found.city, found.district) if found else (stored.get("city", ""), stored.get("district", ""))
    return " ".join(str(part) for part in (province, city, district, stored.get("street", "")) if part)


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
