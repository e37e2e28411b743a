from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.choices import BusinessType, Status
from applications.models import MerchantApplication
from core.choices import Province

from .conftest import bulk_applications

QUEUE = reverse("applications:review_queue")


def references(response) -> list[str]:
    return [row.app.reference for row in response.context["rows"]]


def test_it_lists_the_unassigned_applications_oldest_first(reviewer_client, application_in):
    newer = application_in(Status.SUBMITTED)
    older = application_in(Status.SUBMITTED)
    MerchantApplication.objects.filter(pk=older.pk).update(status_changed_at=timezone.now() - timedelta(hours=5))
    application_in(Status.IN_REVIEW)
    application_in(Status.DRAFT)
    response = reviewer_client.get(QUEUE)
    assert response.status_code == 200
    assert references(response) == [older.reference, newer.reference]


def test_mine_is_empty_for_a_reviewer_who_holds_nothing(client, other_reviewer, application_in):
    application_in(Status.IN_REVIEW)  # held by `reviewer`
    client.force_login(other_reviewer)
    assert references(client.get(QUEUE, {"tab": "mine"})) == []


def test_mine_lists_the_applications_the_reviewer_holds(reviewer_client, application_in):
    held = application_in(Status.IN_REVIEW)
    application_in(Status.SUBMITTED)
    assert references(reviewer_client.get(QUEUE, {"tab": "mine"})) == [held.reference]


def test_all_shows_every_state_but_drafts(reviewer_client, application_in):
    submitted = application_in(Status.SUBMITTED)
    rejected = application_in(Status.REJECTED)
    application_in(Status.DRAFT)
    assert set(references(reviewer_client.get(QUEUE, {"tab": "all"}))) == {submitted.reference, rejected.reference}
    assert references(reviewer_client.get(QUEUE, {"tab": "all", "status": "rejected"})) == [rejected.reference]


def test_it_filters_by_region_business_type_and_age(reviewer_client, applicant):
    apps = bulk_applications(applicant, 3)
    MerchantApplication.objects.filter(pk=apps[0].pk).update(province=Province.BEIJING)
    MerchantApplication.objects.filter(pk=apps[1].pk).update(business_type=BusinessType.COMPANY)
    three_days_ago = timezone.now() - timedelta(days=3)
    MerchantApplication.objects.filter(pk=apps[2].pk).update(
        status_changed_at=three_days_ago, submitted_at=three_days_ago
    )
    assert references(reviewer_client.get(QUEUE, {"province": "11"})) == [apps[0].reference]
    assert references(reviewer_client.get(QUEUE, {"business_type": "company"})) == [apps[1].reference]
    assert references(reviewer_client.get(QUEUE, {"age": "sla"})) == [apps[2].reference]
    assert references(reviewer_client.get(QUEUE, {"age": "72"})) == [apps[2].reference]
    assert references(reviewer_client.get(QUEUE, {"age": "168"})) == []


def test_the_sla_filter_counts_from_the_submission_even_once_claimed(reviewer_client, applicant, reviewer):
    (late,) = bulk_applications(applicant, 1, status=Status.IN_REVIEW, reviewer=reviewer)
    MerchantApplication.objects.filter(pk=late.pk).update(
        submitted_at=timezone.now() - timedelta(hours=30), status_changed_at=timezone.now()
    )
    assert references(reviewer_client.get(QUEUE, {"tab": "mine", "age": "sla"})) == [late.reference]


@pytest.mark.parametrize("how", ["reference", "reference_without_prefix", "mobile", "name"])
def test_it_finds_an_application_by_number_mobile_or_name(reviewer_client, applicant, how):
    target, _other = bulk_applications(applicant, 2)
    query = {
        "reference": target.reference.lower(),
        "reference_without_prefix": target.reference.removeprefix("PA-"),
        "mobile": "139 " + target.mobile[6:10] + " " + target.mobile[10:],
        "name": target.legal_name,
    }[how]
    # A number typed in the address bar is sent on to the same search by its token (a redirect).
    assert references(reviewer_client.get(QUEUE, {"q": query}, follow=True)) == [target.reference]


def test_the_sla_badge_turns_red_past_the_target(reviewer_client, applicant, settings):
    settings.REVIEW_SLA_HOURS = 24
    late, on_time = bulk_applications(applicant, 2)
    MerchantApplication.objects.filter(pk=late.pk).update(submitted_at=timezone.now() - timedelta(hours=30))
    response = reviewer_client.get(QUEUE)
    levels = {row.app.reference: row.sla.level for row in response.context["rows"]}
    assert levels == {late.reference: "bad", on_time.reference: "ok"}
    assert "SLA breached" in response.content.decode()


def test_it_pages_without_counting_the_table(reviewer_client, applicant):
    bulk_applications(applicant, 30)
    first = reviewer_client.get(QUEUE)
    second = reviewer_client.get(QUEUE, {"page": 2})
    assert len(first.context["rows"]) == 25 and first.context["page"].has_next
    assert len(second.context["rows"]) == 5 and not second.context["page"].has_next
    assert not set(references(first)) & set(references(second))


def test_it_masks_the_mobile_in_the_list(reviewer_client, applicant):
    (app,) = bulk_applications(applicant, 1)
    body = reviewer_client.get(QUEUE).content.decode()
    assert app.mobile not in body
    assert app.mobile[-4:] in body


def test_htmx_gets_only_the_results(reviewer_client, applicant):
    bulk_applications(applicant, 1)
    response = reviewer_client.get(QUEUE, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<table" in body and "<html" not in body


@pytest.mark.parametrize("who", ["applicant", "installer", "support"])
def test_other_roles_get_404(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(QUEUE).status_code == 404


def test_a_visitor_is_sent_to_log_in(client):
    response = client.get(QUEUE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("tab", ["unassigned", "mine", "all"])
def test_the_number_of_queries_is_the_same_with_10_and_1000_applications(
    reviewer_client, applicant, reviewer, django_assert_num_queries, django_assert_max_num_queries, tab
):
    bulk_applications(applicant, 5)
    bulk_applications(applicant, 5, status=Status.IN_REVIEW, reviewer=reviewer, start=20_000)
    reviewer_client.get(QUEUE, {"tab": tab})  # session and caches warmed alike in both runs
    # 4 today: session, user, roles, one page of rows; 2 to spare for the shared base template.
    with django_assert_max_num_queries(6) as small:
        reviewer_client.get(QUEUE, {"tab": tab})
    bulk_applications(applicant, 495, start=30_000)
    bulk_applications(applicant, 495, status=Status.IN_REVIEW, reviewer=reviewer, start=40_000)
    with django_assert_num_queries(len(small.captured_queries)):
        reviewer_client.get(QUEUE, {"tab": tab})


def test_it_speaks_chinese_to_a_chinese_browser(reviewer_client, applicant):
    bulk_applications(applicant, 1)
    body = reviewer_client.get(QUEUE, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "审核队列" in body and "未领取" in body and "广东" in body
