"""Every declared action on a support case and a service visit (support/actions.py), through the
generic view: allowed → done, with the case's history; refused for the role, the state or a stale
page → a clear message and nothing changed. Parametrised from the declaration."""

from datetime import timedelta

import pytest
from django.utils import timezone

from applications.choices import Status
from notifications.models import Notification
from support.actions import CASE_ACTIONS, VISIT_ACTIONS
from support.models import CaseEvent, CaseStatus, ServiceVisit, SupportCase, VisitStatus
from support.services import case_book_visit, case_open, case_resolve
from terminals.models import RemoteCommand, Terminal

from .conftest import Counts, act_url, refusal_said


def _soon() -> str:
    return timezone.localtime(timezone.now() + timedelta(hours=26)).strftime("%Y-%m-%dT%H:00")


CASE_ALLOWED = {
    "resend": lambda installer: {},
    "signin": lambda installer: {},
    "visit": lambda installer: {"installer": installer.pk, "starts_at": _soon()},
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
        visits=lambda: list(ServiceVisit.objects.values_list("status", flat=True)),
        outbox=lambda: Notification.objects.count(),
    )


def test_every_declared_case_action_is_driven_here():
    assert {a.name for a in CASE_ACTIONS.actions} == set(CASE_ALLOWED)
    assert {a.name for a in VISIT_ACTIONS.actions} == {"done"}


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


@pytest.fixture
def booked(a_case, support, installer) -> ServiceVisit:
    starts = (timezone.now() + timedelta(hours=26)).replace(minute=0, second=0, microsecond=0)
    return case_book_visit(case=a_case, by=support, installer=installer, starts_at=starts)


def test_the_installer_marks_their_service_visit_done(client, installer, booked):
    counts = _counts(booked.case)
    client.force_login(installer)

    response = client.post(act_url("service_visit", str(booked.pk), "done"), {"seen": VisitStatus.BOOKED})

    assert response.status_code == 302
    booked.refresh_from_db()
    assert booked.status == VisitStatus.DONE
    assert {"visits", "events"} & counts.changed()


def test_a_done_visit_cannot_be_done_again_nor_from_a_stale_page(client, installer, booked):
    client.force_login(installer)
    client.post(act_url("service_visit", str(booked.pk), "done"), {"seen": VisitStatus.BOOKED})
    counts = _counts(booked.case)

    again = client.post(act_url("service_visit", str(booked.pk), "done"), {"seen": VisitStatus.DONE})
    stale = client.post(act_url("service_visit", str(booked.pk), "done"), {"seen": VisitStatus.BOOKED})

    assert again.status_code == 400 and refusal_said(again)
    assert stale.status_code == 409 and "changed" in refusal_said(stale)
    counts.assert_unchanged()


def test_someone_else_s_service_visit_is_a_404(client, other_installer, support, booked):
    counts = _counts(booked.case)
    for person in (other_installer, support):
        client.force_login(person)
        assert client.post(act_url("service_visit", str(booked.pk), "done"), {"seen": "booked"}).status_code == 404
    assert client.post(act_url("service_visit", "abc", "done")).status_code == 404
    counts.assert_unchanged()
