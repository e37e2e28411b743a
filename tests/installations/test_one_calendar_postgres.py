"""The one calendar on PostgreSQL: an installation booking and a service booking of the same installer,
slot and instant → exactly one wins, the other is told and nothing of it is saved."""

import pytest

from applications.choices import Status
from core.errors import Conflict
from installations import services
from installations.models import Visit, VisitStatus
from support.models import CaseStatus, SupportCase
from support.services import case_book_visit, case_open
from terminals.models import Terminal
from tests.conftest import needs_postgres
from tests.test_concurrency_postgres import race
from tests.visit_fixtures import at

pytestmark = [needs_postgres(), pytest.mark.django_db(transaction=True)]


def test_an_installation_and_a_service_booking_of_the_same_slot_at_once_one_wins(
    clock, application_in, beijing_installer, support, other_applicant
):
    live = application_in(Status.ACTIVE)
    case = case_open(terminal=Terminal.objects.get(application=live), by=live.applicant, code="97")
    approved = application_in(Status.APPROVED, owner=other_applicant)
    case_copy = SupportCase.objects.get(pk=case.pk)

    results = race(
        [
            lambda: services.installation_schedule(application=approved, by=other_applicant, starts_at=at(9, 11)),
            lambda: case_book_visit(case=case_copy, by=support, installer=beijing_installer, starts_at=at(9, 11)),
        ]
    )

    assert sum(isinstance(r, Visit) for r in results) == 1, results
    assert sum(isinstance(r, Conflict) for r in results) == 1, results
    booked = Visit.objects.filter(installer=beijing_installer, starts_at=at(9, 11), status=VisitStatus.BOOKED)
    assert booked.count() == 1
    winner = booked.get()
    approved.refresh_from_db()
    case.refresh_from_db()
    if winner.purpose == "installation":
        assert (approved.status, case.status) == (Status.INSTALLATION_SCHEDULED, CaseStatus.OPEN)
    else:
        assert (approved.status, case.status) == (Status.APPROVED, CaseStatus.VISIT_BOOKED)


def test_two_service_bookings_of_the_same_slot_at_once_one_wins(clock, application_in, beijing_installer, support):
    cases = []
    for _ in range(2):
        live = application_in(Status.ACTIVE)
        cases.append(case_open(terminal=Terminal.objects.get(application=live), by=live.applicant, code="97"))

    results = race(
        [
            lambda c=c: case_book_visit(case=c, by=support, installer=beijing_installer, starts_at=at(9, 11))
            for c in [SupportCase.objects.get(pk=c.pk) for c in cases]
        ]
    )

    assert sum(isinstance(r, Visit) for r in results) == 1, results
    assert sum(isinstance(r, Conflict) for r in results) == 1, results
    assert Visit.objects.filter(purpose="service", status=VisitStatus.BOOKED).count() == 1
    assert sorted(SupportCase.objects.values_list("status", flat=True)) == [CaseStatus.OPEN, CaseStatus.VISIT_BOOKED]


def test_the_last_visit_of_a_day_taken_by_an_installation_and_a_service_visit_at_once_goes_to_one(
    clock, application_in, beijing_installer, support, other_applicant, applicant
):
    # Three a day, whatever the purpose: two booked, then the two purposes race for the third.
    for hour in (9, 11):
        services.installation_schedule(application=application_in(Status.APPROVED), by=applicant, starts_at=at(9, hour))
    live = application_in(Status.ACTIVE)
    case = case_open(terminal=Terminal.objects.get(application=live), by=live.applicant, code="97")
    approved = application_in(Status.APPROVED, owner=other_applicant)

    results = race(
        [
            lambda: services.installation_schedule(application=approved, by=other_applicant, starts_at=at(9, 13)),
            lambda: case_book_visit(
                case=SupportCase.objects.get(pk=case.pk),
                by=support,
                installer=beijing_installer,
                starts_at=at(9, 15),
                outside_windows=True,
            ),
        ]
    )

    assert sum(isinstance(r, Visit) for r in results) == 1, results
    day = Visit.objects.filter(installer=beijing_installer, starts_at__date=at(9, 9).date(), status="booked")
    assert day.count() == 3
