"""Every declared action on a support case (support/actions.py), through the generic view: allowed →
done, with the case's history; refused for the role, the state or a stale page → a clear message and
nothing changed. Parametrised from the declaration. (The service visit's steps: test_service_visit_actions.)"""

import pytest
from django.utils import timezone

from applications.choices import Status
from installations.models import Visit
from installations.selectors import free_slots
from notifications.models import Notification
from support.actions import CASE_ACTIONS
from support.models import CaseEvent, CaseStatus, SupportCase
from support.services import case_open, case_resolve
from terminals.models import RemoteCommand, Terminal

from .conftest import Counts, act_url, refusal_said


def _slot() -> str:
    """The first free slot offered for the case's merchant, in their preferred windows."""
    app = SupportCase.objects.latest("pk").application
    slot = next(s for s in free_slots(app, earliest=timezone.now()) if s.preferred)
    return timezone.localtime(slot.starts_at).isoformat()


CASE_ALLOWED = {
    "resend": lambda installer: {},
    "signin": lambda installer: {},
    "visit": lambda installer: {"installer": installer.pk, "starts_at": _slot()},
    "resolve": lambda installer: {"resolution": "终端已重新登记"},
}


@pytest.fixture
def a_case(application_in) -> SupportCase:
    live = application_in(Status.ACTIVE)
    return case_open(terminal=Terminal.objects.get(application=live), by=live.applicant, code="97")


def _counts(case: SupportCase) -> Counts:
    return Counts(
        status=lambda: SupportCase.objects.get(pk=case.pk).status,
        events=lambda: CaseEvent.objects.filter(case=case).count(),
        commands=lambda: RemoteCommand.objects.count(),
        visits=lambda: list(Visit.objects.values_list("status", flat=True)),
        outbox=lambda: Notification.objects.count(),
    )


def test_every_declared_case_action_is_driven_here():
    assert {a.name for a in CASE_ACTIONS.actions} == set(CASE_ALLOWED)


@pytest.mark.parametrize("name", CASE_ALLOWED)
def test_an_allowed_case_action_is_done_with_the_case_history(client, support, installer, a_case, name):
    counts = _counts(a_case)
    client.force_login(support)

    response = client.post(
        act_url("case", a_case.reference, name), {**CASE_ALLOWED[name](installer), "seen": a_case.status}
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    assert "events" in counts.changed()
    assert CaseEvent.objects.filter(case=a_case).latest("pk").by == support


@pytest.mark.parametrize("name", CASE_ALLOWED)
def test_a_case_action_on_a_resolved_case_is_refused_and_changes_nothing(client, support, installer, a_case, name):
    case_resolve(case=a_case, by=support, resolution="已解决")
    a_case.refresh_from_db()
    counts = _counts(a_case)
    client.force_login(support)

    response = client.post(
        act_url("case", a_case.reference, name), {**CASE_ALLOWED[name](installer), "seen": a_case.status}
    )

    assert response.status_code == 400
    assert "Resolved" in refusal_said(response)
    counts.assert_unchanged()


@pytest.mark.parametrize("name", CASE_ALLOWED)
def test_a_case_action_by_someone_not_in_support_is_a_404_and_changes_nothing(
    client, reviewer, installer, a_case, name
):
    counts = _counts(a_case)
    client.force_login(reviewer)

    response = client.post(
        act_url("case", a_case.reference, name), {**CASE_ALLOWED[name](installer), "seen": a_case.status}
    )

    assert response.status_code == 404
    counts.assert_unchanged()


@pytest.mark.parametrize("name", CASE_ALLOWED)
def test_a_stale_case_page_is_refused_with_what_changed(client, support, installer, a_case, name):
    counts = _counts(a_case)
    client.force_login(support)

    response = client.post(
        act_url("case", a_case.reference, name), {**CASE_ALLOWED[name](installer), "seen": CaseStatus.RESOLVED}
    )

    assert response.status_code == 409
    assert "changed" in refusal_said(response)
    counts.assert_unchanged()
