"""What people see: the reviewer's evidence and reasons first, the applicant's "checks running",
the senior tab, the second look, the dashboard's panel."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from verification import services
from verification.choices import SENIOR_GROUP, Route
from verification.models import Assessment

pytestmark = pytest.mark.verification


@pytest.fixture
def run(django_capture_on_commit_callbacks, submit):
    def go(app):
        with django_capture_on_commit_callbacks(execute=True):
            app = submit(app)
        app.refresh_from_db()
        return app

    return go


def test_the_review_page_shows_the_reasons_before_the_data(
    client, reviewer, filled, run, django_assert_max_num_queries
):
    app = run(filled(card=911, category="5732"))
    client.force_login(reviewer)
    with django_assert_max_num_queries(40):
        page = client.get(reverse("applications:review", args=[app.reference])).content.decode()
    reasons = page.index('data-testid="verification-reasons"')
    assert reasons < page.index("review-grid")
    assert page.index("The bank says the card") < page.index("under watch")  # heaviest first
    assert app.card_number not in page.split('data-testid="verification"')[1].split("</section>")[0]


def test_the_review_page_without_checks_is_as_before(client, reviewer, application_in):
    from applications.choices import Status

    app = application_in(Status.SUBMITTED)
    client.force_login(reviewer)
    page = client.get(reverse("applications:review", args=[app.reference])).content.decode()
    assert 'data-testid="verification"' not in page


def test_the_applicant_sees_checks_running_until_they_are_done(client, applicant, filled, submit):
    app = submit(filled())  # the job has not run (its after-commit callback is not executed here)
    Assessment.objects.create(application=app, version=services.application_version(app), requested_by=applicant)
    client.force_login(applicant)
    url = reverse("applications:status", args=[app.reference])
    assert 'data-testid="checks-running"' in client.get(url).content.decode()
    services.assess(assessment_id=Assessment.objects.get(application=app).pk)
    page = client.get(url).content.decode()
    assert 'data-testid="checks-running"' not in page and "Approved" in page


def test_the_queue_has_a_senior_tab(client, reviewer, filled, run):
    app = run(filled(credit=921))
    client.force_login(reviewer)
    queue = reverse("applications:review_queue")
    assert app.reference not in client.get(queue).content.decode()
    page = client.get(queue + "?tab=senior").content.decode()
    assert "Senior review" in page and app.reference in page


def test_a_reviewer_who_is_not_senior_is_told_so_and_nothing_changes(client, reviewer, filled, run, snapshot):
    app = run(filled(credit=921))
    before = snapshot(app)
    client.force_login(reviewer)
    response = client.post(reverse("applications:review_claim", args=[app.reference]), {"seen": "submitted"})
    assert response.status_code in (400, 403) and "senior reviewer" in response.content.decode()
    before.assert_unchanged()
    reviewer.groups.add(Group.objects.get(name=SENIOR_GROUP))
    client.post(reverse("applications:review_claim", args=[app.reference]), {"seen": "submitted"})
    app.refresh_from_db()
    assert app.status == "in_review"


def test_a_second_look_from_the_review_page(client, reviewer, filled, run):
    services.policy_publish(by=None, sample_percent=100)
    app = run(filled())
    client.force_login(reviewer)
    page = client.get(reverse("applications:review", args=[app.reference])).content.decode()
    assert "sampled for a second look" in page
    client.post(reverse("verification:second_look", args=[app.reference]), {"verdict": "disagree"})
    assert Assessment.objects.get(application=app).second_look == "disagree"
    # A bad verdict is refused in words, nothing changes.
    response = client.post(reverse("verification:second_look", args=[app.reference]), {"verdict": "maybe"}, follow=True)
    assert "A second look needs" in response.content.decode()
    assert Assessment.objects.get(application=app).second_look == "disagree"


def test_only_reviewers_may_give_a_second_look(client, applicant, filled, run):
    services.policy_publish(by=None, sample_percent=100)
    app = run(filled())
    client.force_login(applicant)
    assert (
        client.post(reverse("verification:second_look", args=[app.reference]), {"verdict": "agree"}).status_code == 404
    )
    assert Assessment.objects.get(application=app).second_look == ""


def test_the_dashboard_panel_counts_routes_and_agreement(
    client, admin_user, reviewer, filled, run, django_assert_max_num_queries
):
    services.policy_publish(by=None, sample_percent=100)
    approved = run(filled())
    run(filled(card=911))
    services.second_look_record(assessment=Assessment.objects.get(application=approved), by=reviewer, verdict="agree")
    client.force_login(admin_user)
    dashboard = client.get(reverse("backoffice:dashboard")).content.decode()
    assert reverse("verification:dashboard_panel") in dashboard  # loaded after the page, at one place
    with django_assert_max_num_queries(8):
        panel = client.get(reverse("verification:dashboard_panel"), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in panel
    assert 'data-testid="auto-share">50.0 %' in panel
    assert 'data-testid="agreement">100.0 %' in panel
    assert str(Route.AUTO_APPROVED.label) in panel
    with django_assert_max_num_queries(0):  # cached: the panel itself costs no query now
        from verification.selectors import dashboard_figures

        dashboard_figures()
    assert "<html" in client.get(reverse("verification:dashboard_panel")).content.decode()  # without script


def test_the_panel_is_only_for_staff(client, applicant, db):
    client.force_login(applicant)
    assert client.get(reverse("verification:dashboard_panel")).status_code == 404


@pytest.mark.parametrize(("language", "unit", "other"), [("zh-hans", "分钟", " min<"), ("en", " min<", "分钟")])
def test_the_dashboard_panel_s_times_are_in_the_reader_s_language(
    client, admin_user, filled, run, language, unit, other
):
    services.policy_publish(by=None, sample_percent=0)
    run(filled())  # decided automatically: a median time from submit to the decision
    client.force_login(admin_user)
    panel = client.get(
        reverse("verification:dashboard_panel"), HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    tile = panel.split('data-testid="auto-median">', 1)[1].split("</span>", 1)[0] + "<"
    assert unit in tile and other not in tile


@pytest.mark.parametrize(("language", "tag"), [("en", "Senior review"), ("zh-hans", "高级审核")])
def test_a_reviewer_who_is_not_senior_sees_a_senior_review_tag_not_claim(client, reviewer, filled, run, language, tag):
    app = run(filled(credit=921))
    client.force_login(reviewer)
    # Opened from the "All" tab, where a senior case is listed for everyone.
    assert app.reference in client.get(reverse("applications:review_queue") + "?tab=all").content.decode()
    page = client.get(reverse("applications:review", args=[app.reference]), HTTP_ACCEPT_LANGUAGE=language)
    bar = page.content.decode().split('class="claim-bar"')[1].split("</div>")[0]
    assert reverse("applications:review_claim", args=[app.reference]) not in bar
    assert tag in bar.split('data-testid="claim-refused"')[1]


def test_a_senior_reviewer_sees_claim_and_no_tag(client, reviewer, filled, run):
    app = run(filled(credit=921))
    reviewer.groups.add(Group.objects.get(name=SENIOR_GROUP))
    client.force_login(reviewer)
    bar = client.get(reverse("applications:review", args=[app.reference])).content.decode()
    bar = bar.split('class="claim-bar"')[1].split("</div>")[0]
    assert reverse("applications:review_claim", args=[app.reference]) in bar
    assert 'data-testid="claim-refused"' not in bar
