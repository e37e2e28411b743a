"""Incident detection: opens once when many terminals report host or gateway errors within
10 minutes, closes when the errors stop; staff are alerted, merchants see a banner."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from notifications.models import Notification
from support.models import Incident
from support.services import incident_scan
from terminals.models import DeviceEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def fleet(settings, device_for, live_terminal_for):
    settings.SUPPORT_INCIDENT_THRESHOLD = 3
    return [device_for(live_terminal_for()) for _ in range(4)]


def _staff_alerts(template: str) -> int:
    return Notification.objects.filter(template=template, recipient__groups__name="Support").count()


def test_many_terminals_reporting_host_errors_open_one_incident(fleet, support, django_capture_on_commit_callbacks):
    # The report of a host-side code schedules a scan after its commit (the periodic job is the safety net).
    with django_capture_on_commit_callbacks(execute=True):
        for device in fleet[:3]:
            device.report("transaction", code="96")

    incident = Incident.objects.get()
    assert incident.is_open
    assert incident.codes == ["96"]
    assert incident.terminals_affected == 3
    assert _staff_alerts("support.incident_opened") >= 1


def test_it_opens_only_once_however_often_it_scans(fleet, support):
    for device in fleet:
        device.report("transaction", code="91")
    incident_scan()
    alerts = _staff_alerts("support.incident_opened")

    incident_scan()
    incident_scan()

    assert Incident.objects.count() == 1
    assert _staff_alerts("support.incident_opened") == alerts


def test_fewer_terminals_than_the_threshold_open_nothing(fleet):
    for _ in range(5):
        fleet[0].report("transaction", code="96")
    fleet[1].report("transaction", code="98")

    assert incident_scan() is None
    assert not Incident.objects.exists()


def test_card_side_errors_never_open_an_incident(fleet):
    for device in fleet:
        device.report("transaction", code="51")

    assert incident_scan() is None


def test_errors_spread_over_more_than_10_minutes_do_not_add_up(fleet):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        fleet[0].report("transaction", code="96")
        fleet[1].report("transaction", code="96")
        clock.shift(timedelta(minutes=11))
        fleet[2].report("transaction", code="96")

        assert incident_scan() is None


def test_the_incident_closes_when_the_errors_stop(fleet, support):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for device in fleet[:3]:
            device.report("transaction", code="96", at=timezone.now())
        incident_scan()
        assert Incident.objects.get().is_open

        clock.shift(timedelta(minutes=5))
        fleet[3].report("transaction", code="96", at=timezone.now())
        assert incident_scan().is_open  # still erring: stays open

        clock.shift(timedelta(minutes=11))
        assert incident_scan() is None

    incident = Incident.objects.get()
    assert not incident.is_open
    assert incident.closed_at is not None
    assert _staff_alerts("support.incident_closed") >= 1


def test_a_new_wave_after_closing_opens_a_new_incident(fleet):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for device in fleet[:3]:
            device.report("transaction", code="96", at=timezone.now())
        incident_scan()
        clock.shift(timedelta(minutes=11))
        incident_scan()
        clock.shift(timedelta(minutes=1))
        for device in fleet[:3]:
            device.report("transaction", code="91", at=timezone.now())
        incident_scan()

    assert Incident.objects.count() == 2
    assert Incident.objects.filter(is_open=True).count() == 1


def test_merchants_see_a_banner_while_it_is_open(client, applicant, fleet):
    client.force_login(applicant)
    assert "Known problem at the acquirer host" not in client.get("/support/terminals/").content.decode()

    for device in fleet[:3]:
        device.report("transaction", code="96")
    incident_scan()

    assert "Known problem at the acquirer host" in client.get("/support/terminals/").content.decode()
    assert "Known problem at the acquirer host" in client.get("/").content.decode()


def test_a_duplicate_report_is_not_counted_twice(fleet):
    fleet[0].report("transaction", code="96", event_id="evt-dup-0000001")
    fleet[0].report("transaction", code="96", event_id="evt-dup-0000001")
    fleet[1].report("transaction", code="96")
    incident_scan()

    assert DeviceEvent.objects.filter(response_code="96").count() == 2
    assert not Incident.objects.exists()
