"""Refusals for what a transition needs: each names what is missing and changes nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from applications import services as app
from applications.choices import Status
from applications.models import ConsentRecord
from core.errors import ConditionsNotMet, Conflict, RoleRefused
from installations import services as inst
from installations.models import TrainingRecord, Visit
from installations.selectors import free_slots
from terminals.services import signin_record


def test_it_refuses_to_submit_an_incomplete_draft_and_lists_each_missing_thing(applicant, application_in, snapshot):
    draft = application_in(Status.DRAFT, filled=False)
    before = snapshot(draft)

    with pytest.raises(ConditionsNotMet) as refusal:
        app.application_submit(application=draft, by=applicant)

    assert "Legal name is required." in refusal.value.missing
    assert "ID card, front is required." in refusal.value.missing
    assert any("Consent" in m for m in refusal.value.missing)
    before.assert_unchanged()


def test_it_refuses_to_submit_without_the_current_consent(applicant, application_in, snapshot):
    draft = application_in(Status.DRAFT)
    ConsentRecord.objects.filter(application=draft).delete()
    before = snapshot(draft)

    with pytest.raises(ConditionsNotMet) as refusal:
        app.application_submit(application=draft, by=applicant)

    assert refusal.value.missing == ["Consent to the processing of sensitive personal information is required."]
    before.assert_unchanged()


def test_it_refuses_to_submit_when_the_account_holder_is_someone_else(applicant, application_in, snapshot):
    draft = application_in(Status.DRAFT)
    app.application_save_fields(application=draft, by=applicant, fields={"account_holder": "赵六"})
    before = snapshot(draft)

    with pytest.raises(ConditionsNotMet) as refusal:
        app.application_submit(application=draft, by=applicant)

    assert refusal.value.missing == ["The account holder must be the legal name or the business name."]
    before.assert_unchanged()


def test_it_refuses_to_submit_an_invalid_id_number_saying_why(applicant, application_in, snapshot):
    draft = application_in(Status.DRAFT)
    bad = draft.id_number[:-1] + ("0" if draft.id_number[-1] != "0" else "1")
    app.application_save_fields(application=draft, by=applicant, fields={"id_number": bad})
    before = snapshot(draft)

    with pytest.raises(ConditionsNotMet) as refusal:
        app.application_submit(application=draft, by=applicant)

    assert any("check digit" in m for m in refusal.value.missing)
    before.assert_unchanged()


@pytest.mark.parametrize(
    ("reason", "message", "missing"),
    [
        ("", "no", ["a reason code"]),
        ("nonsense", "no", ["a reason code"]),
        ("risk", "  ", ["a message to the applicant"]),
        ("", "", ["a reason code", "a message to the applicant"]),
    ],
)
def test_it_refuses_a_rejection_without_a_reason_and_a_message(
    reason, message, missing, reviewer, application_in, snapshot
):
    held = application_in(Status.IN_REVIEW)
    before = snapshot(held)

    with pytest.raises(ConditionsNotMet) as refusal:
        app.application_reject(application=held, by=reviewer, reason=reason, message=message)

    assert refusal.value.missing == missing
    before.assert_unchanged()


def test_it_refuses_a_change_request_that_names_nothing_to_fix(reviewer, application_in, snapshot):
    held = application_in(Status.IN_REVIEW)
    before = snapshot(held)

    with pytest.raises(ConditionsNotMet) as refusal:
        app.application_request_changes(application=held, by=reviewer, fields=[], message="fix it")

    assert refusal.value.missing == ["the fields or documents to fix"]
    before.assert_unchanged()


def test_it_tells_a_reviewer_who_holds_the_application(other_reviewer, reviewer, application_in, snapshot):
    held = application_in(Status.IN_REVIEW)
    before = snapshot(held)

    with pytest.raises(RoleRefused) as refusal:
        app.application_approve(application=held, by=other_reviewer)

    assert str(reviewer) in refusal.value.message
    before.assert_unchanged()


def test_it_refuses_to_act_on_a_state_the_caller_did_not_see(reviewer, other_reviewer, application_in, snapshot):
    submitted = application_in(Status.SUBMITTED)
    stale_copy = type(submitted).objects.get(pk=submitted.pk)
    app.application_claim(application=submitted, by=reviewer)
    before = snapshot(submitted)

    with pytest.raises(Conflict) as refusal:
        app.application_claim(application=stale_copy, by=other_reviewer)

    assert str(reviewer) in refusal.value.message
    before.assert_unchanged()


def test_a_second_submit_of_the_same_application_changes_nothing_and_says_so(applicant, application_in, snapshot):
    draft = application_in(Status.DRAFT)
    second_tab = type(draft).objects.get(pk=draft.pk)
    app.application_submit(application=draft, by=applicant)
    before = snapshot(draft)

    with pytest.raises(Conflict) as refusal:
        app.application_submit(application=second_tab, by=applicant)

    assert "Submitted" in refusal.value.message
    before.assert_unchanged()


@pytest.mark.parametrize("code", ["97", "03", "A0", ""])
def test_it_refuses_to_complete_the_configuration_without_a_sign_in_answered_00(
    code, installer, application_in, snapshot
):
    configuring = application_in(Status.CONFIGURING)
    if code:
        signin_record(application=configuring, by=installer, response_code=code)
    before = snapshot(configuring)

    with pytest.raises(ConditionsNotMet) as refusal:
        inst.installation_complete_configuration(application=configuring, by=installer)

    assert "00" in refusal.value.missing[0]
    before.assert_unchanged()


def test_the_last_sign_in_decides_not_an_earlier_success(installer, application_in, snapshot):
    configuring = application_in(Status.CONFIGURING)
    signin_record(application=configuring, by=installer, response_code="00")
    signin_record(application=configuring, by=installer, response_code="A0")
    before = snapshot(configuring)

    with pytest.raises(ConditionsNotMet):
        inst.installation_complete_configuration(application=configuring, by=installer)
    before.assert_unchanged()


def test_it_refuses_to_complete_training_with_topics_left_or_no_confirmation(installer, application_in, snapshot):
    training = application_in(Status.TRAINING)
    before = snapshot(training)

    with pytest.raises(ConditionsNotMet) as missing_topics:
        inst.installation_complete_training(
            application=training, by=installer, topics=["sale"], confirmed_by_name="王小明"
        )
    with pytest.raises(ConditionsNotMet) as unconfirmed:
        inst.installation_complete_training(
            application=training,
            by=installer,
            topics=["sale", "void", "refund", "settlement", "paper", "errors"],
            confirmed_by_name="  ",
        )

    assert "Void a sale" in missing_topics.value.missing
    assert unconfirmed.value.missing == ["the training checklist confirmed by the merchant"]
    before.assert_unchanged()
    assert not TrainingRecord.objects.filter(application=training).exists()


def test_it_refuses_a_suspension_without_a_reason(support, application_in, snapshot):
    active = application_in(Status.ACTIVE)
    before = snapshot(active)

    with pytest.raises(ConditionsNotMet) as refusal:
        app.application_suspend(application=active, by=support, message="")

    assert refusal.value.missing == ["a reason"]
    before.assert_unchanged()


def test_it_refuses_a_visit_in_the_past(applicant, installer, application_in, snapshot):
    approved = application_in(Status.APPROVED)
    before = snapshot(approved)

    with pytest.raises(ConditionsNotMet) as refusal:
        inst.installation_schedule(
            application=approved, by=applicant, installer=installer, starts_at=timezone.now() - timedelta(hours=1)
        )

    assert refusal.value.missing == ["a visit time in the future"]
    before.assert_unchanged()
    assert not Visit.objects.filter(application=approved).exists()


def test_it_refuses_to_book_an_installer_slot_twice(reviewer, other_applicant, installer, application_in, snapshot):
    first = application_in(Status.APPROVED)
    second = application_in(Status.APPROVED, owner=other_applicant)
    when = free_slots(first, installer=installer, days=30)[-1].starts_at  # staff may book beyond 14 days
    inst.installation_schedule(
        application=first, by=reviewer, installer=installer, starts_at=when, outside_windows=True
    )
    before = snapshot(second)

    with pytest.raises(Conflict) as refusal:
        inst.installation_schedule(
            application=second, by=reviewer, installer=installer, starts_at=when, outside_windows=True
        )

    assert "already booked" in refusal.value.message
    before.assert_unchanged()
    assert Visit.objects.filter(installer=installer, starts_at=when).count() == 1


def test_only_the_assigned_installer_may_check_in(other_installer, application_in, snapshot):
    scheduled = application_in(Status.INSTALLATION_SCHEDULED)
    before = snapshot(scheduled)

    with pytest.raises(RoleRefused):
        inst.installation_start(application=scheduled, by=other_installer)
    before.assert_unchanged()


def test_an_applicant_s_conflict_does_not_name_the_reviewer(applicant, reviewer, application_in, snapshot):
    submitted = application_in(Status.SUBMITTED)
    stale_copy = type(submitted).objects.get(pk=submitted.pk)
    app.application_claim(application=submitted, by=reviewer)
    before = snapshot(submitted)

    with pytest.raises(Conflict) as refusal:
        app.application_withdraw(application=stale_copy, by=applicant)

    assert str(reviewer) not in refusal.value.message
    assert "In review" in refusal.value.message
    before.assert_unchanged()


def test_it_refuses_an_approval_before_the_holder_ticks_the_checklist(reviewer, application_in, snapshot):
    held = application_in(Status.IN_REVIEW)
    before = snapshot(held)

    with pytest.raises(ConditionsNotMet) as refusal:
        app.application_approve(application=held, by=reviewer)

    assert "The ID card matches the legal name" in refusal.value.missing
    before.assert_unchanged()
    assert type(held).objects.get(pk=held.pk).merchant_id is None


def test_ticks_of_an_earlier_review_do_not_carry_over(applicant, reviewer, other_reviewer, application_in, snapshot):
    held = application_in(Status.IN_REVIEW)
    app.application_save_checklist(application=held, by=reviewer, checks=dict.fromkeys(app.REVIEW_CHECKLIST, True))
    app.application_request_changes(application=held, by=reviewer, fields=["legal_name"], message="name")
    held.refresh_from_db()
    assert held.review_checklist == {}
    app.application_submit(application=held, by=applicant)
    claimed = app.application_claim(application=type(held).objects.get(pk=held.pk), by=other_reviewer)
    before = snapshot(claimed)

    with pytest.raises(ConditionsNotMet):
        app.application_approve(application=claimed, by=other_reviewer)
    before.assert_unchanged()
