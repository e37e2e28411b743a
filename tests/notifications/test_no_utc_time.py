"""No UTC time reaches a person: every message template, rendered for a fixed instant in both
languages, shows it in the portal's time zone (Asia/Shanghai) and the reader's format.

The instant, 2026-12-07 01:47 UTC, is 09:47 in Shanghai: a "1:47" anywhere would be UTC.
"""

import re
import string
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from applications import reminders as application_reminders
from applications.choices import Status
from core.time import local_when
from installations import reminders as installation_reminders
from notifications.messages import TEMPLATES, render, storable
from notifications.models import Notification

UTC = ZoneInfo("UTC")
INSTANT = datetime(2026, 12, 7, 1, 47, tzinfo=UTC)
LANGUAGES = ("zh-hans", "en")
# The placeholders the portal fills with a moment or a day; any other name that looks like a
# time must be added here (and then is checked like them).
MOMENTS = {"when", "submitted"}
DAYS = {"date"}
COUNTS = {"days", "visits_today"}  # numbers of days and visits, not moments
TIME_LIKE = re.compile(r"when|time|date|day|at$|_at|since|until|submitted|deadline")
UTC_TRACES = re.compile(r"1:47|\+00:00|UTC|Z\b|T\d\d:\d\d")


def placeholders(template: str) -> set[str]:
    message = TEMPLATES[template]
    with translation.override("en"):
        texts = [str(message.subject), str(message.body)]
    return {name for text in texts for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


def test_every_time_like_placeholder_is_filled_with_a_moment_or_a_day():
    names = {name for template in TEMPLATES for name in placeholders(template)}

    assert {name for name in names if TIME_LIKE.search(name)} - COUNTS <= MOMENTS | DAYS
    assert "support.incident_opened" in TEMPLATES  # the apps' own templates are registered too


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_every_template_shows_the_instant_in_the_portal_time_zone(template, language):
    names = placeholders(template)
    context = {name: INSTANT if name in MOMENTS else INSTANT.date() if name in DAYS else "PA-TEST" for name in names}
    stored = {name: storable(value) for name, value in context.items()}  # as the outbox row keeps it

    subject, body = render(template, stored, language)

    assert not UTC_TRACES.search(subject + body), (subject, body)
    with translation.override(language):
        local = local_when(INSTANT)
    assert ("9:47" in local or "09:47" in local) and local in body if names & MOMENTS else True


@pytest.fixture
def every_kind_of_timed_message(application_in, installer, reviewer):
    """Messages written by the real jobs and services at a fixed clock: a visit booked and reminded,
    an SLA breach, an idle draft, the staff digest."""
    with time_machine.travel(INSTANT - timedelta(days=6), tick=False):
        application_in(Status.INSTALLATION_SCHEDULED)
        application_in(Status.SUBMITTED)
        application_in(Status.DRAFT)
    with time_machine.travel(INSTANT, tick=False):
        application_reminders.alert_review_sla_breaches()
        application_reminders.remind_idle_applications()
        installation_reminders.send_staff_digest()
    visit_day = Notification.objects.filter(template="installation.scheduled").first().context["when"]
    with time_machine.travel(datetime.fromisoformat(visit_day["instant"]) - timedelta(hours=20), tick=False):
        installation_reminders.remind_upcoming_visits()
    return Notification.objects.all()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_messages_the_portal_writes_show_their_moments_in_local_time(every_kind_of_timed_message, language):
    rows = list(every_kind_of_timed_message)
    templates = {row.template for row in rows}
    assert {"installation.scheduled", "visit.reminder", "review.sla_breached", "staff.digest"} <= templates

    for row in rows:
        subject, body = render(row.template, row.context, language)
        assert not re.search(r"\+00:00|UTC|T\d\d:\d\d", subject + body), (row.template, body)
        for value in row.context.values():
            if isinstance(value, dict) and "instant" in value:
                moment = datetime.fromisoformat(value["instant"])
                with translation.override(language):
                    assert local_when(moment) in body
                    utc_reading = local_when(moment.astimezone(UTC).replace(tzinfo=ZoneInfo("Asia/Shanghai")))
                assert utc_reading not in body, (row.template, body)
            if isinstance(value, dict) and "day" in value:
                assert date.fromisoformat(value["day"]) == date(2026, 12, 7)  # the day in Shanghai
