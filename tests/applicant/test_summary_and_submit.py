"""The summary lists exactly what stops a submit, each linked to its step; a submit happens once."""

import pytest
from django.urls import reverse

from applications import services
from applications.choices import Status
from applications.models import MerchantApplication
from notifications.models import Notification
from tests.conftest import history_of

pytestmark = pytest.mark.django_db


def summary_url(app) -> str:
    return reverse("applications:summary", kwargs={"reference": app.reference})


def submit_url(app) -> str:
    return reverse("applications:submit", kwargs={"reference": app.reference})


def test_the_summary_of_a_new_draft_lists_every_missing_thing_linked_to_its_step(applicant_client, draft):
    response = applicant_client.get(summary_url(draft))

    problems = response.context["problems"]
    expected = draft.submission_problems()
    assert [p["message"] for p in problems] == [p.message for p in expected]
    step = reverse("applications:step", kwargs={"reference": draft.reference, "step": "business"})
    assert {
        "message": "Business name is required.",
        "step": "Business",
        "url": f"{step}#field-business_name",
    } in problems
    html = response.content.decode()
    assert f'href="{step}#field-business_name"' in html
    assert "Submit the application" not in html


def test_the_summary_names_an_invalid_value_as_well_as_a_missing_one(applicant_client, complete_draft):
    services.application_save_fields(
        application=complete_draft, by=complete_draft.applicant, fields={"account_holder": "别人"}
    )

    problems = applicant_client.get(summary_url(complete_draft)).context["problems"]

    assert [p["message"] for p in problems] == ["The account holder must be the legal name or the business name."]
    assert problems[0]["url"].endswith("/step/settlement/#field-account_holder")


def test_a_missing_document_links_to_its_upload_field(applicant_client, draft):
    problems = applicant_client.get(summary_url(draft)).context["problems"]

    assert any(p["url"].endswith("/step/documents/#field-storefront") for p in problems)


def test_a_complete_draft_shows_no_problem_and_the_submit_button(applicant_client, complete_draft):
    response = applicant_client.get(summary_url(complete_draft))

    assert response.context["problems"] == []
    assert "Submit the application" in response.content.decode()


def test_the_summary_masks_the_id_number_the_card_and_the_mobile(applicant_client, complete_draft):
    html = applicant_client.get(summary_url(complete_draft)).content.decode()

    assert complete_draft.id_number not in html
    assert complete_draft.card_number not in html
    assert complete_draft.mobile not in html
    assert complete_draft.id_number[-4:] in html


def test_a_complete_draft_is_submitted_and_the_applicant_told(applicant_client, complete_draft):
    response = applicant_client.post(submit_url(complete_draft), follow=True)

    assert MerchantApplication.objects.get(pk=complete_draft.pk).status == Status.SUBMITTED
    assert response.redirect_chain[-1][0] == reverse(
        "applications:status", kwargs={"reference": complete_draft.reference}
    )
    assert "is submitted" in response.content.decode()
    assert Notification.objects.filter(recipient=complete_draft.applicant, template="application.submitted").exists()


def test_an_incomplete_draft_is_not_submitted_and_the_refusal_lists_what_is_missing(applicant_client, draft, snapshot):
    before = snapshot(draft)

    response = applicant_client.post(submit_url(draft), follow=True)

    assert response.redirect_chain[-1][0] == summary_url(draft)
    assert "Missing:" in response.content.decode()
    before.assert_unchanged()


def test_a_second_submit_changes_nothing_and_says_it_was_already_submitted(applicant_client, complete_draft, snapshot):
    applicant_client.post(submit_url(complete_draft))
    before = snapshot(complete_draft)

    response = applicant_client.post(submit_url(complete_draft), follow=True)

    assert "was already submitted on" in response.content.decode()
    assert "Nothing was changed by this second submit." in response.content.decode()
    before.assert_unchanged()
    assert [row.state for row in history_of(complete_draft)] == [Status.SUBMITTED]


def test_a_submit_from_a_second_tab_after_a_reviewer_claimed_it_changes_nothing(
    applicant_client, application_in, snapshot
):
    app = application_in(Status.IN_REVIEW)
    before = snapshot(app)

    response = applicant_client.post(submit_url(app), follow=True)

    assert "was already submitted on" in response.content.decode()
    before.assert_unchanged()


def test_a_second_submit_in_chinese_says_so_in_chinese(applicant_client, complete_draft):
    applicant_client.post(submit_url(complete_draft))

    response = applicant_client.post(submit_url(complete_draft), follow=True, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert "已于" in response.content.decode()


def test_submit_answers_only_to_post(applicant_client, complete_draft, snapshot):
    before = snapshot(complete_draft)

    assert applicant_client.get(submit_url(complete_draft)).status_code == 405
    before.assert_unchanged()


def test_after_changes_requested_the_fixed_application_is_submitted_again(applicant_client, application_in):
    app = application_in(Status.CHANGES_REQUESTED)

    applicant_client.post(submit_url(app))

    app.refresh_from_db()
    assert app.status == Status.SUBMITTED
    assert app.changes_requested_fields == []
