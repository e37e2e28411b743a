import pytest
from django.urls import reverse

from applications import services
from applications.choices import Status
from applications.models import AuditEvent, MerchantApplication, ReviewNote
from notifications.models import Notification


def url(name: str, app: MerchantApplication) -> str:
    return reverse(f"applications:review_{name}" if name else "applications:review", args=[app.reference])


def tick_checklist(app: MerchantApplication, by) -> None:
    services.application_save_checklist(application=app, by=by, checks=dict.fromkeys(services.REVIEW_CHECKLIST, True))


def in_app(app: MerchantApplication, template: str) -> bool:
    return Notification.objects.filter(recipient=app.applicant, channel="in_app", template=template).exists()


# --- Claim and release -------------------------------------------------------------------


def test_a_reviewer_claims_an_application_and_lands_on_it(reviewer_client, reviewer, application_in):
    app = application_in(Status.SUBMITTED)
    response = reviewer_client.post(url("claim", app), {"seen": "submitted"})
    assert response.status_code == 302 and response["Location"] == url("", app)
    app.refresh_from_db()
    assert app.status == Status.IN_REVIEW and app.reviewer == reviewer


def test_a_claim_of_an_application_someone_took_meanwhile_says_who_holds_it(
    client, reviewer, other_reviewer, application_in, snapshot
):
    app = application_in(Status.SUBMITTED)
    services.application_claim(application=app, by=reviewer)
    before = snapshot(app)
    client.force_login(other_reviewer)
    response = client.post(url("claim", app), {"seen": "submitted"})
    assert response.status_code == 409
    assert f"{reviewer} is reviewing it now" in response.context["error"]
    before.assert_unchanged()


def test_the_holder_releases_it_back_to_the_queue(reviewer_client, application_in):
    app = application_in(Status.IN_REVIEW)
    response = reviewer_client.post(url("release", app), {"seen": "in_review"})
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == Status.SUBMITTED and app.reviewer is None


def test_another_reviewer_cannot_release_it(client, reviewer, other_reviewer, application_in, snapshot):
    app = application_in(Status.IN_REVIEW)
    before = snapshot(app)
    client.force_login(other_reviewer)
    response = client.post(url("release", app), {"seen": "in_review"})
    assert response.status_code == 400
    assert f"Only {reviewer}, who holds application {app.reference}" in response.context["error"]
    before.assert_unchanged()


# --- Decisions ------------------------------------------------------------------------------


def test_the_holder_approves_once_the_checklist_is_ticked(reviewer_client, reviewer, application_in):
    app = application_in(Status.IN_REVIEW)
    tick_checklist(app, reviewer)
    response = reviewer_client.post(url("approve", app), {"seen": "in_review", "message": "欢迎！"})
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == Status.APPROVED and app.merchant_id and app.decision_message == "欢迎！"
    assert in_app(app, "application.approved")


def test_approval_is_refused_until_the_checklist_is_ticked(reviewer_client, application_in, snapshot):
    app = application_in(Status.IN_REVIEW)
    before = snapshot(app)
    response = reviewer_client.post(url("approve", app), {"seen": "in_review", "message": "ok"})
    assert response.status_code == 400
    assert "Tick the checklist before you approve" in response.context["error"]
    assert "The ID card matches the legal name" in response.context["error"]
    before.assert_unchanged()


def test_the_holder_rejects_with_a_reason_and_a_message(reviewer_client, application_in):
    app = application_in(Status.IN_REVIEW)
    response = reviewer_client.post(
        url("reject", app), {"seen": "in_review", "reason": "risk", "message": "无法核实经营场所。"}
    )
    assert response.status_code == 302
    app.refresh_from_db()
    assert (app.status, app.rejection_reason, app.decision_message) == ("rejected", "risk", "无法核实经营场所。")
    assert in_app(app, "application.rejected")


@pytest.mark.parametrize(
    ("data", "field"),
    [({"reason": "", "message": "不行"}, "reason"), ({"reason": "risk", "message": "  "}, "message")],
)
def test_a_rejection_without_a_reason_or_message_is_refused_with_what_was_typed(
    reviewer_client, application_in, snapshot, data, field
):
    app = application_in(Status.IN_REVIEW)
    before = snapshot(app)
    response = reviewer_client.post(url("reject", app), {"seen": "in_review", **data})
    assert response.status_code == 400
    form = response.context["reject_form"]
    assert field in form.errors
    if data["message"].strip():
        assert data["message"] in response.content.decode()  # re-rendered with the text typed
    before.assert_unchanged()


def test_the_holder_requests_changes_naming_fields_and_documents(reviewer_client, application_in):
    app = application_in(Status.IN_REVIEW)
    response = reviewer_client.post(
        url("request_changes", app),
        {"seen": "in_review", "fields": ["storefront", "bank_branch"], "message": "请补充。"},
    )
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == Status.CHANGES_REQUESTED
    assert app.changes_requested_fields == ["storefront", "bank_branch"]
    assert app.decision_message == "请补充。"
    assert in_app(app, "application.changes_requested")


def test_a_change_request_naming_nothing_to_fix_is_refused(reviewer_client, application_in, snapshot):
    app = application_in(Status.IN_REVIEW)
    before = snapshot(app)
    response = reviewer_client.post(url("request_changes", app), {"seen": "in_review", "message": "请补充"})
    assert response.status_code == 400
    assert "fields" in response.context["changes_form"].errors
    before.assert_unchanged()


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("approve", {"message": ""}),
        ("reject", {"reason": "risk", "message": "不行"}),
        ("request_changes", {"fields": ["storefront"], "message": "请补充"}),
    ],
)
def test_a_reviewer_cannot_decide_an_application_someone_else_holds(
    client, reviewer, other_reviewer, application_in, snapshot, action, data
):
    app = application_in(Status.IN_REVIEW)
    tick_checklist(app, reviewer)
    before = snapshot(app)
    client.force_login(other_reviewer)
    response = client.post(url(action, app), {"seen": "in_review", **data})
    assert response.status_code == 400
    assert f"Only {reviewer}, who holds application {app.reference}" in response.context["error"]
    before.assert_unchanged()


def test_a_decision_on_an_application_that_changed_since_the_page_was_loaded_is_refused(
    reviewer_client, reviewer, application_in, snapshot
):
    app = application_in(Status.IN_REVIEW)
    # The same reviewer, in another tab, sent it back to the applicant who fixed and resubmitted it.
    services.application_request_changes(application=app, by=reviewer, fields=["storefront"], message="x")
    app.refresh_from_db()
    before = snapshot(app)
    response = reviewer_client.post(url("reject", app), {"seen": "in_review", "reason": "risk", "message": "不行"})
    assert response.status_code == 409
    assert "changed meanwhile" in response.context["error"] and "Changes requested" in response.context["error"]
    # Shown again with the new status, and with what was typed.
    assert 'name="seen" value="changes_requested"' in response.content.decode()
    assert response.context["reject_form"]["message"].value() == "不行"
    before.assert_unchanged()


@pytest.mark.parametrize("who", ["applicant", "installer"])
@pytest.mark.parametrize("action", ["claim", "release", "approve", "reject", "request_changes", "checklist", "note"])
def test_other_roles_get_404_for_every_action(client, request, application_in, snapshot, who, action):
    app = application_in(Status.IN_REVIEW)
    before = snapshot(app)
    client.force_login(request.getfixturevalue(who))
    response = client.post(url(action, app), {"seen": "in_review", "reason": "risk", "message": "x", "text": "x"})
    assert response.status_code == 404
    before.assert_unchanged()


def test_actions_answer_only_to_post(reviewer_client, application_in):
    app = application_in(Status.SUBMITTED)
    assert reviewer_client.get(url("claim", app)).status_code == 405


# --- Checklist and notes ------------------------------------------------------------------------


def test_the_holder_saves_the_checklist(reviewer_client, reviewer, application_in):
    app = application_in(Status.IN_REVIEW)
    response = reviewer_client.post(
        url("checklist", app), {"seen": "in_review", "id_matches_name": "on", "licence_readable": "on"}
    )
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.review_checklist["id_matches_name"] is True
    assert app.review_checklist["account_holder_matches"] is False
    assert app.review_checklist["by"] == reviewer.pk
    assert AuditEvent.objects.filter(application=app, action="review.checklist").exists()


def test_a_reviewer_who_does_not_hold_it_cannot_tick_the_checklist(client, other_reviewer, application_in):
    app = application_in(Status.IN_REVIEW)
    client.force_login(other_reviewer)
    response = client.post(url("checklist", app), {"seen": "in_review", "id_matches_name": "on"})
    assert response.status_code == 400
    app.refresh_from_db()
    assert app.review_checklist == {}


def test_any_reviewer_adds_an_internal_note(client, other_reviewer, application_in):
    app = application_in(Status.IN_REVIEW)
    client.force_login(other_reviewer)
    response = client.post(url("note", app), {"text": "与 PA-XXXX 同一门店？"})
    assert response.status_code == 302
    assert ReviewNote.objects.get(application=app).author == other_reviewer
    assert "与 PA-XXXX 同一门店？" in client.get(url("", app)).content.decode()


def test_an_empty_note_is_refused(reviewer_client, application_in):
    app = application_in(Status.IN_REVIEW)
    response = reviewer_client.post(url("note", app), {"text": "   "})
    assert response.status_code == 400
    assert not ReviewNote.objects.exists()


def test_a_decision_without_the_status_the_page_showed_is_refused(reviewer_client, application_in, snapshot):
    app = application_in(Status.IN_REVIEW)
    before = snapshot(app)
    response = reviewer_client.post(url("reject", app), {"seen": "nonsense", "reason": "risk", "message": "x"})
    assert response.status_code == 409
    assert "changed meanwhile" in response.context["error"]
    before.assert_unchanged()
