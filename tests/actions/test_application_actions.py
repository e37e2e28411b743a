"""Every declared action on an application (applications/actions.py), through the generic view:
allowed → done, with its history; refused for the role, the state or a stale page → a clear
message and nothing changed. Parametrised from the declaration: a new action without a line
in ALLOWED fails the first test."""

import pytest
from django.urls import reverse

from applications import services
from applications.choices import Status
from applications.models import ApplicationDocument, AuditEvent, ConsentRecord, MerchantApplication
from installations.samples import demo_png
from notifications.models import Notification
from tests.conftest import history_of

from .conftest import Counts, act_url, declared, refusal_said

KIND = "application"


def _tick(app, reviewer):
    services.application_save_checklist(
        application=app, by=reviewer, checks=dict.fromkeys(services.REVIEW_CHECKLIST, True)
    )


# action: (state it starts from, who acts, form data, set-up, a state it is refused in, who lacks the role)
ALLOWED = {
    "upload_document": (Status.DRAFT, "admin_user", lambda: {"kind": "storefront", "file": demo_png("shop")}, None, Status.ACTIVE, "support"),
    "record_consent": (Status.DRAFT, "admin_user", dict, None, Status.ACTIVE, "support"),
    "submit": (Status.DRAFT, "applicant", dict, None, Status.ACTIVE, "support"),
    "claim": (Status.SUBMITTED, "reviewer", dict, None, Status.ACTIVE, "support"),
    "release": (Status.IN_REVIEW, "reviewer", lambda: {"message": ""}, None, Status.SUBMITTED, "support"),
    "checklist": (Status.IN_REVIEW, "reviewer", lambda: dict.fromkeys(services.REVIEW_CHECKLIST, "on"), None, Status.SUBMITTED, "support"),
    "approve": (Status.IN_REVIEW, "reviewer", lambda: {"message": "欢迎"}, _tick, Status.SUBMITTED, "support"),
    "request_changes": (Status.IN_REVIEW, "reviewer", lambda: {"fields": ["storefront"], "message": "门头照太暗"}, None, Status.SUBMITTED, "support"),
    "reject": (Status.IN_REVIEW, "reviewer", lambda: {"reason": "risk", "message": "风险"}, None, Status.SUBMITTED, "support"),
    "withdraw": (Status.SUBMITTED, "applicant", lambda: {"message": ""}, None, Status.ACTIVE, "reviewer"),
    "suspend": (Status.ACTIVE, "support", lambda: {"message": "风控"}, None, Status.SUBMITTED, "reviewer_without_support"),
    "reinstate": (Status.SUSPENDED, "support", lambda: {"message": ""}, None, Status.ACTIVE, "reviewer_without_support"),
}  # fmt: skip


@pytest.fixture
def reviewer_without_support(installer):
    # Suspending is support's (or staff's): an installer holds neither role.
    return installer


def _counts(app: MerchantApplication) -> Counts:
    return Counts(
        status=lambda: MerchantApplication.objects.get(pk=app.pk).status,
        history=lambda: len(history_of(app)),
        outbox=lambda: Notification.objects.count(),
        audit=lambda: AuditEvent.objects.filter(application=app).count(),
        documents=lambda: ApplicationDocument.objects.filter(application=app).count(),
        consents=lambda: ConsentRecord.objects.filter(application=app).count(),
    )


def _make(application_in, state, name):
    # Consent and documents are recorded on a draft that has none yet.
    return application_in(state, filled=name not in ("record_consent", "upload_document"))


def test_every_declared_action_is_driven_here():
    assert set(declared(KIND)) >= set(ALLOWED)
    visit_actions = {a.name for a in __import__("installations.actions", fromlist=["VISIT_ACTIONS"]).VISIT_ACTIONS}
    assert set(declared(KIND)) - visit_actions == set(ALLOWED)


@pytest.mark.parametrize("name", ALLOWED)
def test_an_allowed_action_is_done_with_its_history(request, client, application_in, name):
    state, who, data, setup, _refused_in, _without = ALLOWED[name]
    person = request.getfixturevalue(who)
    app = _make(application_in, state, name)
    if setup:
        setup(app, request.getfixturevalue("reviewer"))
    counts = _counts(app)
    client.force_login(person)

    response = client.post(act_url(KIND, app.reference, name), {**data(), "seen": app.status})

    assert response.status_code == 302, response.content.decode()[:3000]
    changed = counts.changed()
    assert changed & {"history", "audit", "documents", "consents"}, f"{name} left no trace"
    if "history" in changed:
        assert history_of(app)[-1].by == person


@pytest.mark.parametrize("name", ALLOWED)
def test_an_action_from_a_state_it_does_not_leave_is_refused_and_changes_nothing(request, client, application_in, name):
    _state, who, data, _setup, refused_in, _without = ALLOWED[name]
    app = application_in(refused_in)
    counts = _counts(app)
    client.force_login(request.getfixturevalue(who))

    response = client.post(act_url(KIND, app.reference, name), {**data(), "seen": app.status})

    assert response.status_code in (400, 404, 409)
    if response.status_code != 404:
        assert refusal_said(response)
    counts.assert_unchanged()


@pytest.mark.parametrize("name", ALLOWED)
def test_a_person_without_the_role_is_refused_and_nothing_changes(request, client, application_in, name):
    state, _who, data, setup, _refused_in, without = ALLOWED[name]
    app = _make(application_in, state, name)
    if setup:
        setup(app, request.getfixturevalue("reviewer"))
    counts = _counts(app)
    client.force_login(request.getfixturevalue(without))

    response = client.post(act_url(KIND, app.reference, name), {**data(), "seen": app.status})

    assert response.status_code in (400, 404)
    if response.status_code == 400:
        assert refusal_said(response)
    counts.assert_unchanged()


@pytest.mark.parametrize("name", ALLOWED)
def test_a_stale_page_is_refused_with_what_changed_and_nothing_changes(request, client, application_in, name):
    state, who, data, setup, _refused_in, _without = ALLOWED[name]
    app = _make(application_in, state, name)
    if setup:
        setup(app, request.getfixturevalue("reviewer"))
    counts = _counts(app)
    shown = Status.WITHDRAWN if app.status != Status.WITHDRAWN else Status.DRAFT
    client.force_login(request.getfixturevalue(who))

    response = client.post(act_url(KIND, app.reference, name), {**data(), "seen": shown})

    assert response.status_code == 409
    assert "changed" in refusal_said(response)
    counts.assert_unchanged()


def test_an_action_that_does_not_exist_is_a_404(client, reviewer, application_in):
    app = application_in(Status.SUBMITTED)
    client.force_login(reviewer)
    assert client.post(act_url(KIND, app.reference, "launch_missiles"), {"seen": app.status}).status_code == 404
    assert client.post(reverse("core:act", args=["spaceship", app.reference, "claim"])).status_code == 404
    assert client.post(act_url(KIND, "PA-NOSUCH00", "claim")).status_code == 404
