"""The status page: the timeline, what happens next, what to fix, and withdrawing."""

import pytest
from django.urls import reverse

from applications.choices import Status
from applications.models import MerchantApplication
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def status_url(app) -> str:
    return reverse("applications:status", kwargs={"reference": app.reference})


def withdraw_url(app) -> str:
    return reverse("applications:withdraw", kwargs={"reference": app.reference})


def test_the_timeline_shows_every_state_with_its_date_oldest_first(applicant_client, application_in):
    app = application_in(Status.APPROVED)

    response = applicant_client.get(status_url(app))

    timeline = response.context["timeline"]
    assert [entry.state for entry in timeline] == ["draft", "submitted", "in_review", "approved"]
    assert all(entry.at for entry in timeline)
    html = response.content.decode()
    assert "Your application is approved." in html
    assert app.merchant_id in html


def test_the_reviewers_message_appears_on_the_timeline_and_the_fields_to_fix_are_linked(
    applicant_client, application_in
):
    app = application_in(Status.CHANGES_REQUESTED)

    response = applicant_client.get(status_url(app))

    html = response.content.decode()
    assert "门头照片太暗，请重新拍摄。" in html
    assert response.context["to_fix"] == [
        {
            "label": "Storefront photo",
            "url": reverse("applications:step", kwargs={"reference": app.reference, "step": "documents"})
            + "#field-storefront",
        }
    ]
    assert "Fix it in the form, then submit again." in html


def test_the_rejection_reason_and_message_are_shown(applicant_client, application_in):
    app = application_in(Status.REJECTED)

    html = applicant_client.get(status_url(app)).content.decode()

    assert "Business not eligible" in html
    assert "经营范围不符合要求。" in html


def test_a_reviewers_internal_release_note_stays_off_the_timeline(applicant_client, application_in, reviewer):
    from applications import services

    app = application_in(Status.IN_REVIEW)
    services.application_release(application=app, by=reviewer, message="内部：等主管意见")

    html = applicant_client.get(status_url(app)).content.decode()

    assert "内部：等主管意见" not in html


def test_the_status_page_masks_nothing_it_does_not_show(applicant_client, application_in):
    app = application_in(Status.SUBMITTED)

    html = applicant_client.get(status_url(app)).content.decode()

    assert app.id_number not in html and app.card_number not in html


def test_the_status_page_speaks_chinese_to_a_chinese_browser(applicant_client, application_in):
    app = application_in(Status.SUBMITTED)

    html = applicant_client.get(status_url(app), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "已提交" in html
    assert "接下来" in html


def test_withdrawing_asks_for_confirmation_first(applicant_client, application_in, snapshot):
    app = application_in(Status.SUBMITTED)
    before = snapshot(app)

    response = applicant_client.get(withdraw_url(app))

    assert response.status_code == 200
    assert "Yes, withdraw it" in response.content.decode()
    before.assert_unchanged()


def test_a_confirmed_withdrawal_withdraws_with_the_reason_given(applicant_client, application_in):
    app = application_in(Status.SUBMITTED)

    response = applicant_client.post(withdraw_url(app), {"message": "不需要了"}, follow=True)

    app.refresh_from_db()
    assert app.status == Status.WITHDRAWN
    assert "不需要了" in response.content.decode()
    assert Notification.objects.filter(template="application.withdrawn").exists()


def test_a_second_withdrawal_changes_nothing_and_says_so(applicant_client, application_in, snapshot):
    app = application_in(Status.WITHDRAWN)
    before = snapshot(app)

    response = applicant_client.post(withdraw_url(app), {"message": ""}, follow=True)

    assert "already withdrawn" in response.content.decode()
    before.assert_unchanged()


def test_an_approved_application_cannot_be_withdrawn_here(applicant_client, application_in, snapshot):
    app = application_in(Status.APPROVED)
    before = snapshot(app)

    page = applicant_client.get(withdraw_url(app))
    response = applicant_client.post(withdraw_url(app), {"message": "算了"}, follow=True)

    assert "can no longer be withdrawn here" in page.content.decode()
    assert "You cannot withdraw an application that is “Approved”." in response.content.decode()
    before.assert_unchanged()
    assert MerchantApplication.objects.get(pk=app.pk).status == Status.APPROVED


def test_the_list_shows_the_applicants_applications_and_starts_a_new_one(applicant_client, applicant, draft):
    response = applicant_client.get(reverse("applications:mine"))
    assert draft.reference in response.content.decode()

    response = applicant_client.post(reverse("applications:new"))

    assert MerchantApplication.objects.filter(applicant=applicant).count() == 2
    newest = MerchantApplication.objects.filter(applicant=applicant).order_by("-pk").first()
    assert response.url == reverse("applications:step", kwargs={"reference": newest.reference, "step": "personal"})
    assert newest.mobile == applicant.mobile


def test_a_reviewer_has_no_applicant_pages(client, reviewer):
    client.force_login(reviewer)

    assert client.get(reverse("applications:mine")).status_code == 404
    assert client.post(reverse("applications:new")).status_code == 404
    assert not MerchantApplication.objects.exists()
