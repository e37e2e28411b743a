"""The device data moves from support to terminals with its rows (support.0002 + terminals.0003)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from support.models import SupportCase
from terminals.models import DeviceCredential, DeviceEvent, RemoteCommand, TerminalHealth

BEFORE = [("support", "0002_field_labels_translated"), ("terminals", "0003_field_labels_translated")]


def _migrate(targets=None):  # type: ignore[no-untyped-def]
    """Migrate to the targets (None: every app's latest), answering the models as they were there."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_rows_of_the_device_data_survive_the_move_to_terminals(live_terminal, support):
    case = SupportCase.objects.create(
        terminal=live_terminal, application=live_terminal.application, opened_by=support, code="97"
    )
    content_type = ContentType.objects.get(app_label="terminals", model="deviceevent").pk

    old = _migrate(BEFORE)
    assert ContentType.objects.get(pk=content_type).app_label == "support"
    now = timezone.now()
    old.get_model("support", "DeviceCredential").objects.create(
        terminal_id=live_terminal.pk, token_hash="a" * 64, token_hint="abcd", issued_by_id=support.pk
    )
    old.get_model("support", "DeviceEvent").objects.create(
        terminal_id=live_terminal.pk, event_id="event-0001", kind="signin", occurred_at=now, response_code="97"
    )
    old.get_model("support", "TerminalHealth").objects.create(
        terminal_id=live_terminal.pk, last_signin_code="97", reported_config={"tid": "10000001"}
    )
    RemoteCommandBefore = old.get_model("support", "RemoteCommand")
    about_case = RemoteCommandBefore.objects.create(
        terminal_id=live_terminal.pk, case_id=case.pk, kind="sign_in", created_by_id=support.pk
    )
    about_nothing = RemoteCommandBefore.objects.create(
        terminal_id=live_terminal.pk, kind="sign_in", created_by_id=support.pk
    )

    _migrate()

    assert DeviceCredential.objects.get(terminal=live_terminal).token_hash == "a" * 64
    event = DeviceEvent.objects.get(terminal=live_terminal)
    assert (event.event_id, event.response_code) == ("event-0001", "97")
    assert TerminalHealth.objects.get(terminal=live_terminal).reported_config == {"tid": "10000001"}
    commands = {c.pk: (c.about_kind, c.about_id) for c in RemoteCommand.objects.all()}
    assert commands == {about_case.pk: ("case", case.pk), about_nothing.pk: ("", None)}
    assert ContentType.objects.get(pk=content_type).app_label == "terminals"
    # The moved tables keep taking rows (their keys continue where they were).
    assert (
        DeviceEvent.objects.create(terminal=live_terminal, event_id="event-0002", kind="heartbeat", occurred_at=now).pk
        != event.pk
    )
