"""Visit reminders and the staff digest, with the clock set by the test."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from applications.choices import Status
from installations import reminders
from installations.models import Visit, VisitStatus
from installations.services import installation_cancel, installation_start
from notifications.models import Channel, DeliveryStatus, Notification

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def scheduled(application_in):
    """An application with a visit booked at T0 (more than a day ahead of the visit)."""
    with time_machine.travel(T0, tick=False):
        app = application_in(Status.INSTALLATION_SCHEDULED)
    return app, Visit.objects.get(application=app, status=VisitStatus.BOOKED)


def test_applicant_and_installer_are_reminded_once_within_24_hours_of_the_visit(scheduled, applicant, installer):
    app, visit = scheduled
    assert visit.starts_at - T0 > timedelta(hours=24)
    now = visit.starts_at - timedelta(hours=23)

    assert list(reminders.visits_to_remind(now=now)) == [visit]
    with time_machine.travel(now, tick=False):
        assert reminders.remind_upcoming_visits() == 2
        assert reminders.remind_upcoming_visits() == 0
    rows = Notification.objects.filter(template__startswith="visit.reminder")
    assert {(r.recipient_id, r.template, r.channel) for r in rows} == {
        (person.pk, template, channel)
        for person, template in ((applicant, "visit.reminder"), (installer, "visit.reminder_installer"))
        for channel in (Channel.IN_APP, Channel.EMAIL, Channel.SMS)
    }
    assert rows.first().context["reference"] == app.reference


def test_a_visit_more_than_24_hours_away_or_past_is_not_reminded(scheduled):
    _app, visit = scheduled
    assert list(reminders.visits_to_remind(now=visit.starts_at - timedelta(hours=25))) == []
    assert list(reminders.visits_to_remind(now=visit.starts_at + timedelta(minutes=1))) == []


def test_a_visit_booked_less_than_a_day_ahead_is_not_reminded(scheduled):
    _app, visit = scheduled
    Visit.objects.filter(pk=visit.pk).update(created_at=visit.starts_at - timedelta(hours=20))
    assert list(reminders.visits_to_remind(now=visit.starts_at - timedelta(hours=2))) == []


def test_a_cancelled_or_started_visit_is_not_reminded(scheduled, application_in, support, installer):
    app, visit = scheduled
    now = visit.starts_at - timedelta(hours=12)
    with time_machine.travel(now - timedelta(hours=1), tick=False):
        # Within 24 h of the visit only staff may cancel it (issue 5's rule).
        installation_cancel(application=app, by=support)
    assert list(reminders.visits_to_remind(now=now)) == []

    with time_machine.travel(T0, tick=False):
        other = application_in(Status.INSTALLATION_SCHEDULED)
    other_visit = Visit.objects.get(application=other, status=VisitStatus.BOOKED)
    Visit.objects.filter(pk=other_visit.pk).update(starts_at=visit.starts_at + timedelta(hours=3))
    with time_machine.travel(visit.starts_at + timedelta(hours=3), tick=False):  # on site, at its time
        installation_start(application=other, by=installer)
    assert list(reminders.visits_to_remind(now=now)) == []


# --- The staff digest ---------------------------------------------------------------------


def test_staff_get_one_digest_a_day_with_the_queue_figures(
    application_in, settings, reviewer, support, admin_user, applicant, installer
):
    settings.REVIEW_SLA_HOURS = 24
    with time_machine.travel(T0, tick=False):
        application_in(Status.SUBMITTED)
        application_in(Status.IN_REVIEW)
        application_in(Status.CHANGES_REQUESTED)
    with time_machine.travel(T0 + timedelta(hours=20), tick=False):
        application_in(Status.SUBMITTED)
        Notification.objects.create(
            recipient=applicant, channel=Channel.EMAIL, template="x", status=DeliveryStatus.FAILED
        )

    morning = T0 + timedelta(days=1)  # 09:00 the next day
    with time_machine.travel(morning, tick=False):
        assert reminders.send_staff_digest() == 3
        assert reminders.send_staff_digest() == 0
    digests = Notification.objects.filter(template="staff.digest", channel=Channel.IN_APP)
    assert set(digests.values_list("recipient", flat=True)) == {reviewer.pk, support.pk, admin_user.pk}
    assert digests.first().context == {
        "date": {"day": "2026-11-03"},
        "submitted": 2,
        "overdue": 2,
        "in_review": 1,
        "changes_requested": 1,
        "visits_today": 0,
        "failed": 1,
    }
    with time_machine.travel(morning + timedelta(days=1), tick=False):
        assert reminders.send_staff_digest() == 3


def test_the_digest_counts_todays_visits(scheduled, reviewer):
    _app, visit = scheduled
    figures = reminders.digest_figures(now=visit.starts_at - timedelta(hours=1))
    assert figures["visits_today"] == 1
    assert reminders.digest_figures(now=visit.starts_at - timedelta(days=1))["visits_today"] == 0
