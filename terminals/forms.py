"""Validate and convert input only: the inventory's forms and the device reports (JSON)."""

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import EventKind, TerminalStatus


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8, first line: serial_number,model,key_check_value. One terminal per line."),
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("New state"),
        choices=[(s.value, s.label) for s in (TerminalStatus.IN_STOCK, TerminalStatus.FAULTY, TerminalStatus.RETIRED)],
    )
    note = forms.CharField(label=_("Why"), max_length=200)


# --- Device reports -----------------------------------------------------------------------

# A terminal's clock may drift a little ahead; a report older than a week is not news but
# a broken clock or a replay of old traffic.
MAX_CLOCK_AHEAD = timedelta(minutes=10)
MAX_REPORT_AGE = timedelta(days=7)
MAX_REPORT_BYTES = 8 * 1024
# A report is an object holding at most one object (config): deeper is never a report, and
# Python's JSON parser recurses once per bracket, so depth is counted before it runs.
MAX_REPORT_DEPTH = 2
_EVENT_ID = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")
# ISO 8583 field 39: two letters or digits. Whether support's catalogue knows the code is the
# diagnosis's business: an unknown code a terminal shows is evidence worth keeping.
_RESPONSE_CODE = re.compile(r"^[0-9A-Z]{2}$")
_CONFIG_KEYS = {"tid", "mid", "host", "port", "kcv"}
_REPORT_KEYS = {"event_id", "kind", "at", "response_code", "config", "software_version"}


class ReportRejected(Exception):
    def __init__(self, message: str, *, field: str = "") -> None:
        self.message = message
        self.field = field
        super().__init__(message)


@dataclass(frozen=True)
class Report:
    event_id: str
    kind: str
    at: datetime
    response_code: str = ""
    config: dict = field(default_factory=dict)
    software_version: str = ""


def json_depth(body: bytes) -> int:
    """The deepest nesting of brackets in a JSON text, counted without parsing it (strings skipped)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return deepest


def _has_nul(value: object) -> bool:
    """PostgreSQL stores no NUL character in text or jsonb: such a report is refused, not half-stored."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _parse_at(raw: object) -> datetime | None:
    if not isinstance(raw, str) or len(raw) > 40:
        return None
    try:
        # Well-formed but impossible (2026-02-30, month 13, +25:00) raises instead of answering None.
        return parse_datetime(raw)
    except (ValueError, OverflowError):
        return None


def parse_report(body: bytes, *, now: datetime | None = None) -> Report:
    """One device report from its JSON body, or ReportRejected naming what is wrong."""
    now = now or timezone.now()
    if len(body) > MAX_REPORT_BYTES:
        raise ReportRejected(gettext("A report may be at most 8 KiB."))
    if json_depth(body) > MAX_REPORT_DEPTH:
        raise ReportRejected(gettext("The body is nested too deeply: a report is one object holding config."))
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise ReportRejected(gettext("The body is not valid JSON.")) from exc
    if not isinstance(data, dict):
        raise ReportRejected(gettext("The body must be a JSON object."))
    unknown = sorted(set(data) - _REPORT_KEYS)
    if unknown:
        raise ReportRejected(gettext("Unknown fields: %s.") % ", ".join(unknown)[:200], field=unknown[0][:40])
    if _has_nul(data):
        raise ReportRejected(gettext("The report contains a NUL character."))

    event_id = data.get("event_id")
    if not isinstance(event_id, str) or not _EVENT_ID.match(event_id):
        raise ReportRejected(
            gettext("event_id must be 8 to 64 letters, digits or . _ : - (e.g. a UUID)."), field="event_id"
        )
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in EventKind.values:
        raise ReportRejected(gettext("kind must be one of: %s.") % ", ".join(EventKind.values), field="kind")

    at = _parse_at(data.get("at"))
    if at is None or at.tzinfo is None:
        raise ReportRejected(
            gettext("at must be a real ISO 8601 time with its offset, e.g. 2026-11-24T09:30:00+08:00."), field="at"
        )
    if at > now + MAX_CLOCK_AHEAD or at < now - MAX_REPORT_AGE:
        raise ReportRejected(
            gettext(
                "at is not plausible: it must lie within the last 7 days and not in the future; check the terminal's clock."
            ),
            field="at",
        )

    code = data.get("response_code", "")
    if not isinstance(code, str):
        raise ReportRejected(gettext("response_code must be a text of two letters or digits."), field="response_code")
    code = code.strip().upper()
    if kind == EventKind.HEARTBEAT:
        if code:
            raise ReportRejected(gettext("A heartbeat carries no response_code."), field="response_code")
    elif not code:
        raise ReportRejected(gettext("A %s report needs a response_code.") % kind, field="response_code")
    elif not _RESPONSE_CODE.match(code):
        raise ReportRejected(
            gettext("response_code must be two letters or digits, e.g. 00 or A0."), field="response_code"
        )

    config = data.get("config", {})
    if not isinstance(config, dict) or set(config) - _CONFIG_KEYS:
        raise ReportRejected(
            gettext("config must be an object with only: %s.") % ", ".join(sorted(_CONFIG_KEYS)), field="config"
        )
    for key, value in config.items():
        if key == "port":
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 65535:
                raise ReportRejected(gettext("config.port must be a number from 1 to 65535."), field="config")
        elif not isinstance(value, str) or len(value) > 255:
            raise ReportRejected(gettext("config.%s must be a short text.") % key, field="config")
    if "kcv" in config and not re.fullmatch(r"[0-9A-Fa-f]{6}", config["kcv"]):
        raise ReportRejected(gettext("config.kcv must be 6 hexadecimal characters (never a key)."), field="config")

    version = data.get("software_version", "")
    if not isinstance(version, str) or len(version) > 40:
        raise ReportRejected(
            gettext("software_version must be a text of at most 40 characters."), field="software_version"
        )
    return Report(event_id=event_id, kind=kind, at=at, response_code=code, config=config, software_version=version)
