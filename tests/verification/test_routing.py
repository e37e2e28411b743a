"""A submission's checks and where they send it: each route, the retry, the evidence, the races."""

import pytest
from django.contrib.auth.models import Group

from applications import services as app_services
from applications.choices import RejectionReason, Status
from applications.selectors import QueueFilters, review_queue
from core.errors import RoleRefused
from tests.conftest import history_of
from verification import services
from verification.choices import SENIOR_GROUP, SYSTEM_USERNAME, CheckKind, Outcome, Route
from verification.models import Assessment, Evidence

pytestmark = pytest.mark.verification


def test_a_clean_application_is_approved_by_the_robot_through_the_workflow(filled, run):
    app, assessment = run(filled())
    assert app.status == Status.APPROVED and app.merchant_id
    assert assessment.route == Route.AUTO_APPROVED and assessment.complete and assessment.score == 0
    transitions = [(log.transition, log.by.username) for log in history_of(app)]
    assert transitions[-2:] == [("claim", SYSTEM_USERNAME), ("approve", SYSTEM_USERNAME)]


def test_each_check_leaves_an_evidence_row_with_who_when_what_masked_and_the_version(filled, run, applicant):
    app, assessment = run(filled())
    rows = {e.kind: e for e in Evidence.objects.filter(application=app)}
    assert set(rows) == {CheckKind.IDENTITY, CheckKind.BANK_CARD, CheckKind.BUSINESS, CheckKind.MOBILE}
    for row in rows.values():
        assert row.asked_by == applicant and row.asked_at and row.outcome == Outcome.MATCH
        assert row.version == assessment.version
        assert app.id_number not in str(row.sent) and app.card_number not in str(row.sent)
    assert rows[CheckKind.IDENTITY].sent["id_number"].count("*") == 8


def test_an_individual_without_a_licence_is_not_asked_about_a_business(filled, run):
    app, _ = run(filled(business_type="individual", credit_code=""))
    assert not Evidence.objects.filter(application=app, kind=CheckKind.BUSINESS).exists()
    assert app.status == Status.APPROVED


def test_a_card_holder_mismatch_goes_to_the_queue_with_the_reason_first(filled, run, reviewer):
    app, assessment = run(filled(card=911))
    assert app.status == Status.SUBMITTED
    assert assessment.route == Route.QUEUE
    assert assessment.reasons[0]["code"] == "card_mismatch"
    assert app in review_queue(user=reviewer, filters=QueueFilters())


def test_an_identity_mismatch_is_rejected_with_a_reason_the_applicant_can_act_on(filled, run, applicant):
    applicant.preferred_language = "en"
    applicant.save()
    app, assessment = run(filled(id_order=901))
    assert assessment.route == Route.AUTO_REJECTED
    assert app.status == Status.REJECTED and app.rejection_reason == RejectionReason.IDENTITY
    assert "do not match the public security record" in app.decision_message
    assert "start a new application" in app.decision_message
    assert history_of(app)[-1].by.username == SYSTEM_USERNAME


def test_the_rejection_message_is_in_the_applicants_language(filled, run, applicant):
    applicant.preferred_language = "zh-hans"
    applicant.save()
    app, _ = run(filled(id_order=901))
    assert "公安" in app.decision_message


def test_a_business_mismatch_goes_to_a_senior_reviewer_only(filled, run, reviewer, other_reviewer, snapshot):
    app, assessment = run(filled(credit=921))
    assert assessment.route == Route.SENIOR and app.status == Status.SUBMITTED
    assert app not in review_queue(user=reviewer, filters=QueueFilters())
    assert app in review_queue(user=reviewer, filters=QueueFilters(tab="senior"))
    before = snapshot(app)
    with pytest.raises(RoleRefused, match="senior reviewer"):
        app_services.application_claim(application=app, by=reviewer)
    before.assert_unchanged()
    other_reviewer.groups.add(Group.objects.get_or_create(name=SENIOR_GROUP)[0])
    app = app_services.application_claim(application=app, by=other_reviewer)
    assert app.status == Status.IN_REVIEW


@pytest.mark.parametrize(
    ("fields", "answer"),
    [({"id_order": 903}, "unavailable"), ({"card": 914}, "timeout"), ({"mobile": "+8613800138935"}, "invalid")],
)
def test_an_outage_a_timeout_or_garbage_never_approves_a_person_decides(filled, run, fields, answer, settings):
    settings.VERIFICATION_MAX_RETRIES = 2
    app, assessment = run(filled(**fields))
    assert app.status == Status.SUBMITTED
    assert assessment.route == Route.QUEUE and not assessment.complete
    assert {"code": "check_not_done"}.items() <= assessment.reasons[0].items() or any(
        r["code"] == "check_not_done" and r["params"]["answer"] == answer for r in assessment.reasons
    )
    assert all(log.by is None or log.by.username != SYSTEM_USERNAME for log in history_of(app))


def test_an_unavailable_service_is_asked_again_with_backoff_then_a_person_decides(filled, run, settings):
    settings.VERIFICATION_MAX_RETRIES = 3
    app, assessment = run(filled(id_order=903))
    attempts = list(
        Evidence.objects.filter(application=app, kind=CheckKind.IDENTITY)
        .order_by("attempt")
        .values_list("attempt", "outcome")
    )
    assert attempts == [(n, Outcome.UNAVAILABLE) for n in (1, 2, 3, 4)]
    # The checks that answered are not asked again on the retries.
    assert Evidence.objects.filter(application=app, kind=CheckKind.BANK_CARD).count() == 1
    assert assessment.route == Route.QUEUE


class Flaky:
    calls = 0

    def ask(self, request):
        Flaky.calls += 1
        if Flaky.calls == 1:
            from verification.providers import ProviderUnavailable

            raise ProviderUnavailable("down for a moment")
        return {"result": "1"}


def test_a_service_back_on_the_retry_lets_the_checks_finish(filled, run, settings):
    Flaky.calls = 0
    settings.VERIFICATION_BACKENDS = {**settings.VERIFICATION_BACKENDS, "identity": f"{__name__}.Flaky"}
    app, assessment = run(filled())
    outcomes = list(
        Evidence.objects.filter(application=app, kind=CheckKind.IDENTITY)
        .order_by("attempt")
        .values_list("outcome", flat=True)
    )
    assert outcomes == [Outcome.UNAVAILABLE, Outcome.MATCH]
    assert assessment.route == Route.AUTO_APPROVED


def test_a_resubmission_with_the_same_inputs_is_not_asked_again(filled, run, reviewer):
    app, _ = run(filled(card=911))
    app = app_services.application_claim(application=app, by=reviewer)
    app = app_services.application_request_changes(application=app, by=reviewer, fields=["storefront"], message="暗")
    before = Evidence.objects.count()
    app, assessment = run(app)
    assert Evidence.objects.count() == before  # every answer reused: the inputs did not change
    assert assessment.route == Route.RETURNED and assessment.returned_to == reviewer


def test_the_corrected_card_is_checked_on_resubmit(filled, run, reviewer, applicant):
    from .conftest import card_number

    app, _ = run(filled(card=911))
    app = app_services.application_claim(application=app, by=reviewer)
    app = app_services.application_request_changes(application=app, by=reviewer, fields=["card_number"], message="卡号")
    app_services.application_save_fields(application=app, by=applicant, fields={"card_number": card_number(124)})
    app, assessment = run(app)
    assert Evidence.objects.filter(application=app, kind=CheckKind.BANK_CARD).count() == 2
    assert Evidence.objects.filter(application=app, kind=CheckKind.IDENTITY).count() == 1
    # Every check matches now, but a person looks at the correction: the reviewer who asked for it.
    assert assessment.complete and assessment.score == 0
    assert assessment.route == Route.RETURNED and assessment.returned_to == reviewer
    assert app.status == Status.SUBMITTED and app.merchant_id is None
    assert all(log.by.username != SYSTEM_USERNAME for log in history_of(app) if log.by)


def test_an_application_changed_while_checked_is_not_decided_and_is_checked_again(
    filled, submit, applicant, django_capture_on_commit_callbacks
):
    from applications.models import MerchantApplication

    from .conftest import card_number

    app = submit(filled())  # the job is not run: the after-commit callbacks are not executed here
    first = Assessment.objects.create(
        application=app, version=services.application_version(app), requested_by=applicant
    )
    # Changed after the submission this job checks (as if sent back, corrected and resubmitted meanwhile).
    app = MerchantApplication.objects.get(pk=app.pk)
    app.card_number = card_number(911)
    app.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.assess(assessment_id=first.pk)
    first.refresh_from_db()
    assert first.route == Route.STALE
    app.refresh_from_db()
    assert app.status == Status.SUBMITTED  # nothing approved on the stale result
    second = Assessment.objects.filter(application=app).exclude(pk=first.pk).get()
    assert second.version != first.version and second.route == Route.QUEUE
    assert second.reasons[0]["code"] == "card_mismatch"


def test_an_application_a_reviewer_took_first_is_left_to_them(filled, submit, reviewer, applicant):
    app = submit(filled())
    pending = Assessment.objects.create(
        application=app, version=services.application_version(app), requested_by=applicant
    )
    app_services.application_claim(application=app, by=reviewer)
    assessment = services.assess(assessment_id=pending.pk)
    app.refresh_from_db()
    assert assessment.route == Route.TAKEN and app.status == Status.IN_REVIEW and app.reviewer == reviewer


def test_a_job_delivered_twice_decides_once(filled, run):
    app, assessment = run(filled())
    again = services.assess(assessment_id=assessment.pk)
    assert again.route == Route.AUTO_APPROVED
    assert [log.transition for log in history_of(app)].count("approve") == 1


def test_without_auto_start_nothing_runs(filled, run, settings):
    settings.VERIFICATION_AUTO_START = False
    app, assessment = run(filled())
    assert assessment is None and app.status == Status.SUBMITTED


def test_a_sampled_approval_takes_one_second_look(filled, run, reviewer):
    services.policy_publish(by=None, sample_percent=100)
    _app, assessment = run(filled())
    assert assessment.sampled
    services.second_look_record(assessment=assessment, by=reviewer, verdict="agree")
    assessment.refresh_from_db()
    assert (assessment.second_look, assessment.second_look_by) == ("agree", reviewer)
    with pytest.raises(Exception, match="not looked at yet"):
        services.second_look_record(assessment=assessment, by=reviewer, verdict="disagree")
    assessment.refresh_from_db()
    assert assessment.second_look == "agree"


def test_a_transition_the_workflow_refuses_leaves_it_to_a_person(filled, run, monkeypatch):
    from core.errors import ConditionsNotMet

    def refuse(**kwargs):
        raise ConditionsNotMet("missing", missing=["a document"])

    monkeypatch.setattr(app_services, "application_approve", refuse)
    app, assessment = run(filled())
    assert app.status == Status.SUBMITTED and app.reviewer is None  # the robot's claim was undone too
    assert assessment.route == Route.QUEUE and assessment.reasons[0]["code"] == "auto_decision_refused"


def test_checks_whose_task_was_lost_are_resumed_and_decided_once(filled, submit, applicant):
    from datetime import timedelta

    from django.utils import timezone

    from verification.jobs import resume_stalled

    app = submit(filled())  # its task was never delivered
    lost = Assessment.objects.create(application=app, version=services.application_version(app), requested_by=applicant)
    Assessment.objects.filter(pk=lost.pk).update(started_at=timezone.now() - timedelta(hours=1))
    fresh = Assessment.objects.create(application=filled(), version="v", requested_by=applicant)
    assert resume_stalled() == 1
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert lost.route == Route.AUTO_APPROVED and fresh.route == Route.RUNNING
    assert resume_stalled() == 0
