"""Early warnings, each a periodic job whose selection is tested with the clock set."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from notifications.models import Notification
from support import tasks
from support.models import EarlyWarning, WarningKind
from support.services import warnings_scan_drift, warnings_scan_idle, warnings_scan_no_heartbeat
from terminals.models import TerminalHealth

from .conftest import config_of


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def _open(kind: str) -> list[int]:
    return list(EarlyWarning.objects.filter(kind=kind, closed_at__isnull=True).values_list("terminal_id", flat=True))


# --- No heartbeat for 24 hours ---------------------------------------------------------------


def test_a_terminal_silent_for_more_than_a_day_is_warned_once(clock, device, device_for, live_terminal_for):
    chatty = device_for(live_terminal_for())
    device.report("heartbeat")
    clock.shift(timedelta(hours=23))
    chatty.report("heartbeat")
    assert warnings_scan_no_heartbeat() == []

    clock.shift(timedelta(hours=1, minutes=1))
    opened = warnings_scan_no_heartbeat()
    warnings_scan_no_heartbeat()

    assert [w.terminal_id for w in opened] == [device.terminal.pk]
    assert _open(WarningKind.NO_HEARTBEAT) == [device.terminal.pk]
    assert (
        Notification.objects.filter(
            template="support.warning.no_heartbeat", recipient=device.terminal.application.applicant
        ).count()
        >= 1
    )
    assert EarlyWarning.objects.filter(kind=WarningKind.NO_HEARTBEAT).count() == 1


def test_the_warning_closes_when_heartbeats_resume(clock, device):
    device.report("heartbeat")
    clock.shift(timedelta(hours=25))
    warnings_scan_no_heartbeat()
    device.report("heartbeat", at=timezone.now())

    warnings_scan_no_heartbeat()

    assert _open(WarningKind.NO_HEARTBEAT) == []
    assert EarlyWarning.objects.get().closed_at is not None


def test_a_terminal_that_never_reported_counts_from_when_it_went_live(clock, live_terminal):
    assert warnings_scan_no_heartbeat() == []
    clock.shift(timedelta(hours=25))

    assert [w.terminal_id for w in warnings_scan_no_heartbeat()] == [live_terminal.pk]


def test_a_suspended_merchant_is_not_warned(clock, live_terminal, support):
    from applications.services import application_suspend

    application_suspend(application=live_terminal.application, by=support, message="核查")
    clock.shift(timedelta(days=2))

    assert warnings_scan_no_heartbeat() == []


# --- No transaction for 30 days ------------------------------------------------------------


def test_a_terminal_without_a_transaction_for_30_days_is_warned(clock, device, device_for, live_terminal_for):
    busy = device_for(live_terminal_for())
    device.report("transaction", code="00")
    clock.shift(timedelta(days=29))
    busy.report("transaction", code="00", at=timezone.now())
    assert warnings_scan_idle() == []

    clock.shift(timedelta(days=1, hours=1))

    assert [w.terminal_id for w in warnings_scan_idle()] == [device.terminal.pk]
    assert warnings_scan_idle() == []  # once
    assert Notification.objects.filter(template="support.warning.idle").count() >= 1


def test_heartbeats_alone_do_not_count_as_activity(clock, device):
    clock.shift(timedelta(days=31))
    device.report("heartbeat", at=timezone.now())

    assert [w.terminal_id for w in warnings_scan_idle()] == [device.terminal.pk]


def test_the_idle_warning_closes_after_a_sale(clock, device):
    clock.shift(timedelta(days=31))
    warnings_scan_idle()
    device.report("transaction", code="00", at=timezone.now())

    warnings_scan_idle()

    assert _open(WarningKind.IDLE) == []


# --- Configuration drift ---------------------------------------------------------------------


def test_a_terminal_reporting_another_configuration_is_warned(device, device_for, live_terminal_for):
    steady = device_for(live_terminal_for())
    steady.report("heartbeat", config=config_of(steady.terminal))
    device.report("heartbeat", config={**config_of(device.terminal), "host": "10.9.9.9"})

    opened = warnings_scan_drift()

    assert [w.terminal_id for w in opened] == [device.terminal.pk]
    assert opened[0].detail == {"fields": ["host"]}
    assert warnings_scan_drift() == []


def test_the_drift_warning_closes_once_the_configuration_is_back(device):
    device.report("heartbeat", config={**config_of(device.terminal), "port": 9999})
    warnings_scan_drift()
    device.report("heartbeat", config=config_of(device.terminal), at=timezone.now() + timedelta(seconds=1))

    warnings_scan_drift()

    assert _open(WarningKind.DRIFT) == []


def test_a_terminal_that_reported_no_configuration_is_not_drifting(device):
    device.report("heartbeat")

    assert warnings_scan_drift() == []


# --- The periodic jobs call the scans -----------------------------------------------------------


def test_the_tasks_run_the_scans(clock, live_terminal):
    clock.shift(timedelta(days=31))
    TerminalHealth.objects.create(terminal=live_terminal, reported_config={**config_of(live_terminal), "kcv": "000000"})

    tasks.scan_no_heartbeat()
    tasks.scan_idle_terminals()
    tasks.scan_configuration_drift()
    tasks.scan_incidents()

    assert set(EarlyWarning.objects.values_list("kind", flat=True)) == {"no_heartbeat", "idle", "drift"}


def test_the_jobs_are_in_the_beat_schedule():
    from django.conf import settings

    from pos_portal.celery import app

    tasks_scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    ours = {
        "support.tasks.scan_incidents",
        "support.tasks.scan_no_heartbeat",
        "support.tasks.scan_idle_terminals",
        "support.tasks.scan_configuration_drift",
    }
    assert ours <= tasks_scheduled
    app.loader.import_default_modules()
    assert ours <= set(app.tasks)


@pytest.mark.parametrize("n", [1, 6])
def test_the_drift_scan_reads_configurations_in_one_query_however_many_terminals(
    n, device_for, live_terminal_for, django_assert_max_num_queries
):
    for _ in range(n):
        device = device_for(live_terminal_for())
        device.report("heartbeat", config=config_of(device.terminal))

    with django_assert_max_num_queries(6):
        assert warnings_scan_drift() == []
