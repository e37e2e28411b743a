"""One calendar: installation and service visits are booked by one service, offered by one
selector, and lock the same installer's row. Support's booking keeps to the installer's days and
hours, capacity, area and active flag, and to the merchant's preferred windows; a refusal says why
and saves nothing."""

from datetime import timedelta

import pytest
import time_machine

from applications.choices import Status
from core.choices import Province
from core.errors import ConditionsNotMet, Conflict
from installations import services
from installations.models import Visit, VisitPurpose, VisitStatus
from installations.selectors import free_slots
from notifications.models import Notification
from support.models import CaseEvent, CaseStatus, CaseVisit, SupportCase
from support.services import case_book_visit, case_open
from terminals.models import Terminal
from tests.visit_fixtures import at, give_profile


@pytest.fixture
def a_case(clock, application_in, beijing_installer) -> SupportCase:
    """A live terminal of Beijing showing 97, its merchant's preferred window weekday mornings."""
    live = application_in(Status.ACTIVE)
    return case_open(terminal=Terminal.objects.get(application=live), by=live.applicant, code="97")


class Nothing:
    """A refused booking leaves the calendar, the case, its history and the outbox as they were."""

    def __init__(self, case: SupportCase) -> None:
        self.case = case
        self.visits = list(Visit.objects.values_list("pk", "status"))
        self.links = CaseVisit.objects.count()
        self.events = CaseEvent.objects.filter(case=case).count()
        self.outbox = Notification.objects.count()
        self.status = SupportCase.objects.get(pk=case.pk).status

    def changed(self) -> None:
        assert list(Visit.objects.values_list("pk", "status")) == self.visits
        assert CaseVisit.objects.count() == self.links
        assert CaseEvent.objects.filter(case=self.case).count() == self.events
        assert Notification.objects.count() == self.outbox
        assert SupportCase.objects.get(pk=self.case.pk).status == self.status


def test_support_books_a_free_slot_in_the_merchants_window(a_case, support, beijing_installer):
    visit = case_book_visit(case=a_case, by=support, installer=beijing_installer, starts_at=at(9, 11))

    assert (visit.purpose, visit.terminal, visit.starts_at, visit.ends_at) == (
        VisitPurpose.SERVICE,
        a_case.terminal,
        at(9, 11),
        at(9, 13),
    )
    assert SupportCase.objects.get(pk=a_case.pk).status == CaseStatus.VISIT_BOOKED


def test_support_booking_outside_working_hours_is_refused_and_saves_nothing(a_case, support, beijing_installer):
    before = Nothing(a_case)
    for when in (at(9, 8), at(9, 10), at(12, 9)):  # before the day starts, off the slot grid, a Saturday
        with pytest.raises(ConditionsNotMet, match="does not start visits at that time"):
            case_book_visit(case=a_case, by=support, installer=beijing_installer, starts_at=when)
    before.changed()


def test_support_booking_beyond_the_days_capacity_is_refused_and_saves_nothing(
    a_case, support, beijing_installer, application_in, other_applicant
):
    # Three a day, whatever the purpose: two installations and one service visit fill Wednesday.
    for hour in (9, 11):
        app = application_in(Status.APPROVED, owner=other_applicant)
        services.installation_schedule(application=app, by=other_applicant, starts_at=at(9, hour))
    other_case = case_open(
        terminal=Terminal.objects.get(application=application_in(Status.ACTIVE, owner=other_applicant)),
        by=other_applicant,
        code="97",
    )
    case_book_visit(case=other_case, by=support, installer=beijing_installer, starts_at=at(9, 13), outside_windows=True)
    before = Nothing(a_case)

    with pytest.raises(ConditionsNotMet) as refused:
        case_book_visit(case=a_case, by=support, installer=beijing_installer, starts_at=at(9, 15), outside_windows=True)

    assert "already has 3 visits that day" in " ".join(refused.value.missing)
    before.changed()


def test_support_booking_outside_the_installers_area_is_refused_and_saves_nothing(
    a_case, support, beijing_installer, admin_user
):
    give_profile(beijing_installer, admin_user, areas=((Province.SHANGHAI, ""),))
    before = Nothing(a_case)

    with pytest.raises(ConditionsNotMet, match="does not serve"):
        case_book_visit(case=a_case, by=support, installer=beijing_installer, starts_at=at(9, 11))
    before.changed()


def test_support_booking_an_inactive_installer_is_refused_and_saves_nothing(
    a_case, support, beijing_installer, admin_user
):
    profile = give_profile(beijing_installer, admin_user)
    profile.is_active = False
    profile.save(update_fields=["is_active"])
    before = Nothing(a_case)

    with pytest.raises(ConditionsNotMet, match="takes no new visits"):
        case_book_visit(case=a_case, by=support, installer=beijing_installer, starts_at=at(9, 11))
    before.changed()


def test_support_booking_a_past_slot_is_refused_and_saves_nothing(a_case, support, beijing_installer, clock):
    before = Nothing(a_case)
    with pytest.raises(ConditionsNotMet, match="in the past"):
        case_book_visit(case=a_case, by=support, installer=beijing_installer, starts_at=at(7, 7))
    before.changed()


def test_support_keeps_to_the_merchants_windows_unless_the_merchant_agreed(a_case, support, beijing_installer):
    before = Nothing(a_case)
    with pytest.raises(ConditionsNotMet, match="outside the merchant's preferred time windows"):
        case_book_visit(case=a_case, by=support, installer=beijing_installer, starts_at=at(9, 13))
    before.changed()

    visit = case_book_visit(
        case=a_case, by=support, installer=beijing_installer, starts_at=at(9, 13), outside_windows=True
    )
    assert visit.starts_at == at(9, 13)


def test_a_service_visit_takes_the_slot_from_installations(
    a_case, support, beijing_installer, application_in, other_applicant, snapshot
):
    """The bug this calendar fixes: a service visit at 11:00 left 11:00 offered, and bookable, for an installation."""
    case_book_visit(case=a_case, by=support, installer=beijing_installer, starts_at=at(9, 11))
    approved = application_in(Status.APPROVED, owner=other_applicant)

    assert at(9, 11) not in [s.starts_at for s in free_slots(approved)]
    before = snapshot(approved)
    with pytest.raises(Conflict, match="no longer free"):
        services.installation_schedule(application=approved, by=other_applicant, starts_at=at(9, 11))
    before.assert_unchanged()
    assert Visit.objects.filter(installer=beijing_installer, starts_at=at(9, 11), status="booked").count() == 1


def test_an_installation_takes_the_slot_from_support(
    a_case, support, beijing_installer, application_in, other_applicant
):
    approved = application_in(Status.APPROVED, owner=other_applicant)
    services.installation_schedule(application=approved, by=other_applicant, starts_at=at(9, 11))
    before = Nothing(a_case)

    assert at(9, 11) not in [s.starts_at for s in free_slots(a_case.application, installer=beijing_installer)]
    with pytest.raises(Conflict, match="already booked"):
        case_book_visit(case=a_case, by=support, installer=beijing_installer, starts_at=at(9, 11))
    before.changed()


def test_the_free_slots_mark_the_merchants_preferred_windows(a_case):
    slots = {s.starts_at: s.preferred for s in free_slots(a_case.application, days=3)}
    assert slots[at(9, 9)] is True and slots[at(9, 11)] is True
    assert slots[at(9, 13)] is False and slots[at(9, 15)] is False


def test_staff_move_a_service_visit_and_both_sides_are_told(a_case, support, beijing_installer):
    visit = case_book_visit(case=a_case, by=support, installer=beijing_installer, starts_at=at(9, 11))
    outbox = Notification.objects.count()

    moved = services.visit_move(visit=visit, by=support, starts_at=at(10, 9))

    assert Visit.objects.get(pk=visit.pk).status == VisitStatus.CANCELLED
    assert (moved.starts_at, moved.purpose, moved.status) == (at(10, 9), VisitPurpose.SERVICE, VisitStatus.BOOKED)
    told = set(Notification.objects.order_by("pk")[outbox:].values_list("template", "recipient"))
    assert told == {("visit.moved_installer", beijing_installer.pk), ("visit.moved", a_case.application.applicant_id)}


def test_a_service_visit_is_reminded_a_day_before_like_an_installation(a_case, support, beijing_installer):
    from installations.reminders import remind_upcoming_visits

    visit = case_book_visit(case=a_case, by=support, installer=beijing_installer, starts_at=at(10, 9))

    with time_machine.travel(visit.starts_at - timedelta(hours=20), tick=False):
        assert remind_upcoming_visits() == 2
        assert remind_upcoming_visits() == 0  # once
    assert set(Notification.objects.filter(template__startswith="visit.reminder_service").values_list("template")) == {
        ("visit.reminder_service",),
        ("visit.reminder_service_installer",),
    }


def test_a_service_visit_has_an_ics_for_the_installer_and_the_merchant(a_case, support, beijing_installer, client):
    visit = case_book_visit(case=a_case, by=support, installer=beijing_installer, starts_at=at(10, 9))

    client.force_login(beijing_installer)
    mine = client.get(f"/installations/service-visits/{visit.pk}/visit.ics")
    client.force_login(a_case.application.applicant)
    theirs = client.get(f"/installations/my-visits/{visit.pk}/visit.ics")

    assert mine.status_code == theirs.status_code == 200
    from icalendar import Calendar

    event = Calendar.from_ical(mine.content).walk("VEVENT")[0]
    assert str(event["SUMMARY"]).startswith("Service visit") and event.decoded("DTSTART") == at(10, 9)
    assert "service visit" in str(Calendar.from_ical(theirs.content).walk("VEVENT")[0]["SUMMARY"])


def test_staff_book_move_and_reassign_from_the_same_free_slots(
    clock, client, admin_user, application_in, beijing_installer, other_installer, other_applicant
):
    from django.urls import reverse

    from tests.conftest import PASSWORD

    give_profile(other_installer, admin_user)
    approved = application_in(Status.APPROVED)
    client.login(username=admin_user.username, password=PASSWORD)
    url = lambda app, action: reverse("admin:applications_merchantapplication_act", args=[app.pk, action])  # noqa: E731

    page = client.get(url(approved, "schedule_installation")).content.decode()
    offered = [s.starts_at for s in free_slots(approved, earliest=at(7, 8))]
    assert "merchant&#x27;s preferred time" in page
    assert all(f'value="{s.isoformat()}"' in page for s in offered[:4])

    services.installation_schedule(application=approved, by=approved.applicant, starts_at=at(9, 9))
    busy = application_in(Status.APPROVED, owner=other_applicant)
    services.installation_schedule(application=busy, by=admin_user, starts_at=at(9, 9), installer=other_installer)
    approved.refresh_from_db()
    page = client.get(url(approved, "reassign")).content.decode()
    assert f'value="{other_installer.pk}"' not in page  # busy then: not offered
    assert f'value="{at(9, 9).isoformat()}"' in client.get(url(approved, "reschedule")).content.decode()
