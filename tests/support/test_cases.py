"""Support cases: opened by the merchant with the evidence; resolved remotely or by a visit."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import ConditionsNotMet, Conflict, InvalidState, RoleRefused
from installations.models import Visit, VisitStatus
from installations.samples import ensure_installer_covers
from installations.selectors import free_slots
from installations.services import visit_check_in, visit_complete, visit_record_work
from notifications.models import Notification
from support.checks import CheckResult
from support.models import CaseEvent, CaseStatus, SupportCase
from support.services import (
    case_book_visit,
    case_open,
    case_request_signin,
    case_resend_configuration,
    case_resolve,
)
from terminals.models import RemoteCommand

from .conftest import config_of, register_at_host


def _open(terminal, **kw) -> SupportCase:
    return case_open(terminal=terminal, by=terminal.application.applicant, **{"code": "97", **kw})


class CaseState:
    def __init__(self, case: SupportCase | None = None) -> None:
        self.case = case
        self.cases = SupportCase.objects.count()
        self.events = CaseEvent.objects.count()
        self.commands = RemoteCommand.objects.count()
        self.visits = Visit.objects.filter(status="booked").count()
        self.outbox = Notification.objects.count()
        self.status = SupportCase.objects.get(pk=case.pk).status if case else None

    def assert_unchanged(self) -> None:
        assert SupportCase.objects.count() == self.cases
        assert CaseEvent.objects.count() == self.events
        assert RemoteCommand.objects.count() == self.commands
        assert Visit.objects.filter(status="booked").count() == self.visits
        assert Notification.objects.count() == self.outbox
        if self.case:
            assert SupportCase.objects.get(pk=self.case.pk).status == self.status


def _soon(hours: int = 26):
    return (timezone.now() + timedelta(hours=hours)).replace(minute=0, second=0, microsecond=0)


def _slot(terminal, installer=None, nth: int = 0):
    """The nth free slot of the one calendar in the merchant's preferred windows (what support is offered)."""
    slots = [s for s in free_slots(terminal.application, earliest=timezone.now(), installer=installer) if s.preferred]
    return slots[nth].starts_at


def installer_service_visits(installer):
    return list(Visit.objects.filter(installer=installer, purpose="service", status=VisitStatus.BOOKED))


# --- Opening -------------------------------------------------------------------------------------


def test_a_case_holds_the_terminal_the_code_the_checks_and_the_answers(acquirer, live_terminal, support):
    acquirer.register_merchant(config_of(live_terminal)["mid"])  # the terminal itself is not registered

    case = _open(live_terminal, answers={"tried": ["重新签到"], "note": "早上开始的"})

    assert case.terminal == live_terminal
    assert case.application == live_terminal.application
    assert case.code == "97"
    assert case.answers == {"tried": ["重新签到"], "note": "早上开始的"}
    registration = next(c for c in case.checks if c["key"] == "registration")
    assert registration["status"] == "problem"
    assert "is not registered at the acquirer host" in CheckResult.stored(registration).message
    assert [c["key"] for c in case.checks] == ["registration", "contact", "configuration", "incident", "customer_side"]
    assert case.status == CaseStatus.OPEN
    assert Notification.objects.filter(template="support.case_new", recipient=support).exists()
    assert Notification.objects.filter(
        template="support.case_opened", recipient=live_terminal.application.applicant
    ).exists()


def test_a_case_can_be_opened_for_a_symptom(live_terminal):
    case = _open(live_terminal, code="", symptom="printer")

    assert (case.code, case.symptom) == ("", "printer")


@pytest.mark.parametrize(
    "kw,error",
    [
        ({"code": "", "symptom": ""}, ConditionsNotMet),
        ({"code": "ZZ"}, ConditionsNotMet),
        ({"code": "", "symptom": "smoke"}, ConditionsNotMet),
    ],
    ids=["nothing", "unknown-code", "unknown-symptom"],
)
def test_a_case_without_a_known_code_or_symptom_is_refused(live_terminal, kw, error):
    before = CaseState()
    with pytest.raises(error):
        _open(live_terminal, **kw)
    before.assert_unchanged()


def test_another_merchant_cannot_open_a_case_on_the_terminal(live_terminal, other_applicant):
    before = CaseState()
    with pytest.raises(RoleRefused):
        case_open(terminal=live_terminal, by=other_applicant, code="97")
    before.assert_unchanged()


def test_a_second_open_case_on_the_same_terminal_is_refused(live_terminal):
    _open(live_terminal)
    before = CaseState()

    with pytest.raises(Conflict):
        _open(live_terminal, code="A0")
    before.assert_unchanged()


# --- Remote resolution -------------------------------------------------------------------------


def test_resending_the_configuration_reaches_the_terminal_with_its_next_report(live_terminal, device_for, support):
    device = device_for(live_terminal)
    case = _open(live_terminal)

    command = case_resend_configuration(case=case, by=support)

    assert command.payload == config_of(live_terminal)
    case.refresh_from_db()
    assert case.status == CaseStatus.REMOTE_ACTION
    answer = device.report("heartbeat").json()
    assert answer["commands"] == [{"id": command.pk, "kind": "resend_configuration", "payload": command.payload}]
    assert device.report("heartbeat").json()["commands"] == []  # handed over once


def test_asking_for_a_new_signin_reaches_the_terminal(live_terminal, device_for, support):
    device = device_for(live_terminal)
    case = _open(live_terminal)

    case_request_signin(case=case, by=support)

    assert [c["kind"] for c in device.report("heartbeat").json()["commands"]] == ["sign_in"]
    assert Notification.objects.filter(template="support.remote_action").exists()


@pytest.mark.parametrize("who", ["applicant", "installer", "reviewer"])
def test_only_support_acts_on_a_case(live_terminal, request, who):
    case = _open(live_terminal)
    person = live_terminal.application.applicant if who == "applicant" else request.getfixturevalue(who)
    before = CaseState(case)

    for action in (case_resend_configuration, case_request_signin):
        with pytest.raises(RoleRefused):
            action(case=case, by=person)
    with pytest.raises(RoleRefused):
        case_resolve(case=case, by=person, resolution="x")
    before.assert_unchanged()


# --- Service visit ---------------------------------------------------------------------------------


def test_a_booked_visit_appears_in_my_visits(live_terminal, support, installer, client):
    case = _open(live_terminal)

    visit = case_book_visit(case=case, by=support, installer=installer, starts_at=_slot(live_terminal))

    case.refresh_from_db()
    assert case.status == CaseStatus.VISIT_BOOKED
    assert visit.purpose == "service" and visit.terminal == live_terminal
    assert case.visit_links.get().visit == visit
    assert installer_service_visits(installer) == [visit]
    assert Notification.objects.filter(template="support.visit_assigned", recipient=installer).exists()
    assert Notification.objects.filter(
        template="support.visit_booked", recipient=live_terminal.application.applicant
    ).exists()
    client.force_login(installer)
    page = client.get("/installations/visits/").content.decode()
    assert "Service" in page
    assert live_terminal.serial_number in page


def test_a_visit_needs_an_installer_and_a_future_time(live_terminal, support, reviewer, installer):
    case = _open(live_terminal)
    before = CaseState(case)

    with pytest.raises(ConditionsNotMet) as refused:
        case_book_visit(case=case, by=support, installer=installer, starts_at=timezone.now() - timedelta(hours=1))
    assert "in the past" in str(refused.value)
    with pytest.raises(ConditionsNotMet, match="is not an installer"):
        case_book_visit(case=case, by=support, installer=reviewer, starts_at=_slot(live_terminal))
    before.assert_unchanged()


def test_an_installer_already_busy_is_refused(live_terminal_for, support, installer):
    first_terminal, second_terminal = live_terminal_for(), live_terminal_for()
    first, second = _open(first_terminal), _open(second_terminal)
    when = _slot(first_terminal, installer)
    case_book_visit(case=first, by=support, installer=installer, starts_at=when)
    before = CaseState(second)

    with pytest.raises(Conflict):
        case_book_visit(case=second, by=support, installer=installer, starts_at=when)
    before.assert_unchanged()


def test_an_installation_visit_at_the_same_time_also_makes_the_installer_busy(live_terminal, support, installer):
    when = _slot(live_terminal, installer)
    Visit.objects.create(
        application=live_terminal.application,
        installer=installer,
        starts_at=when,
        ends_at=when + timedelta(hours=2),
        created_by=support,
    )
    case = _open(live_terminal)
    before = CaseState(case)

    with pytest.raises(Conflict):
        case_book_visit(case=case, by=support, installer=installer, starts_at=when)
    before.assert_unchanged()


def test_rebooking_replaces_the_earlier_visit(live_terminal, support, installer, other_installer, reviewer):
    ensure_installer_covers(other_installer, live_terminal.application, reviewer)
    case = _open(live_terminal)
    case_book_visit(case=case, by=support, installer=installer, starts_at=_slot(live_terminal))
    case.refresh_from_db()

    case_book_visit(case=case, by=support, installer=other_installer, starts_at=_slot(live_terminal, nth=3))

    assert installer_service_visits(installer) == []
    assert len(installer_service_visits(other_installer)) == 1
    assert Notification.objects.filter(recipient=installer, template="support.visit_cancelled").exists()


def test_the_installer_completes_the_visit_and_the_case_moves_on(live_terminal, support, installer, other_installer):
    case = _open(live_terminal)
    visit = case_book_visit(case=case, by=support, installer=installer, starts_at=_slot(live_terminal))
    Visit.objects.filter(pk=visit.pk).update(starts_at=timezone.now(), ends_at=timezone.now() + timedelta(hours=2))

    with pytest.raises(RoleRefused):
        visit_check_in(visit=visit, by=other_installer)
    visit_check_in(visit=visit, by=installer)
    visit_record_work(visit=visit, by=installer, notes="重新登记了终端")
    visit_complete(visit=visit, by=installer)

    case.refresh_from_db()
    assert case.status == CaseStatus.VISIT_DONE
    assert installer_service_visits(installer) == []
    assert Notification.objects.filter(recipient=support, template="support.visit_done").exists()
    assert Notification.objects.filter(
        recipient=live_terminal.application.applicant, template="support.visit_done_merchant"
    ).exists()
    with pytest.raises(InvalidState):
        visit_complete(visit=visit, by=installer)


# --- Resolution ---------------------------------------------------------------------------------


def test_resolving_needs_a_resolution_and_tells_the_merchant(live_terminal, support):
    case = _open(live_terminal)
    before = CaseState(case)
    with pytest.raises(ConditionsNotMet):
        case_resolve(case=case, by=support, resolution="  ")
    before.assert_unchanged()

    case = case_resolve(case=case, by=support, resolution="已在收单主机登记终端。")

    assert case.status == CaseStatus.RESOLVED
    assert Notification.objects.filter(template="support.case_resolved").exists()


def test_nothing_more_happens_on_a_resolved_case(live_terminal, support, installer):
    case = case_resolve(case=_open(live_terminal), by=support, resolution="ok")
    before = CaseState(case)

    with pytest.raises(InvalidState):
        case_request_signin(case=case, by=support)
    with pytest.raises(InvalidState):
        case_book_visit(case=case, by=support, installer=installer, starts_at=_slot(live_terminal))
    before.assert_unchanged()


def test_acting_on_a_case_changed_meanwhile_is_a_conflict(live_terminal, support):
    case = _open(live_terminal)
    stale = SupportCase.objects.get(pk=case.pk)
    case_request_signin(case=case, by=support)
    before = CaseState(SupportCase.objects.get(pk=case.pk))

    with pytest.raises(Conflict):
        case_resolve(case=stale, by=support, resolution="done")
    before.assert_unchanged()


def test_a_fixed_registration_shows_in_the_checks_of_the_next_case(acquirer, live_terminal, support):
    register_at_host(acquirer, live_terminal)
    case = _open(live_terminal, code="51")

    registration = next(c for c in case.checks if c["key"] == "registration")
    assert registration["status"] == "ok"


def test_a_visit_moved_with_the_same_installer_is_not_refused_as_busy(live_terminal, support, installer):
    case = _open(live_terminal)
    first = case_book_visit(case=case, by=support, installer=installer, starts_at=_slot(live_terminal))
    case.refresh_from_db()

    moved = case_book_visit(case=case, by=support, installer=installer, starts_at=_slot(live_terminal, nth=1))

    assert moved.starts_at != first.starts_at
    assert [v.pk for v in installer_service_visits(installer)] == [moved.pk]


def test_resolving_a_case_cancels_its_visit_tells_the_installer_and_drops_waiting_orders(
    live_terminal, support, installer
):
    case = _open(live_terminal)
    visit = case_book_visit(case=case, by=support, installer=installer, starts_at=_slot(live_terminal))
    case.refresh_from_db()
    case_request_signin(case=case, by=support)
    case.refresh_from_db()

    case_resolve(case=case, by=support, resolution="fixed remotely")

    assert Visit.objects.get(pk=visit.pk).status == VisitStatus.CANCELLED
    assert Notification.objects.filter(recipient=installer, template="support.visit_cancelled").exists()
    assert not RemoteCommand.objects.filter(about_kind="case", about_id=case.pk, delivered_at__isnull=True).exists()
    assert installer_service_visits(installer) == []
