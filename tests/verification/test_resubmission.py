"""A correction after a request for changes is never decided automatically: it goes back to the
reviewer who asked for it (while they review), else to the queue, with the reason first."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.roles import Role
from applications import services as app_services
from applications.choices import Status
from applications.selectors import QueueFilters, review_queue
from tests.conftest import history_of
from verification.choices import SENIOR_GROUP, SYSTEM_USERNAME, Route

from .conftest import card_number, id_number

pytestmark = pytest.mark.verification


@pytest.fixture
def sent_back(filled, run, reviewer):
    """sent_back(**fields) -> an application in the queue, claimed by `reviewer`, sent back for changes."""

    def make(field: str = "card_number", **fields):
        app, _ = run(filled(card=911, **fields))  # a card mismatch: the queue
        app = app_services.application_claim(application=app, by=reviewer)
        return app_services.application_request_changes(application=app, by=reviewer, fields=[field], message="卡号")

    return make


def correct(app, applicant, **fields):
    app_services.application_save_fields(application=app, by=applicant, fields=fields)
    app.refresh_from_db()
    return app


def test_a_clean_correction_goes_back_to_the_reviewer_who_asked_not_to_the_robot(
    sent_back, run, applicant, reviewer, other_reviewer
):
    app, assessment = run(correct(sent_back(), applicant, card_number=card_number(124)))
    assert assessment.complete and assessment.score == 0  # the automatic approval would have taken it
    assert assessment.route == Route.RETURNED and assessment.returned_to == reviewer
    assert assessment.reasons[0]["code"] == "resubmitted_after_changes"
    assert app.status == Status.SUBMITTED and not app.merchant_id
    assert not any(log.by and log.by.username == SYSTEM_USERNAME for log in history_of(app))
    # In the tab of the reviewer who asked; out of everyone's "Unassigned".
    assert app in review_queue(user=reviewer, filters=QueueFilters(tab="returned"))
    assert app not in review_queue(user=other_reviewer, filters=QueueFilters(tab="returned"))
    assert app not in review_queue(user=other_reviewer, filters=QueueFilters())
    assert app in review_queue(user=other_reviewer, filters=QueueFilters(tab="all"))


def test_the_reviewer_who_asked_is_told_it_is_back_in_their_language(sent_back, run, applicant, reviewer):
    from notifications.messages import render
    from notifications.models import Channel, Notification

    app = sent_back()
    assert not Notification.objects.filter(template="review.correction_back").exists()

    run(correct(app, applicant, card_number=card_number(124)))

    told = Notification.objects.filter(template="review.correction_back", channel=Channel.IN_APP)
    assert [n.recipient for n in told] == [reviewer]
    subject, body = render("review.correction_back", told.get().context, "en")[:2]
    assert app.reference in subject and "Back to me" in body
    assert "退回给我的" in render("review.correction_back", told.get().context, "zh-hans")[1]


def test_no_one_is_told_when_the_reviewer_who_asked_no_longer_reviews(sent_back, run, applicant, reviewer):
    from notifications.models import Notification

    app = sent_back()
    reviewer.groups.remove(Group.objects.get(name=str(Role.REVIEWER)))
    run(correct(app, applicant, card_number=card_number(124)))

    assert not Notification.objects.filter(template="review.correction_back").exists()


def test_another_reviewer_may_still_claim_it_when_the_one_who_asked_is_away(sent_back, run, applicant, other_reviewer):
    app, _ = run(correct(sent_back(), applicant, card_number=card_number(124)))
    app = app_services.application_claim(application=app, by=other_reviewer)
    assert app.status == Status.IN_REVIEW and app.reviewer == other_reviewer


def test_when_the_reviewer_who_asked_no_longer_reviews_it_goes_to_the_queue(sent_back, run, applicant, reviewer):
    app = sent_back()
    reviewer.groups.remove(Group.objects.get(name=str(Role.REVIEWER)))
    app, assessment = run(correct(app, applicant, card_number=card_number(124)))
    assert assessment.route == Route.QUEUE and assessment.returned_to is None
    assert assessment.reasons[0]["code"] == "resubmitted_after_changes"
    assert app.status == Status.SUBMITTED


def test_a_correction_with_a_hard_mismatch_is_not_rejected_automatically(sent_back, run, applicant):
    """The identity now mismatches (a slip while correcting): a person decides, here a senior
    reviewer, since its score needs one and the reviewer who asked is not senior."""
    app, assessment = run(correct(sent_back(), applicant, id_number=id_number(901)))
    assert assessment.score >= 100
    assert app.status == Status.SUBMITTED and not app.rejection_reason
    assert assessment.route == Route.SENIOR and assessment.returned_to is None


def test_a_senior_reviewer_who_asked_gets_back_even_a_high_score(sent_back, run, applicant, reviewer):
    reviewer.groups.add(Group.objects.get_or_create(name=SENIOR_GROUP)[0])
    app, assessment = run(correct(sent_back(), applicant, id_number=id_number(901)))
    assert assessment.route == Route.RETURNED and assessment.returned_to == reviewer
    assert app.status == Status.SUBMITTED


def test_a_first_submission_is_still_decided_automatically(filled, run):
    app, assessment = run(filled())
    assert assessment.route == Route.AUTO_APPROVED and app.status == Status.APPROVED


@pytest.mark.parametrize(
    ("language", "reason", "route"),
    [
        ("en", "Corrected after a request for changes", "back to the reviewer who asked for the changes"),
        ("zh-hans", "申请人按要求修改后重新提交", "退回给要求修改的审核员"),
    ],
)
def test_the_panel_words_the_reason_and_the_route_for_the_reader(
    client, sent_back, run, applicant, reviewer, language, reason, route
):
    app, _ = run(correct(sent_back(), applicant, card_number=card_number(124)))
    client.force_login(reviewer)
    page = client.get(
        reverse("applications:review", args=[app.reference]), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    panel = page.split('data-testid="verification"')[1].split("</section>")[0]
    assert reason in panel and route in panel
    assert str(reviewer) in panel.split('data-testid="verification-returned-to"')[1]
    assert "resubmitted_after_changes" not in panel


def test_the_queue_has_a_tab_for_corrections_back_to_me(client, sent_back, run, applicant, reviewer):
    app, _ = run(correct(sent_back(), applicant, card_number=card_number(124)))
    client.force_login(reviewer)
    queue = reverse("applications:review_queue")
    assert app.reference not in client.get(queue).content.decode()
    page = client.get(queue + "?tab=returned").content.decode()
    assert "Back to me" in page and app.reference in page
