"""Both old kinds of visit move into the one calendar (installations.0004-0005 + support.0004):
installation appointments stay (the table is renamed), service visits become Visits of purpose
"service" linked to their case, history kept; then the old table goes."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from installations.models import Visit, VisitPurpose
from support.models import CaseEvent, CaseVisit, SupportCase

BEFORE = [("installations", "0003_field_labels_translated"), ("support", "0003_device_data_to_terminals")]


def _migrate(targets=None):  # type: ignore[no-untyped-def]
    """Migrate to the targets (None: every app's latest), answering the models as they were there."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_installation_and_service_visits_move_into_one_calendar_and_the_counts_match(
    live_terminal_for, support, installer
):
    terminals = [live_terminal_for(), live_terminal_for()]
    cases = [
        SupportCase.objects.create(terminal=t, application=t.application, opened_by=support, code="97")
        for t in terminals
    ]
    old = _migrate(BEFORE)
    Appointment = old.get_model("installations", "InstallationAppointment")
    ServiceVisit = old.get_model("support", "ServiceVisit")
    OldEvent = old.get_model("support", "CaseEvent")
    start = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    Appointment.objects.create(
        application_id=terminals[0].application_id,
        installer_id=installer.pk,
        starts_at=start + timedelta(days=1),
        ends_at=start + timedelta(days=1, hours=2),
        created_by_id=support.pk,
    )
    installations_before = Appointment.objects.count()
    booked = ServiceVisit.objects.create(
        case_id=cases[0].pk,
        application_id=terminals[0].application_id,
        terminal_id=terminals[0].pk,
        installer_id=installer.pk,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        created_by_id=support.pk,
    )
    done_at = timezone.now().replace(microsecond=0) - timedelta(days=1)
    ServiceVisit.objects.create(
        case_id=cases[1].pk,
        application_id=terminals[1].application_id,
        terminal_id=terminals[1].pk,
        installer_id=installer.pk,
        starts_at=done_at - timedelta(hours=2),
        ends_at=done_at,
        status="done",
        created_by_id=support.pk,
    )
    OldEvent.objects.create(case_id=cases[1].pk, action="visit_done", by_id=installer.pk, at=done_at)
    services_before = ServiceVisit.objects.count()
    assert (installations_before, services_before) == (installations_before, 2) and installations_before >= 3

    _migrate()

    assert Visit.objects.filter(purpose=VisitPurpose.INSTALLATION).count() == installations_before
    assert Visit.objects.filter(purpose=VisitPurpose.SERVICE).count() == services_before
    assert Visit.objects.count() == installations_before + services_before
    assert CaseVisit.objects.count() == services_before
    moved = CaseVisit.objects.get(case=cases[0]).visit
    assert (moved.starts_at, moved.status, moved.terminal_id, moved.installer_id, moved.created_by_id) == (
        booked.starts_at,
        "booked",
        terminals[0].pk,
        installer.pk,
        support.pk,
    )
    done = CaseVisit.objects.get(case=cases[1]).visit
    assert (done.status, done.completed_at) == ("done", done_at)
    assert CaseEvent.objects.filter(case=cases[1], action="visit_done").count() == 1  # the history stays
    assert "support_servicevisit" not in connection.introspection.table_names()
    assert "installations_installationappointment" not in connection.introspection.table_names()
