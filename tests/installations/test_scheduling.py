"""Booking a visit: the applicant picks a free slot, the least busy installer of the area gets it."""

import threading

import pytest
from django.db import connection

from applications.choices import Status
from core.errors import ConditionsNotMet, Conflict, RoleRefused
from installations import services
from installations.models import Visit, VisitStatus
from notifications.models import Notification
from tests.conftest import needs_postgres
from tests.visit_fixtures import at, give_profile


def test_the_applicant_books_a_free_slot(approved, beijing_installer):
    outbox = Notification.objects.count()
    visit = services.installation_schedule(application=approved, by=approved.applicant, starts_at=at(8, 11))
    approved.refresh_from_db()
    assert approved.status == Status.INSTALLATION_SCHEDULED
    assert visit.installer == beijing_installer
    assert (visit.starts_at, visit.ends_at) == (at(8, 11), at(8, 13))
    assert set(Notification.objects.order_by("pk")[outbox:].values_list("template", flat=True)) == {
        "installation.scheduled",
        "installation.assigned",
    }


def test_the_least_busy_installer_of_the_area_gets_the_visit(
    approved, beijing_installer, other_installer, admin_user, application_in, other_applicant
):
    give_profile(other_installer, admin_user)
    busy = application_in(Status.APPROVED, owner=other_applicant)
    services.installation_schedule(application=busy, by=admin_user, starts_at=at(9, 9), installer=beijing_installer)
    visit = services.installation_schedule(application=approved, by=approved.applicant, starts_at=at(8, 9))
    assert visit.installer == other_installer


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (at(7, 7), "is in the past"),
        (at(8, 7), "does not start visits at that time"),  # before the working day
        (at(8, 10), "does not start visits at that time"),  # not a slot start
        (at(12, 9), "does not start visits at that time"),  # Saturday
        (at(7, 15), "at least 24 hours ahead"),
        (at(28, 9), "at most 14 days ahead"),
    ],
)
def test_it_refuses_a_slot_that_is_not_offered(approved, snapshot, when, expected):
    before = snapshot(approved)
    with pytest.raises((ConditionsNotMet, Conflict)) as refusal:
        services.installation_schedule(application=approved, by=approved.applicant, starts_at=when)
    assert "Visit time" in str(refusal.value) or expected in str(refusal.value)
    if expected != "does not start visits at that time":
        assert expected in str(refusal.value)
    before.assert_unchanged()
    assert not Visit.objects.exists()


def test_staff_choosing_the_installer_hear_why_it_cannot_be_booked(approved, admin_user, beijing_installer, snapshot):
    before = snapshot(approved)
    with pytest.raises(ConditionsNotMet) as refusal:
        services.installation_schedule(
            application=approved, by=admin_user, starts_at=at(12, 9), installer=beijing_installer
        )
    assert "does not start visits at that time" in str(refusal.value)
    assert "Mon Tue Wed Thu Fri 09:00–17:00" in str(refusal.value)
    before.assert_unchanged()


def test_it_refuses_a_booked_slot(approved, application_in, other_applicant, snapshot):
    other = application_in(Status.APPROVED, owner=other_applicant)
    services.installation_schedule(application=other, by=other_applicant, starts_at=at(8, 9))
    before = snapshot(approved)
    with pytest.raises(Conflict) as refusal:
        services.installation_schedule(application=approved, by=approved.applicant, starts_at=at(8, 9))
    assert "is no longer free" in str(refusal.value)
    before.assert_unchanged()
    assert Visit.objects.count() == 1


def test_an_installer_outside_the_area_cannot_be_chosen(approved, admin_user, other_installer, snapshot):
    give_profile(other_installer, admin_user, areas=[("31", "")])
    before = snapshot(approved)
    with pytest.raises(ConditionsNotMet, match="does not serve Beijing"):
        services.installation_schedule(
            application=approved, by=admin_user, starts_at=at(8, 9), installer=other_installer
        )
    before.assert_unchanged()


def test_the_applicant_cannot_choose_the_installer_when_moving(clock, application_in, beijing_installer, snapshot):
    app = application_in(Status.INSTALLATION_SCHEDULED)
    before = snapshot(app)
    with pytest.raises(RoleRefused):
        services.installation_reschedule(
            application=app, by=app.applicant, starts_at=at(9, 9), installer=beijing_installer
        )
    before.assert_unchanged()


def test_someone_else_cannot_book_the_applicants_visit(approved, other_applicant, snapshot):
    before = snapshot(approved)
    with pytest.raises(RoleRefused):
        services.installation_schedule(application=approved, by=other_applicant, starts_at=at(8, 9))
    before.assert_unchanged()


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_two_bookings_of_the_same_slot_at_the_same_instant_one_wins(
    clock, application_in, beijing_installer, other_applicant
):
    apps = [application_in(Status.APPROVED), application_in(Status.APPROVED, owner=other_applicant)]
    barrier = threading.Barrier(2)
    outcomes: list[object] = [None, None]

    def book(i: int) -> None:
        try:
            barrier.wait()
            outcomes[i] = services.installation_schedule(application=apps[i], by=apps[i].applicant, starts_at=at(8, 9))
        except Exception as exc:
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    won = [o for o in outcomes if isinstance(o, Visit)]
    lost = [o for o in outcomes if isinstance(o, Conflict)]
    assert (len(won), len(lost)) == (1, 1), outcomes
    assert Visit.objects.filter(status=VisitStatus.BOOKED).count() == 1
    statuses = sorted(a.status for a in type(apps[0]).objects.filter(pk__in=[a.pk for a in apps]))
    assert statuses == [Status.APPROVED, Status.INSTALLATION_SCHEDULED]


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_two_bookings_of_the_last_visit_of_a_day_at_the_same_instant_one_wins(
    clock, application_in, beijing_installer, other_applicant, applicant
):
    # Three a day: two booked, then two requests race for the third (different slots).
    for hour in (9, 11):
        services.installation_schedule(application=application_in(Status.APPROVED), by=applicant, starts_at=at(8, hour))
    apps = [application_in(Status.APPROVED), application_in(Status.APPROVED, owner=other_applicant)]
    barrier = threading.Barrier(2)
    outcomes: list[object] = [None, None]

    def book(i: int, hour: int) -> None:
        try:
            barrier.wait()
            outcomes[i] = services.installation_schedule(
                application=apps[i], by=apps[i].applicant, starts_at=at(8, hour)
            )
        except Exception as exc:
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(0, 13)), threading.Thread(target=book, args=(1, 15))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sum(isinstance(o, Visit) for o in outcomes) == 1, outcomes
    assert Visit.objects.filter(status=VisitStatus.BOOKED).count() == 3
