"""Every model registered on the admin site: an administrator changes every editable field of
its change form to another valid value, saves, and finds the values stored.

The new values are derived from the form's own fields (a choice takes another choice, a
foreign key another row, a number one more, a date the next day, a file a new image…); only
values a domain rule decides (a resident ID, a service area) come from the sample data. A
model whose admin refuses every change is checked the other way round: the form shows, a
POST is refused with 403 and the row is unchanged. Each such admin states why below, and a
new registration without a reason fails.
"""

import datetime
import decimal
import json

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django import forms
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import models
from django.forms.models import model_to_dict
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)

from accounts.models import User
from applications.choices import Status
from applications.models import AuditEvent, MerchantApplication
from core.choices import Province
from installations.models import InstallerProfile, TrainingRecord, Visit, VisitPurpose
from installations.samples import demo_png, valid_card_number, valid_credit_code, valid_id_number
from notifications.models import Notification
from support.models import CaseVisit, EarlyWarning, Incident, SupportCase
from terminals.models import (
    DeviceCredential,
    DeviceEvent,
    HostRegistration,
    RemoteCommand,
    SignIn,
    Terminal,
    TerminalHealth,
)
from tests.conftest import PASSWORD
from verification.models import Assessment, Evidence, RiskPolicy
from verification.services import current_policy

# Admins that refuse every change, and why (the test checks the refusal).
READ_ONLY = {
    AuditEvent: "the audit trail is written by the services that act; an edited audit row would lie",
    Incident: "opened and closed by the incident scan from the device reports",
    EarlyWarning: "opened and closed by the early-warning job",
    SupportCase: "cases move through support's actions, which write the case's events",
    CaseVisit: "written by support's booking through the one calendar, which locks the installer",
    HostRegistration: "written by terminals' services and worked off by the registration job",
    Evidence: "what a verification service answered: evidence, never edited",
    Assessment: "the score and route the checks computed, with the policy version they used",
    DeviceCredential: "issued and revoked through terminals' services; the token is shown once",
    DeviceEvent: "what a terminal reported: evidence, never edited",
    TerminalHealth: "the latest state reported by the terminal",
    RemoteCommand: "queued by support's services, delivered by the device API",
    Authenticator: "a second factor is set up by its owner with their app; staff only delete a lost one",
}

# Values decided by a domain rule the form's field type cannot know.
DOMAIN_VALUES: dict[tuple[type, str], object] = {
    (MerchantApplication, "id_number"): valid_id_number(9),  # the sample walk fills seq 1, 2…
    (MerchantApplication, "card_number"): valid_card_number(77),
    (MerchantApplication, "credit_code"): valid_credit_code(77),
    (MerchantApplication, "mobile"): "+8613700137000",
    (MerchantApplication, "province"): Province.GUANGDONG,
    (MerchantApplication, "city"): "深圳市",
    (MerchantApplication, "district"): "南山区",
    (MerchantApplication, "install_province"): Province.GUANGDONG,
    (MerchantApplication, "install_city"): "深圳市",
    (MerchantApplication, "install_district"): "福田区",
    (User, "mobile"): "+8613600136000",
    (User, "email"): "renamed.applicant@example.cn",
    (User, "username"): "renamed_applicant",
    (InstallerProfile, "areas_text"): "11\n44 深圳市",  # in the order the service keeps them
    (CrontabSchedule, "minute"): "15",
    (CrontabSchedule, "hour"): "4",
    (CrontabSchedule, "day_of_month"): "2",
    (CrontabSchedule, "month_of_year"): "3",
    (CrontabSchedule, "day_of_week"): "1",
    (PeriodicTask, "args"): '["一", 2]',  # JSON typed into a text box
    (PeriodicTask, "kwargs"): '{"b": 1}',
    (PeriodicTask, "headers"): '{"h": "v"}',
}

# Fields left as they are because another field of the form excludes them: a periodic task has
# one schedule (its interval is changed, so no crontab, solar or clocked one) and one expiry.
EXCLUSIVE: dict[type, set[str]] = {
    # `regtask` is a menu of the registered tasks that fills `task`, which is changed instead.
    PeriodicTask: {"crontab", "solar", "clocked", "expires", "regtask"},
}


@pytest.fixture
def rows(application_in, admin_user, support, installer, other_applicant) -> dict[type, models.Model]:
    """One row of every registered model, the way the portal makes them where it can."""
    active = application_in(Status.ACTIVE)
    draft = application_in(Status.DRAFT)  # filled in: the admin edits an applicant's data in these states
    terminal = Terminal.objects.get(application=active)
    case = SupportCase.objects.create(terminal=terminal, application=active, opened_by=support, code="03")
    now = timezone.now()
    made = {
        User: active.applicant,
        MerchantApplication: draft,
        Notification: Notification.objects.order_by("pk").first(),
        Visit: Visit.objects.get(application=active, purpose=VisitPurpose.INSTALLATION),
        TrainingRecord: TrainingRecord.objects.get(application=active),
        InstallerProfile: InstallerProfile.objects.get(user=installer),
        Terminal: terminal,
        SignIn: SignIn.objects.filter(application=active).first(),
        AuditEvent: AuditEvent.objects.create(application=active, actor=admin_user, action="export"),
        Incident: Incident.objects.create(codes=["96"], terminals_affected=3),
        EarlyWarning: EarlyWarning.objects.create(
            terminal=terminal, kind=EarlyWarning._meta.get_field("kind").choices[0][0]
        ),
        SupportCase: case,
        CaseVisit: CaseVisit.objects.create(
            case=case,
            visit=Visit.objects.create(
                purpose=VisitPurpose.SERVICE,
                application=active,
                terminal=terminal,
                installer=installer,
                starts_at=now + datetime.timedelta(days=2),
                ends_at=now + datetime.timedelta(days=2, hours=1),
                created_by=support,
            ),
        ),
        HostRegistration: HostRegistration.objects.create(terminal=terminal, action="register", tid="10000099"),
        DeviceCredential: DeviceCredential.objects.create(terminal=terminal, token_hash="0" * 64, token_hint="abcd"),
        DeviceEvent: DeviceEvent.objects.create(terminal=terminal, event_id="e-1", kind="heartbeat", occurred_at=now),
        TerminalHealth: TerminalHealth.objects.create(terminal=terminal, last_heartbeat_at=now),
        RemoteCommand: RemoteCommand.objects.create(terminal=terminal, kind="sign_in", created_by=support),
    }
    policy = current_policy()
    made |= {
        RiskPolicy: policy,
        Evidence: Evidence.objects.create(
            application=active, kind="identity", version="v1", inputs_digest="0" * 64, outcome="match", backend="x"
        ),
        Assessment: Assessment.objects.create(application=active, version="v1", policy=policy),
    }
    interval = IntervalSchedule.objects.create(every=10, period=IntervalSchedule.MINUTES)
    IntervalSchedule.objects.create(every=2, period=IntervalSchedule.HOURS)
    made |= {
        EmailAddress: EmailAddress.objects.create(
            user=active.applicant, email=active.applicant.email, verified=True, primary=True
        ),
        Authenticator: Authenticator.objects.create(
            user=admin_user, type=Authenticator.Type.TOTP, data={"secret": "X"}
        ),
        Group: Group.objects.get(name="Applicant"),
        IntervalSchedule: interval,
        CrontabSchedule: CrontabSchedule.objects.create(minute="5", hour="3"),
        SolarSchedule: SolarSchedule.objects.create(event="sunrise", latitude=39.9, longitude=116.4),
        ClockedSchedule: ClockedSchedule.objects.create(clocked_time=now + datetime.timedelta(days=1)),
        PeriodicTask: PeriodicTask.objects.create(name="a test task", task="tests.nothing", interval=interval),
    }
    assert all(made.values()), [m for m, row in made.items() if row is None]
    return made


def registered() -> list[tuple[type, admin.ModelAdmin]]:
    return sorted(admin.site._registry.items(), key=lambda pair: pair[0]._meta.label)


def _superuser_request(admin_user: User):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    return request


def test_every_registered_model_has_a_row_here(rows):
    assert {model for model, _admin in registered()} == set(rows)


def test_every_read_only_admin_says_why(admin_user):
    request = _superuser_request(admin_user)
    refusing = {model for model, model_admin in registered() if not model_admin.has_change_permission(request)}
    assert refusing == set(READ_ONLY)


# --- Turning a form back into what a browser posts ----------------------------------


def _raw(value: object) -> object:
    if value is None or value is False:
        return None
    if value is True:
        return "on"
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if timezone.is_aware(value) else str(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value.pk)
    return str(value)


def _put(data: dict, form: forms.BaseForm, name: str, value: object) -> None:
    """Write one field's value under the names its widget reads."""
    key = form.add_prefix(name)
    field = form.fields[name]
    if isinstance(field, forms.SplitDateTimeField):
        moment = value
        if isinstance(moment, str) and moment:
            moment = datetime.datetime.fromisoformat(moment)
        if moment:
            moment = timezone.localtime(moment) if timezone.is_aware(moment) else moment
            data[f"{key}_0"], data[f"{key}_1"] = moment.date().isoformat(), moment.time().strftime("%H:%M:%S")
        return
    raw = _raw(value)
    if isinstance(field, forms.JSONField) and not isinstance(value, str):
        raw = json.dumps(value)
    if raw is not None:
        data[key] = raw


def _posted_form(response) -> dict[str, object]:
    """The change form as the browser sends it back: every field with the value shown."""
    data: dict[str, object] = {}
    form = response.context["adminform"].form
    for name in form.fields:
        _put(data, form, name, form[name].value())
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for sub in formset.forms:
            for name in sub.fields:
                _put(data, sub, name, sub[name].value())
    return data


# --- Another valid value for each kind of field ---------------------------------------


def _choices(field: forms.Field) -> list[str]:
    flat = []
    for value, label in field.choices:
        if isinstance(label, list | tuple):
            flat.extend(str(v) for v, _l in label)
        elif value not in ("", None):
            flat.append(str(getattr(value, "value", value)))
    return flat


def _other(model: type, name: str, field: forms.Field, current: object) -> object:
    """A valid value for this form field that differs from `current`."""
    if (model, name) in DOMAIN_VALUES:
        return DOMAIN_VALUES[(model, name)]
    if isinstance(field, forms.ModelMultipleChoiceField):
        now = {str(getattr(v, "pk", v)) for v in current or []}
        pks = [str(pk) for pk in field.queryset.values_list("pk", flat=True)[:3]]
        return [pk for pk in pks if pk not in now][:2] or []
    if isinstance(field, forms.ModelChoiceField):
        now = str(getattr(current, "pk", current))
        others = [str(pk) for pk in field.queryset.values_list("pk", flat=True) if str(pk) != now]
        assert others, f"{model.__name__}.{name}: no other row to choose"
        return others[0]
    if isinstance(field, forms.MultipleChoiceField):
        now = {str(v) for v in current or []}
        values = _choices(field)
        return [v for v in values if v not in now][:2] or values[:1]
    if isinstance(field, forms.ChoiceField):
        others = [v for v in _choices(field) if v != str(current)]
        assert others, f"{model.__name__}.{name}: no other choice"
        return others[-1]
    if isinstance(field, forms.BooleanField | forms.NullBooleanField):
        return not current
    if isinstance(field, forms.SplitDateTimeField | forms.DateTimeField):
        base = current or timezone.now()
        return (base + datetime.timedelta(days=1, minutes=30)).replace(second=0, microsecond=0)
    if isinstance(field, forms.DateField):
        return (current or timezone.localdate()) + datetime.timedelta(days=1)
    if isinstance(field, forms.TimeField):
        return (current or datetime.time(8, 0)).replace(hour=((current.hour if current else 8) + 1) % 24, minute=0)
    if isinstance(field, forms.DecimalField):
        return (decimal.Decimal(current or 0) + 1).quantize(decimal.Decimal(1))
    if isinstance(field, forms.IntegerField):
        value = int(current or 0) + 1
        if field.max_value is not None and value > field.max_value:
            value = int(current) - 1
        return value
    if isinstance(field, forms.JSONField):
        return {"edited": [1, "二"]} if not isinstance(current, list) else [*current, "edited"]
    if isinstance(field, forms.ImageField | forms.FileField):
        return demo_png("edited")
    if isinstance(field, forms.EmailField):
        return f"edited.{name}@example.cn"
    if isinstance(field, forms.URLField):
        return "https://example.cn/edited"
    if isinstance(field, forms.CharField):
        value = f"{current or ''}改" if current else f"已改 {name}"
        return value[-field.max_length :] if field.max_length else value
    raise AssertionError(f"{model.__name__}.{name}: no rule for {type(field).__name__}")


def _comparable(field: forms.Field, raw: object) -> object:
    cleaned = field.clean(raw)
    if isinstance(cleaned, models.QuerySet):
        return sorted(obj.pk for obj in cleaned)
    if isinstance(cleaned, models.Model):
        return cleaned.pk
    if isinstance(cleaned, list):
        return sorted(str(v) for v in cleaned)
    if hasattr(cleaned, "read"):
        return "a file"
    return cleaned


def _field_raw(data: dict, form: forms.BaseForm, name: str) -> object:
    key = form.add_prefix(name)
    if isinstance(form.fields[name], forms.SplitDateTimeField):
        return [data.get(f"{key}_0", ""), data.get(f"{key}_1", "")]
    if isinstance(form.fields[name], forms.FileField):
        return data.get(key)
    if isinstance(form.fields[name], forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        return data.get(key, [])
    return data.get(key)


def _editable(form: forms.BaseForm) -> list[str]:
    return [name for name, field in form.fields.items() if not field.disabled]


def _snapshot(row: models.Model) -> dict:
    fresh = type(row)._default_manager.get(pk=row.pk)
    return {k: str(v) for k, v in model_to_dict(fresh).items()}


@pytest.fixture
def as_admin(client, admin_user):
    client.login(username=admin_user.username, password=PASSWORD)
    return client


@pytest.mark.parametrize("model", [m for m, _a in registered()], ids=lambda m: m._meta.label)
def test_an_administrator_changes_every_editable_field_and_it_is_stored(as_admin, rows, model):
    row = rows[model]
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[row.pk])
    shown = as_admin.get(url)
    assert shown.status_code == 200

    if model in READ_ONLY:
        before = _snapshot(row)
        refused = as_admin.post(url, _posted_form(shown))
        assert refused.status_code == 403
        assert _snapshot(row) == before
        return

    form = shown.context["adminform"].form
    data = _posted_form(shown)
    new_raw: dict[str, object] = {}
    files = {}
    for name in _editable(form):
        if name in EXCLUSIVE.get(model, ()):
            continue
        field = form.fields[name]
        value = _other(model, name, field, form[name].value())
        if isinstance(field, forms.FileField):
            files[form.add_prefix(name)] = value
        else:
            data.pop(form.add_prefix(name), None)  # an unticked box or an emptied list is not posted
            _put(data, form, name, value)
        new_raw[name] = _field_raw({**data, **files}, form, name)
    before = _snapshot(row)

    response = as_admin.post(url, {**data, **files})

    errors = response.context and response.context.get("errors")
    assert response.status_code == 302, f"{response.status_code}: {errors}"
    again = as_admin.get(url)
    stored_form = again.context["adminform"].form
    stored = _posted_form(again)
    for name in new_raw:
        field = form.fields[name]
        if isinstance(field, forms.FileField):
            assert stored_form[name].value(), f"{name}: the file was not stored"
            continue
        assert _comparable(field, _field_raw(stored, stored_form, name)) == _comparable(field, new_raw[name]), name
    if not _editable(form):
        assert _snapshot(row) == before  # nothing to edit: a save changes nothing


@pytest.mark.parametrize("box", ["args", "kwargs", "headers"])
def test_an_emptied_json_box_of_a_periodic_task_saves_its_empty_value(as_admin, rows, box):
    # django-celery-beat's model turned empty headers into NULL for a NOT NULL column: a 500.
    row = rows[PeriodicTask]
    url = reverse("admin:django_celery_beat_periodictask_change", args=[row.pk])
    data = _posted_form(as_admin.get(url))
    data[box] = ""
    response = as_admin.post(url, data)
    assert response.status_code == 302
    assert getattr(PeriodicTask.objects.get(pk=row.pk), box) == {"args": "[]", "kwargs": "{}", "headers": "{}"}[box]


def test_a_task_name_too_long_is_refused_beside_its_box(as_admin, rows):
    row = rows[PeriodicTask]
    url = reverse("admin:django_celery_beat_periodictask_change", args=[row.pk])
    data = {**_posted_form(as_admin.get(url)), "task": "x" * 201, "regtask": ""}
    response = as_admin.post(url, data)
    assert response.status_code == 200
    assert "task" in response.context["adminform"].form.errors
    assert PeriodicTask.objects.get(pk=row.pk).task == row.task


def test_json_nested_past_pythons_stack_is_refused_beside_its_box(as_admin, rows):
    row = rows[PeriodicTask]
    url = reverse("admin:django_celery_beat_periodictask_change", args=[row.pk])
    data = {**_posted_form(as_admin.get(url)), "headers": "[" * 5000}
    response = as_admin.post(url, data)
    assert response.status_code == 200
    assert "headers" in response.context["adminform"].form.errors
    assert PeriodicTask.objects.get(pk=row.pk).headers == row.headers
