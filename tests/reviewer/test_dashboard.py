from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications import rollups
from applications.choices import Status
from applications.models import FigureRollup, MerchantApplication
from applications.services import application_claim
from installations.dashboard import LOCK_KEY, refresh_figures
from support.selectors import refresh_terminal_health

from .conftest import bulk_applications

DASHBOARD = reverse("backoffice:dashboard")


@pytest.fixture
def staff_client(client, support):
    client.force_login(support)
    return client


def test_it_counts_each_state_and_draws_the_last_30_days(staff_client, application_in):
    application_in(Status.SUBMITTED)
    application_in(Status.REJECTED)
    application_in(Status.APPROVED)
    response = staff_client.get(DASHBOARD)
    assert response.status_code == 200
    counts = response.context["counts"]
    assert (counts["submitted"], counts["rejected"], counts["approved"], counts["active"]) == (1, 1, 1, 0)
    today = response.context["daily"][-1]
    assert today["day"] == timezone.localdate()
    assert (today["submitted"], today["approved"], today["rejected"]) == (3, 1, 1)
    assert len(response.context["daily"]) == 30
    body = response.content.decode()
    assert "<svg" in body and "<polyline" in body
    assert "cdn" not in body.lower() and "<script" not in body.split("</head>")[1]


def test_it_reports_the_median_time_in_each_state_from_the_rollups(staff_client, application_in, reviewer):
    now = timezone.now()
    for hours_waiting in (2, 6, 10):
        with time_machine.travel(now - timedelta(hours=hours_waiting + 1), tick=False):
            app = application_in(Status.SUBMITTED)
        with time_machine.travel(now - timedelta(hours=1), tick=False):
            application_claim(application=app, by=reviewer)
    refresh_figures()
    medians = staff_client.get(DASHBOARD).context["medians"]
    # Stays are kept in 5 % buckets: the median is the middle of its bucket.
    assert medians["submitted"] == pytest.approx(6, rel=0.03)


def test_the_rollups_rebuilt_from_the_history_match_those_kept_as_applications_moved(application_in, reviewer):
    now = timezone.now()
    for hours_waiting in (3, 30):
        with time_machine.travel(now - timedelta(hours=hours_waiting), tick=False):
            app = application_in(Status.SUBMITTED)
        application_claim(application=app, by=reviewer)
    application_in(Status.ACTIVE)
    application_in(Status.REJECTED)
    kept = sorted(FigureRollup.objects.exclude(n=0).values_list("metric", "day", "state", "bucket", "n"))
    assert rollups.rebuild() == len(kept)
    assert sorted(FigureRollup.objects.values_list("metric", "day", "state", "bucket", "n")) == kept


def test_it_lists_sla_breaches_reviewers_work_and_installers_backlog(
    staff_client, application_in, reviewer, installer, settings
):
    settings.REVIEW_SLA_HOURS = 24
    late = application_in(Status.IN_REVIEW)
    MerchantApplication.objects.filter(pk=late.pk).update(submitted_at=timezone.now() - timedelta(hours=30))
    application_in(Status.SUBMITTED)
    application_in(Status.INSTALLATION_SCHEDULED)
    refresh_figures()
    context = staff_client.get(DASHBOARD).context
    assert context["breaches"] == 1
    assert [b["reference"] for b in context["oldest_breaches"]] == [late.reference]
    assert [(r["reviewer"], r["open"]) for r in context["reviewers"]] == [(reviewer.pk, 1)]
    assert [(i["installer"], i["booked"]) for i in context["installers"]] == [(installer.pk, 1)]


def test_counts_are_current_at_once_and_the_snapshot_is_shared_until_the_next_refresh(
    staff_client, application_in, settings
):
    settings.REVIEW_SLA_HOURS = 24
    first = application_in(Status.SUBMITTED)
    MerchantApplication.objects.filter(pk=first.pk).update(submitted_at=timezone.now() - timedelta(hours=30))
    refresh_figures()
    assert staff_client.get(DASHBOARD).context["counts"]["submitted"] == 1
    second = application_in(Status.SUBMITTED)
    MerchantApplication.objects.filter(pk=second.pk).update(submitted_at=timezone.now() - timedelta(hours=30))
    context = staff_client.get(DASHBOARD).context
    assert (context["counts"]["submitted"], context["breaches"]) == (2, 1)
    refresh_figures()
    assert staff_client.get(DASHBOARD).context["breaches"] == 2


def test_a_cold_start_serves_the_last_snapshot_and_says_how_old_it_is(staff_client, application_in, settings):
    settings.REVIEW_SLA_HOURS = 24
    late = application_in(Status.SUBMITTED)
    MerchantApplication.objects.filter(pk=late.pk).update(submitted_at=timezone.now() - timedelta(hours=30))
    with time_machine.travel(timezone.now() - timedelta(minutes=7)):
        refresh_figures()
    cache.clear()  # Redis restarted, no worker yet
    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get(DASHBOARD)
    assert response.context["breaches"] == 1 and response.context["snapshot_age_minutes"] == 7
    assert "7 minutes ago" in response.content.decode()
    assert not [q for q in queries.captured_queries if "merchantapplication" in q["sql"]]


def test_before_any_refresh_it_says_the_snapshot_is_not_computed_yet(staff_client, application_in):
    application_in(Status.SUBMITTED)
    response = staff_client.get(DASHBOARD)
    assert response.status_code == 200 and response.context["breaches"] is None
    assert response.context["counts"]["submitted"] == 1
    assert "not computed yet" in response.content.decode()


def test_one_refresh_runs_at_a_time(application_in, django_assert_num_queries):
    application_in(Status.SUBMITTED)
    cache.add(LOCK_KEY, 1, timeout=60)  # another worker is refreshing
    with django_assert_num_queries(0):
        assert refresh_figures() is None
    cache.delete(LOCK_KEY)
    assert refresh_figures() is not None
    assert cache.get(LOCK_KEY) is None


@pytest.mark.parametrize("who", ["reviewer", "support", "admin_user"])
def test_staff_see_it(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(DASHBOARD).status_code == 200


@pytest.mark.parametrize("who", ["applicant", "installer"])
def test_others_get_404(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(DASHBOARD).status_code == 404


def test_the_number_of_queries_is_the_same_with_10_and_1000_applications(
    staff_client, applicant, reviewer, application_in, django_assert_num_queries, django_assert_max_num_queries
):
    application_in(Status.INSTALLATION_SCHEDULED)
    bulk_applications(applicant, 5)
    bulk_applications(applicant, 4, status=Status.IN_REVIEW, reviewer=reviewer, start=20_000)
    rollups.rebuild()
    refresh_figures()
    refresh_terminal_health()
    staff_client.get(DASHBOARD)
    cache.clear()
    # Session, user, roles + 1 read of the rollups + the snapshots (from the database after the
    # cache was emptied) + the terminals' health; a few to spare for the shared base template.
    with django_assert_max_num_queries(14) as small:
        staff_client.get(DASHBOARD)
    bulk_applications(applicant, 495, start=30_000)
    bulk_applications(applicant, 495, status=Status.IN_REVIEW, reviewer=reviewer, start=40_000)
    rollups.rebuild()
    refresh_figures()
    refresh_terminal_health()
    cache.clear()
    with django_assert_num_queries(len(small.captured_queries)):
        staff_client.get(DASHBOARD)
    # With the snapshots and the terminals' counts in the cache, three queries fewer.
    with django_assert_num_queries(len(small.captured_queries) - 3):
        staff_client.get(DASHBOARD)


def test_the_dashboard_runs_no_aggregate_over_the_applications_or_their_history(
    staff_client, applicant, reviewer, application_in
):
    application_in(Status.APPROVED)
    bulk_applications(applicant, 20, status=Status.IN_REVIEW, reviewer=reviewer)
    rollups.rebuild()
    staff_client.get(DASHBOARD)
    for snapshot in ("cold", "cached"):
        if snapshot == "cold":
            cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(DASHBOARD).status_code == 200
        sql = [q["sql"].lower() for q in queries.captured_queries]
        assert not [q for q in sql if "merchantapplication" in q or "statelog" in q], sql
        assert [q for q in sql if "figurerollup" in q]


def test_breaches_link_to_the_review_page_for_reviewers_only(client, reviewer, support, application_in, settings):
    settings.REVIEW_SLA_HOURS = 24
    late = application_in(Status.SUBMITTED)
    MerchantApplication.objects.filter(pk=late.pk).update(submitted_at=timezone.now() - timedelta(hours=30))
    link = f'href="{reverse("applications:review", args=[late.reference])}"'
    refresh_figures()
    client.force_login(reviewer)
    assert link in client.get(DASHBOARD).content.decode()
    client.force_login(support)
    body = client.get(DASHBOARD).content.decode()
    assert late.reference in body and link not in body


def test_the_periodic_job_computes_the_snapshot_so_that_no_page_view_does(staff_client, application_in, settings):
    from installations.tasks import refresh_staff_dashboard

    settings.REVIEW_SLA_HOURS = 24
    late = application_in(Status.SUBMITTED)
    MerchantApplication.objects.filter(pk=late.pk).update(submitted_at=timezone.now() - timedelta(hours=30))
    refresh_staff_dashboard.apply()  # as a worker runs it, whether or not a broker is configured
    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get(DASHBOARD)
    assert response.context["breaches"] == 1
    assert not [q for q in queries.captured_queries if "merchantapplication" in q["sql"]]


def test_the_beat_schedule_refreshes_the_dashboard_as_often_as_it_is_kept(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["installations-staff-dashboard"]
    assert entry["task"] == "installations.tasks.refresh_staff_dashboard"
    assert entry["schedule"] == settings.STAFF_DASHBOARD_CACHE_SECONDS
