"""Periodic jobs of the applications context, with the clock set by the test."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from applications import reminders
from applications.choices import Status
from applications.services import application_save_fields
from notifications.messages import render
from notifications.models import Channel, Notification

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def made_at(application_in):
    """made_at(when, Status.X) -> an application carried to X with the clock at `when`."""

    def make(when: datetime, target: Status, **kwargs):
        with time_machine.travel(when, tick=False):
            return application_in(target, **kwargs)

    return make


def reminded(template: str) -> set[str]:
    return set(
        Notification.objects.filter(template=template, channel=Channel.IN_APP).values_list(
            "context__reference", flat=True
        )
    )


# --- Idle drafts and requested changes ---------------------------------------------------------


def test_a_draft_untouched_for_three_days_is_reminded_and_a_fresher_one_is_not(made_at):
    idle = made_at(T0, Status.DRAFT)
    fresh = made_at(T0 + timedelta(hours=2), Status.DRAFT)
    now = T0 + timedelta(days=3, hours=1)

    assert list(reminders.idle_applications(now=now)) == [idle]
    with time_machine.travel(now, tick=False):
        assert reminders.remind_idle_applications() == 1
    assert reminded("application.idle_draft") == {idle.reference}
    assert fresh.reference not in reminded("application.idle_draft")
    row = Notification.objects.get(template="application.idle_draft", channel=Channel.EMAIL)
    assert row.context["days"] == 3


def test_requested_changes_idle_for_three_days_are_reminded_with_the_reviewers_message(made_at):
    app = made_at(T0, Status.CHANGES_REQUESTED)
    with time_machine.travel(T0 + timedelta(days=3, minutes=1), tick=False):
        assert reminders.remind_idle_applications() == 1
    row = Notification.objects.get(template="application.idle_changes", channel=Channel.IN_APP)
    assert row.context == {"reference": app.reference, "days": 3, "message": app.decision_message}
    assert Notification.objects.filter(template="application.idle_changes", channel=Channel.SMS).exists()


def test_applications_in_other_states_are_not_reminded(made_at):
    for target in (Status.SUBMITTED, Status.IN_REVIEW, Status.APPROVED, Status.REJECTED, Status.WITHDRAWN):
        made_at(T0, target)
    assert list(reminders.idle_applications(now=T0 + timedelta(days=5))) == []


def test_an_edit_restarts_the_three_days(made_at, applicant):
    app = made_at(T0, Status.DRAFT)
    with time_machine.travel(T0 + timedelta(days=2), tick=False):
        application_save_fields(application=app, by=applicant, fields={"city": "上海市"})
    assert list(reminders.idle_applications(now=T0 + timedelta(days=3, hours=1))) == []
    assert list(reminders.idle_applications(now=T0 + timedelta(days=5, hours=1))) == [app]


def test_each_idle_spell_is_reminded_once(made_at, applicant):
    app = made_at(T0, Status.DRAFT)
    for hours in (0, 1, 2):  # the job runs hourly
        with time_machine.travel(T0 + timedelta(days=3, hours=hours), tick=False):
            reminders.remind_idle_applications()
    assert Notification.objects.filter(template="application.idle_draft").count() == 2  # in-app and email

    with time_machine.travel(T0 + timedelta(days=4), tick=False):
        application_save_fields(application=app, by=applicant, fields={"city": "上海市"})
    with time_machine.travel(T0 + timedelta(days=7, hours=1), tick=False):
        assert reminders.remind_idle_applications() == 1
    assert Notification.objects.filter(template="application.idle_draft").count() == 4


def test_long_abandoned_drafts_and_inactive_applicants_are_left_alone(made_at, other_applicant):
    made_at(T0, Status.DRAFT)
    other_applicant.is_active = False
    other_applicant.save()
    made_at(T0 + timedelta(days=8), Status.DRAFT, owner=other_applicant)
    assert list(reminders.idle_applications(now=T0 + timedelta(days=11, hours=1))) == []


# --- Review SLA ---------------------------------------------------------------------------


def test_reviewers_are_alerted_once_of_an_application_waiting_past_its_sla(
    made_at, settings, reviewer, other_reviewer, support, applicant
):
    settings.REVIEW_SLA_HOURS = 24
    late = made_at(T0, Status.SUBMITTED)
    on_time = made_at(T0 + timedelta(hours=2), Status.SUBMITTED)
    now = T0 + timedelta(hours=25)

    assert list(reminders.waiting_past_sla(now=now)) == [late]
    with time_machine.travel(now, tick=False):
        assert reminders.alert_review_sla_breaches() == 2
        assert reminders.alert_review_sla_breaches() == 0
    alerts = Notification.objects.filter(template="review.sla_breached", channel=Channel.IN_APP)
    assert set(alerts.values_list("recipient", flat=True)) == {reviewer.pk, other_reviewer.pk}
    assert {a.context["reference"] for a in alerts} == {late.reference}
    assert on_time.reference not in reminded("review.sla_breached")
    # Kept as a moment, rendered in the reader's language and the portal's time zone (T0 is 09:00 there).
    assert alerts.first().context["submitted"] == {"instant": "2026-11-02T01:00:00+00:00"}
    assert "submitted on Nov. 2, 2026, 09:00" in render("review.sla_breached", alerts.first().context, "en")[1]
    assert "2026年11月2日 09:00" in render("review.sla_breached", alerts.first().context, "zh-hans")[1]


def test_a_claimed_application_past_its_sla_alerts_only_the_reviewer_holding_it(
    made_at, settings, reviewer, other_reviewer
):
    settings.REVIEW_SLA_HOURS = 24
    held = made_at(T0, Status.IN_REVIEW)
    made_at(T0, Status.CHANGES_REQUESTED)
    made_at(T0, Status.APPROVED)
    assert list(reminders.waiting_past_sla(now=T0 + timedelta(days=3))) == [held]
    with time_machine.travel(T0 + timedelta(days=3), tick=False):
        assert reminders.alert_review_sla_breaches() == 1
    alerts = Notification.objects.filter(template="review.sla_breached")
    assert set(alerts.values_list("recipient", flat=True)) == {held.reviewer_id} == {reviewer.pk}


def test_the_sla_follows_the_setting(made_at, settings):
    app = made_at(T0, Status.SUBMITTED)
    settings.REVIEW_SLA_HOURS = 48
    assert list(reminders.waiting_past_sla(now=T0 + timedelta(hours=47))) == []
    assert list(reminders.waiting_past_sla(now=T0 + timedelta(hours=48))) == [app]
