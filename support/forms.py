"""Validate and convert input only: device reports (JSON) and the support pages' forms."""

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role

from .catalogue import CATALOGUE, KNOWN_CODES, SYMPTOMS
from .models import EventKind

# A terminal's clock may drift a little ahead; a report older than a week is not news but
# a broken clock or a replay of old traffic.
MAX_CLOCK_AHEAD = timedelta(minutes=10)
MAX_REPORT_AGE = timedelta(days=7)
_EVENT_ID = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")
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


def parse_report(body: bytes, *, now: datetime | None = None) -> Report:
    """One device report from its JSON body, or ReportRejected naming what is wrong."""
    now = now or timezone.now()
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ReportRejected(gettext("The body is not valid JSON.")) from exc
    if not isinstance(data, dict):
        raise ReportRejected(gettext("The body must be a JSON object."))
    unknown = sorted(set(data) - _REPORT_KEYS)
    if unknown:
        raise ReportRejected(gettext("Unknown fields: %s.") % ", ".join(unknown), field=unknown[0])

    event_id = data.get("event_id")
    if not isinstance(event_id, str) or not _EVENT_ID.match(event_id):
        raise ReportRejected(
            gettext("event_id must be 8 to 64 letters, digits or . _ : - (e.g. a UUID)."), field="event_id"
        )
    kind = data.get("kind")
    if kind not in EventKind.values:
        raise ReportRejected(gettext("kind must be one of: %s.") % ", ".join(EventKind.values), field="kind")

    raw_at = data.get("at")
    at = parse_datetime(raw_at) if isinstance(raw_at, str) else None
    if at is None or at.tzinfo is None:
        raise ReportRejected(
            gettext("at must be an ISO 8601 time with its offset, e.g. 2026-11-24T09:30:00+08:00."), field="at"
        )
    if at > now + MAX_CLOCK_AHEAD or at < now - MAX_REPORT_AGE:
        raise ReportRejected(
            gettext(
                "at is not plausible: it must lie within the last 7 days and not in the future; check the terminal's clock."
            ),
            field="at",
        )

    code = data.get("response_code", "")
    if kind == EventKind.HEARTBEAT:
        if code:
            raise ReportRejected(gettext("A heartbeat carries no response_code."), field="response_code")
    else:
        if not isinstance(code, str) or not code:
            raise ReportRejected(gettext("A %s report needs a response_code.") % kind, field="response_code")
        code = code.strip().upper()
        if code not in KNOWN_CODES:
            raise ReportRejected(gettext("Unknown response code %s.") % code[:8], field="response_code")

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


# --- Pages --------------------------------------------------------------------------------


def code_choices() -> list[tuple[str, str]]:
    return [("", gettext("— choose the code —"))] + [
        (code, f"{code} · {item.shows}") for code, item in CATALOGUE.items()
    ]


class ProblemForm(forms.Form):
    """What the merchant sees: a code or a symptom (either is enough)."""

    code = forms.ChoiceField(label=_("Code on the screen"), required=False)
    symptom = forms.ChoiceField(label=_("Or what happens"), required=False)

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = code_choices()
        self.fields["symptom"].choices = [("", gettext("— choose what happens —"))] + [
            (key, str(s.label)) for key, s in SYMPTOMS.items()
        ]

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("code") and not data.get("symptom"):
            raise forms.ValidationError(_("Choose the code the terminal shows, or what happens."))
        return data


class CaseForm(forms.Form):
    code = forms.CharField(required=False, max_length=2)
    symptom = forms.CharField(required=False, max_length=20)
    tried = forms.MultipleChoiceField(label=_("What I tried"), required=False, widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(
        label=_("Anything else we should know"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, steps: list[str] | None = None, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["tried"].choices = [(str(i), s) for i, s in enumerate(steps or [])]

    def clean_code(self) -> str:
        code = (self.cleaned_data.get("code") or "").upper()
        if code and code not in KNOWN_CODES:
            raise forms.ValidationError(_("Unknown code."))
        return code

    def clean_symptom(self) -> str:
        symptom = self.cleaned_data.get("symptom") or ""
        if symptom and symptom not in SYMPTOMS:
            raise forms.ValidationError(_("Unknown symptom."))
        return symptom


class VisitForm(forms.Form):
    installer = forms.ModelChoiceField(label=_("Installer"), queryset=User.objects.none())
    starts_at = forms.DateTimeField(
        label=_("Visit starts at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["installer"].queryset = User.objects.filter(groups__name=Role.INSTALLER, is_active=True).order_by(
            "last_name", "first_name"
        )


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("How it was resolved"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
