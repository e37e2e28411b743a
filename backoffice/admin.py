"""The registered Django admin of every model: each app defines its ModelAdmins and inlines,
the back office puts them on the site, and composes the application's page from the
contexts that show on it (documents and review, the visit, the terminal, the history)."""

import json

from allauth.mfa.models import Authenticator
from celery.schedules import ParseException
from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_celery_beat.admin import CrontabScheduleAdmin, PeriodicTaskAdmin, PeriodicTaskForm
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from accounts.admin import AuthenticatorAdmin, UserAdmin
from accounts.models import User
from applications.admin import (
    AuditEventAdmin,
    ConsentInline,
    DocumentInline,
    HistoryInline,
    MerchantApplicationAdminBase,
    NoteInline,
)
from applications.models import AuditEvent, MerchantApplication
from installations.admin import (
    InstallerProfileAdmin,
    TrainingRecordAdmin,
    VisitAdmin,
    VisitInline,
)
from installations.models import InstallerProfile, TrainingRecord, Visit
from notifications.admin import NotificationAdmin
from notifications.models import Notification
from support.admin import (
    CaseVisitAdmin,
    EarlyWarningAdmin,
    IncidentAdmin,
    SupportCaseAdmin,
)
from support.models import (
    CaseVisit,
    EarlyWarning,
    Incident,
    SupportCase,
)
from terminals.admin import (
    ConfigurationInline,
    DeviceCredentialAdmin,
    DeviceEventAdmin,
    HostRegistrationAdmin,
    RemoteCommandAdmin,
    SignInAdmin,
    SignInInline,
    TerminalAdmin,
    TerminalHealthAdmin,
)
from terminals.models import (
    DeviceCredential,
    DeviceEvent,
    HostRegistration,
    RemoteCommand,
    SignIn,
    Terminal,
    TerminalHealth,
)
from verification.admin import AssessmentAdmin, EvidenceAdmin, RiskPolicyAdmin
from verification.models import Assessment, Evidence, RiskPolicy


class MerchantApplicationAdmin(MerchantApplicationAdminBase):
    # In the order of the application's life; the workflow history last.
    inlines = [
        DocumentInline,
        ConsentInline,
        NoteInline,
        VisitInline,
        ConfigurationInline,
        SignInInline,
        HistoryInline,
    ]


class SafeCrontabScheduleAdmin(CrontabScheduleAdmin):
    """django-celery-beat's, whose form redrawn after a refused edit answered 500: its summary
    (`human_readable`) parsed the refused values (an hour of -1) and raised."""

    list_display = ("__str__", "in_words")
    fields = ("in_words", "minute", "hour", "day_of_month", "month_of_year", "day_of_week", "timezone")
    readonly_fields = ("in_words",)

    @admin.display(description=_("schedule"))
    def in_words(self, obj: CrontabSchedule) -> str:
        try:
            return obj.human_readable
        except (ParseException, ValueError, KeyError, IndexError):
            return "—"  # the values are refused with their own messages beside their fields


class SafePeriodicTaskForm(PeriodicTaskForm):
    """django-celery-beat's, which answered 500 three ways: its model saves empty headers as NULL
    into a NOT NULL column (empty JSON boxes are now their empty values), its `clean` reads the
    task after the task's own check refused it (a name too long: KeyError), and JSON nested
    deeper than Python's stack raised RecursionError."""

    def clean(self) -> dict:
        if "task" not in self.cleaned_data and not self.cleaned_data.get("regtask"):
            return forms.ModelForm.clean(self)  # the task's own message stands beside it
        return super().clean()

    def _clean_json(self, field: str) -> str:
        value = self.cleaned_data[field]
        try:
            json.loads(value)
        except (ValueError, RecursionError) as exc:  # nested past Python's stack: refused, not a 500
            raise forms.ValidationError(_("Unable to parse JSON: %s") % exc) from exc
        return value

    def _empty_as(self, field: str, empty: str) -> str:
        value = (self.cleaned_data.get(field) or "").strip()
        return self._clean_json(field) if value else empty

    def clean_args(self) -> str:
        return self._empty_as("args", "[]")

    def clean_kwargs(self) -> str:
        return self._empty_as("kwargs", "{}")

    def clean_headers(self) -> str:
        return self._empty_as("headers", "{}")


class SafePeriodicTaskAdmin(PeriodicTaskAdmin):
    form = SafePeriodicTaskForm


REGISTERED: list[tuple[type, type[admin.ModelAdmin]]] = [
    (User, UserAdmin),
    (Notification, NotificationAdmin),
    (MerchantApplication, MerchantApplicationAdmin),
    (AuditEvent, AuditEventAdmin),
    (Terminal, TerminalAdmin),
    (SignIn, SignInAdmin),
    (Visit, VisitAdmin),
    (TrainingRecord, TrainingRecordAdmin),
    (InstallerProfile, InstallerProfileAdmin),
    (DeviceCredential, DeviceCredentialAdmin),
    (DeviceEvent, DeviceEventAdmin),
    (TerminalHealth, TerminalHealthAdmin),
    (Incident, IncidentAdmin),
    (EarlyWarning, EarlyWarningAdmin),
    (SupportCase, SupportCaseAdmin),
    (RemoteCommand, RemoteCommandAdmin),
    (CaseVisit, CaseVisitAdmin),
    (HostRegistration, HostRegistrationAdmin),
    (RiskPolicy, RiskPolicyAdmin),
    (Evidence, EvidenceAdmin),
    (Assessment, AssessmentAdmin),
]

# Replacing a library's own: allauth's edits the secret (ours only shows and deletes);
# django-celery-beat's crontab form answered 500 to a refused edit, its task form to empty headers.
REPLACED: list[tuple[type, type[admin.ModelAdmin]]] = [
    (Authenticator, AuthenticatorAdmin),
    (CrontabSchedule, SafeCrontabScheduleAdmin),
    (PeriodicTask, SafePeriodicTaskAdmin),
]
for model, _model_admin in REPLACED:
    if admin.site.is_registered(model):
        admin.site.unregister(model)

for model, model_admin in [*REGISTERED, *REPLACED]:
    admin.site.register(model, model_admin)
