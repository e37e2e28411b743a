from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django_fsm_log.models import StateLog

from applications.choices import Status
from applications.models import MerchantApplication

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


def test_it_reports_the_median_time_in_each_state(staff_client, application_in):
    ct = ContentType.objects.get_for_model(MerchantApplication)
    now = timezone.now()
    for hours_waiting in (2, 6, 10):
        app = application_in(Status.IN_REVIEW)
        submitted = StateLog.objects.get(content_type=ct, object_id=app.pk, state="submitted")
        claimed = StateLog.objects.get(content_type=ct, object_id=app.pk, state="in_review")
        StateLog.objects.filter(pk=submitted.pk).update(timestamp=now - timedelta(hours=hours_waiting + 1))
        StateLog.objects.filter(pk=claimed.pk).update(timestamp=now - timedelta(hours=1))
    medians = staff_client.get(DASHBOARD).context["medians"]
    assert medians["submitted"] == pytest.approx(6, abs=0.01)


def test_it_lists_sla_breaches_reviewers_work_and_installers_backlog(
    staff_client, application_in, reviewer, installer, settings
):
    settings.REVIEW_SLA_HOURS = 24
    late = application_in(Status.IN_REVIEW)
    MerchantApplication.objects.filter(pk=late.pk).update(submitted_at=timezone.now() - timedelta(hours=30))
    application_in(Status.SUBMITTED)
    application_in(Status.INSTALLATION_SCHEDULED)
    context = staff_client.get(DASHBOARD).context
    assert context["breaches"] == 1
    assert [b["reference"] for b in context["oldest_breaches"]] == [late.reference]
    assert [(r["reviewer"], r["open"]) for r in context["reviewers"]] == [(reviewer.pk, 1)]
    assert [(i["installer"], i["booked"]) for i in context["installers"]] == [(installer.pk, 1)]


def test_the_figures_are_computed_once_a_minute_and_shared(staff_client, application_in, settings):
    settings.STAFF_DASHBOARD_CACHE_SECONDS = 60
    application_in(Status.SUBMITTED)
    assert staff_client.get(DASHBOARD).context["counts"]["submitted"] == 1
    application_in(Status.SUBMITTED)
    assert staff_client.get(DASHBOARD).context["counts"]["submitted"] == 1
    cache.clear()
    assert staff_client.get(DASHBOARD).context["counts"]["submitted"] == 2


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
    staff_client.get(DASHBOARD)
    cache.clear()
    # Session, user, roles + 7 reads of figures + 3 of the terminals' health (never cached: it is live);
    # 2 to spare for what the shared base template adds.
    with django_assert_max_num_queries(15) as small:
        staff_client.get(DASHBOARD)
    bulk_applications(applicant, 495, start=30_000)
    bulk_applications(applicant, 495, status=Status.IN_REVIEW, reviewer=reviewer, start=40_000)
    cache.clear()
    with django_assert_num_queries(len(small.captured_queries)):
        staff_client.get(DASHBOARD)
    # Within the minute, the figures come from the cache: the session, user and roles, the terminals' health.
    with django_assert_max_num_queries(8):
        staff_client.get(DASHBOARD)


def test_breaches_link_to_the_review_page_for_reviewers_only(client, reviewer, support, application_in, settings):
    settings.REVIEW_SLA_HOURS = 24
    late = application_in(Status.SUBMITTED)
    MerchantApplication.objects.filter(pk=late.pk).update(submitted_at=timezone.now() - timedelta(hours=30))
    link = f'href="{reverse("applications:review", args=[late.reference])}"'
    client.force_login(reviewer)
    assert link in client.get(DASHBOARD).content.decode()
    client.force_login(support)
    body = client.get(DASHBOARD).content.decode()
    assert late.reference in body and link not in body


def test_the_periodic_job_computes_the_figures_so_that_no_page_view_does(
    staff_client, application_in, django_assert_max_num_queries
):
    from installations.tasks import refresh_staff_dashboard

    application_in(Status.SUBMITTED)
    staff_client.get(DASHBOARD)  # session and roles read once, as in every test of counts
    cache.clear()
    refresh_staff_dashboard.apply()  # as a worker runs it, whether or not a broker is configured
    with django_assert_max_num_queries(8):  # session, user, roles, terminals' health: no figure read by the page
        response = staff_client.get(DASHBOARD)
    assert response.context["counts"]["submitted"] == 1


def test_the_beat_schedule_refreshes_the_dashboard_as_often_as_it_is_kept(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["installations-staff-dashboard"]
    assert entry["task"] == "installations.tasks.refresh_staff_dashboard"
    assert entry["schedule"] == settings.STAFF_DASHBOARD_CACHE_SECONDS
