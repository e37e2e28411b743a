"""Nobody approves while the automatic checks still run; once they answered, or gave up (a
service down: the failure shown), or lost their worker for longer than the job waits, a person decides."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import services as app_services
from applications.choices import ReviewCheck, Status
from core.errors import ConditionsNotMet
from notifications.models import Notification
from verification import services
from verification.choices import Route
from verification.jobs import STALLED_AFTER
from verification.models import Assessment, Evidence

pytestmark = pytest.mark.verification


@pytest.fixture
def held_while_running(filled, submit, applicant, reviewer):
    """An application whose checks are running (its job not run yet), claimed and ticked by `reviewer`."""
    app = submit(filled())  # the after-commit job is not executed here
    assessment = Assessment.objects.create(
        application=app, version=services.application_version(app), requested_by=applicant
    )
    app = app_services.application_claim(application=app, by=reviewer)
    app = app_services.application_save_checklist(
        application=app, by=reviewer, checks={str(k): True for k in ReviewCheck.values}
    )
    return app, assessment


class Unchanged:
    """The application, its history and outbox (the snapshot), its evidence and assessment."""

    def __init__(self, snapshot, app, assessment):
        self.app, self.assessment = snapshot(app), assessment
        self.evidence = Evidence.objects.count()
        self.notifications = Notification.objects.count()

    def check(self):
        self.app.assert_unchanged()
        assert Evidence.objects.count() == self.evidence
        assert Notification.objects.count() == self.notifications
        fresh = Assessment.objects.get(pk=self.assessment.pk)
        assert (fresh.route, fresh.decided_at) == (Route.RUNNING, None)
        assert not type(self.app.app).objects.get(pk=self.app.app.pk).merchant_id


def test_the_service_refuses_an_approval_while_the_checks_run(held_while_running, reviewer, snapshot):
    app, assessment = held_while_running
    before = Unchanged(snapshot, app, assessment)
    with pytest.raises(ConditionsNotMet, match="still running"):
        app_services.application_approve(application=app, by=reviewer, message="ok")
    before.check()


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "are still running: approve once they are done"), ("zh-hans", "自动核验仍在进行")],
)
def test_the_view_refuses_it_in_the_readers_language_and_changes_nothing(
    client, held_while_running, reviewer, snapshot, language, words
):
    app, assessment = held_while_running
    before = Unchanged(snapshot, app, assessment)
    client.force_login(reviewer)
    response = client.post(
        reverse("applications:review_approve", args=[app.reference]),
        {"seen": Status.IN_REVIEW, "message": "ok"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 400
    refusal = response.content.decode().split('data-testid="refusal"')[1].split("</p>")[0]
    assert words in refusal
    before.check()


@pytest.mark.parametrize(
    ("language", "tag", "words"),
    [("en", "Checks running", "approve once they are done"), ("zh-hans", "正在核验", "请在核验完成后再批准")],
)
def test_the_page_explains_beside_a_disabled_approve_button(client, held_while_running, reviewer, language, tag, words):
    app, _ = held_while_running
    client.force_login(reviewer)
    page = client.get(reverse("applications:review", args=[app.reference]), HTTP_ACCEPT_LANGUAGE=language)
    form = page.content.decode().split('id="approve"')[1].split("</form>")[0]
    notice = form.split('data-testid="approve-waits"')[1].split("</p>")[0]
    assert tag in notice and words in notice
    assert 'disabled aria-describedby="approve-waits"' in form


def test_once_the_checks_answered_the_reviewer_approves(held_while_running, reviewer, client):
    app, assessment = held_while_running
    services.assess(assessment_id=assessment.pk)
    assert Assessment.objects.get(pk=assessment.pk).route == Route.TAKEN  # the reviewer holds it: theirs
    client.force_login(reviewer)
    form = client.get(reverse("applications:review", args=[app.reference])).content.decode().split('id="approve"')[1]
    assert "approve-waits" not in form.split("</form>")[0]
    app = app_services.application_approve(application=app, by=reviewer, message="ok")
    assert app.status == Status.APPROVED and app.merchant_id


def test_checks_that_gave_up_leave_the_decision_to_the_person_with_the_failure_shown(
    filled, submit, applicant, reviewer, client, django_capture_on_commit_callbacks, settings
):
    settings.VERIFICATION_MAX_RETRIES = 1
    with django_capture_on_commit_callbacks(execute=True):
        app = submit(filled(id_order=903))  # the identity service is down on every attempt
    assessment = Assessment.objects.get(application=app)
    assert assessment.route == Route.QUEUE and not assessment.complete
    app = app_services.application_claim(application=app, by=reviewer)
    app = app_services.application_save_checklist(
        application=app, by=reviewer, checks={str(k): True for k in ReviewCheck.values}
    )
    client.force_login(reviewer)
    page = client.get(reverse("applications:review", args=[app.reference])).content.decode()
    assert "some checks could not be done" in page and "service unavailable" in page
    assert "approve-waits" not in page
    assert app_services.application_approve(application=app, by=reviewer, message="ok").status == Status.APPROVED


def test_checks_whose_worker_is_gone_longer_than_the_job_waits_no_longer_block(held_while_running, reviewer, client):
    app, assessment = held_while_running
    Assessment.objects.filter(pk=assessment.pk).update(started_at=timezone.now() - STALLED_AFTER - timedelta(minutes=1))
    client.force_login(reviewer)
    page = client.get(reverse("applications:review", args=[app.reference])).content.decode()
    assert "did not finish within 30 minutes" in page and "approve-waits" not in page
    assert app_services.application_approve(application=app, by=reviewer, message="ok").status == Status.APPROVED


def test_the_robot_approves_its_own_decision(filled, submit, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        app = submit(filled())
    app.refresh_from_db()
    assert app.status == Status.APPROVED  # its assessment is decided before it approves


def test_an_administrator_who_does_not_hold_it_is_told_the_same(client, held_while_running, admin_user, snapshot):
    app, assessment = held_while_running
    before = Unchanged(snapshot, app, assessment)
    client.force_login(admin_user)
    page = client.get(reverse("applications:review", args=[app.reference])).content.decode()
    assert 'disabled aria-describedby="approve-waits"' in page.split('id="approve"')[1].split("</form>")[0]
    response = client.post(
        reverse("applications:review_approve", args=[app.reference]), {"seen": Status.IN_REVIEW, "message": "ok"}
    )
    assert response.status_code == 400 and "still running" in response.content.decode()
    before.check()
