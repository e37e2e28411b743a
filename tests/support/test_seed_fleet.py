"""seed_fleet: a fleet of live terminals copied from what the services produced for a sample."""

import io
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from applications.choices import Status
from support.models import CaseEvent, CaseStatus, EarlyWarning, SupportCase
from support.selectors import terminal_health_summary
from terminals.models import (
    DeviceEvent,
    SignIn,
    Terminal,
    TerminalConfiguration,
    TerminalEvent,
    TerminalHealth,
    TerminalStatus,
)


def seed(n: int, **options: object) -> str:
    out = io.StringIO()
    call_command("seed_fleet", str(n), "--seed", "3", "--batch", "40", stdout=out, **options)
    return out.getvalue()


def test_each_terminal_is_live_on_an_active_application_with_what_the_services_leave(db):
    seed(60)
    terminals = list(Terminal.objects.select_related("application"))
    assert len(terminals) == 60
    for terminal in terminals:
        assert terminal.status == TerminalStatus.ACTIVE
        assert terminal.application.status == Status.ACTIVE
        terminal.full_clean(exclude=["application"])
        configuration = TerminalConfiguration.objects.get(terminal=terminal, is_current=True)
        configuration.full_clean(exclude=["application", "terminal", "configured_by"])
        assert (configuration.tid, configuration.mid) == (terminal.tid, terminal.application.merchant_id)
        # The terminal's own history ends where the services leave a live terminal.
        events = list(TerminalEvent.objects.filter(terminal=terminal).order_by("at", "pk"))
        assert events[-1].to_status == TerminalStatus.ACTIVE
        assert SignIn.objects.filter(configuration=configuration, response_code="00").exists()
    assert len({t.tid for t in terminals}) == 60


def test_the_reports_span_the_days_asked_and_the_health_row_holds_the_newest(db):
    seed(40, days=14, reports=6)
    now = timezone.now()
    reports = DeviceEvent.objects.all()
    assert reports.count() <= 40 * 6
    assert reports.filter(received_at__lt=now - timedelta(days=14, minutes=5)).count() == 0
    assert reports.exclude(response_code__in=["", "00"]).exists()  # some errors to diagnose
    for health in TerminalHealth.objects.all():
        beats = DeviceEvent.objects.filter(terminal_id=health.terminal_id, kind="heartbeat").order_by("-occurred_at")
        newest = beats.first()
        assert health.last_heartbeat_at == (newest.occurred_at if newest else None)
        if newest:
            assert health.reported_config == newest.config


def test_cases_open_and_resolved_carry_the_history_lines_of_the_services(db):
    seed(200)
    cases = SupportCase.objects.all()
    assert cases.filter(status=CaseStatus.OPEN).exists() and cases.filter(status=CaseStatus.RESOLVED).exists()
    for case in cases:
        actions = list(CaseEvent.objects.filter(case=case).order_by("at").values_list("action", flat=True))
        assert actions == (["opened", "resolved"] if case.status == CaseStatus.RESOLVED else ["opened"])
        assert case.checks  # the checks the diagnosis ran on the sample
        assert (case.resolved_at is not None) == (case.status == CaseStatus.RESOLVED)


def test_the_warning_scans_open_warnings_on_the_silent_terminals(db):
    seed(200)
    warnings = EarlyWarning.objects.filter(closed_at__isnull=True)
    assert warnings.exists()
    silent = warnings.filter(kind="no_heartbeat").values_list("terminal_id", flat=True)
    cutoff = timezone.now() - timedelta(hours=24)
    assert all(
        h.last_heartbeat_at is None or h.last_heartbeat_at < cutoff
        for h in TerminalHealth.objects.filter(terminal_id__in=silent)
    )


def test_the_dashboard_counts_the_seeded_fleet_after_the_seed(db):
    terminal_health_summary()  # counted before the seed: the seed must make it count again
    seed(40)

    summary = terminal_health_summary()

    assert dict((s, n) for s, _label, n in summary.by_status)["active"] == 40
    assert sum(sum(series) for series in summary.codes_by_day.values()) == (
        DeviceEvent.objects.exclude(response_code__in=["", "00"]).count()
    )
