"""Reports, incidents and bookings arriving at the same instant, on PostgreSQL."""

import pytest
from django.utils import timezone

from core.errors import Conflict
from installations.models import Visit
from installations.selectors import free_slots
from support.models import Incident, SupportCase
from support.services import case_book_visit, case_open, incident_scan
from terminals.forms import Report
from terminals.models import DeviceEvent
from terminals.services import device_report_store
from tests.conftest import needs_postgres, needs_redis
from tests.test_concurrency_postgres import race

pytestmark = [needs_postgres(), pytest.mark.django_db(transaction=True)]


def test_the_same_report_on_two_connections_is_stored_once(live_terminal):
    report = Report(event_id="evt-race-000001", kind="signin", at=timezone.now(), response_code="97")

    results = race([lambda: device_report_store(terminal=live_terminal, report=report) for _ in range(4)])

    assert all(isinstance(r, tuple) for r in results), results
    assert sorted(r[1] for r in results) == [False, False, False, True]
    assert DeviceEvent.objects.count() == 1


def test_two_scans_at_once_open_one_incident(settings, live_terminal_for):
    settings.SUPPORT_INCIDENT_THRESHOLD = 2
    for n, terminal in enumerate([live_terminal_for(), live_terminal_for()]):
        device_report_store(
            terminal=terminal,
            report=Report(event_id=f"evt-host-{n:06d}", kind="transaction", at=timezone.now(), response_code="96"),
        )

    results = race([incident_scan, incident_scan, incident_scan])

    assert all(isinstance(r, Incident) for r in results), results
    assert Incident.objects.count() == 1


def test_one_installer_booked_twice_at_once_gets_one_visit(live_terminal_for, support, installer):
    cases = [
        case_open(terminal=t, by=t.application.applicant, code="97") for t in (live_terminal_for(), live_terminal_for())
    ]
    when = next(s for s in free_slots(cases[0].application, earliest=timezone.now()) if s.preferred).starts_at
    copies = [SupportCase.objects.get(pk=c.pk) for c in cases]

    results = race(
        [lambda c=c: case_book_visit(case=c, by=support, installer=installer, starts_at=when) for c in copies]
    )

    assert sum(isinstance(r, Visit) for r in results) == 1, results
    assert sum(isinstance(r, Conflict) for r in results) == 1, results
    assert Visit.objects.filter(purpose="service").count() == 1
    statuses = sorted(SupportCase.objects.values_list("status", flat=True))
    assert statuses == ["open", "visit_booked"]  # the loser's case is as it was


@needs_redis()
def test_a_flood_at_the_same_instant_gets_exactly_the_limit_through(settings, device_for, live_terminal):
    """The counter is Redis's atomic INCR: twenty requests racing never let more than the limit in."""
    settings.SUPPORT_DEVICE_RATE_LIMIT = 5
    device = device_for(live_terminal)

    results = race([lambda: device.report("heartbeat").status_code for _ in range(20)])

    assert sorted(results).count(201) == 5, results
    assert sorted(results).count(429) == 15
    assert DeviceEvent.objects.count() == 5
