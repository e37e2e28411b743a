"""Receiving terminals from a CSV: all or nothing, with an error per line; every state change in the history."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.errors import RoleRefused
from terminals import services
from terminals.models import Terminal, TerminalEvent, TerminalStatus
from terminals.selectors import history_of, inventory_counts

GOOD = b"serial_number,model,key_check_value\nSN-0001,countertop,a1b2c3\nSN-0002,mobile,D4E5F6\n"


def test_it_imports_terminals_into_stock_with_a_history_row_each(reviewer):
    created = services.terminal_import_csv(data=GOOD, by=reviewer)
    assert [t.serial_number for t in created] == ["SN-0001", "SN-0002"]
    assert Terminal.objects.get(serial_number="SN-0001").key_check_value == "A1B2C3"
    assert inventory_counts()[TerminalStatus.IN_STOCK] == 2
    (event,) = history_of(created[0])
    assert (event.from_status, event.to_status, event.by) == ("", TerminalStatus.IN_STOCK, reviewer)


def test_it_names_each_bad_line_and_imports_nothing(reviewer):
    services.terminal_import_csv(data=b"serial_number,model,key_check_value\nSN-OLD1,smart,ABCDEF\n", by=reviewer)
    data = (
        b"serial_number,model,key_check_value\n"
        b"SN-0001,countertop,A1B2C3\n"  # fine
        b"SN-0001,countertop,A1B2C3\n"  # twice in the file
        b"SN-OLD1,smart,ABCDEF\n"  # already in stock
        b"s n!,countertop,A1B2C3\n"  # bad serial
        b"SN-0003,desk,A1B2C3\n"  # unknown model
        b"SN-0004,mobile,0123456789ABCDEF0123456789ABCDEF\n"  # a clear key where the KCV belongs
    )
    with pytest.raises(services.ImportRefused) as refusal:
        services.terminal_import_csv(data=data, by=reviewer)
    rows = [(r.line, r.field) for r in refusal.value.rows]
    assert rows == [
        (3, "serial_number"),
        (4, "serial_number"),
        (5, "serial_number"),
        (6, "model"),
        (7, "key_check_value"),
    ]
    messages = " ".join(refusal.value.missing)
    assert "already on line 2 of this file" in messages
    assert "SN-OLD1 is already in the inventory" in messages
    assert "0123456789ABCDEF" not in messages  # a key is never echoed
    assert Terminal.objects.count() == 1
    assert TerminalEvent.objects.count() == 1


def test_it_explains_a_missing_header(reviewer):
    with pytest.raises(services.ImportRefused, match="first line must name the columns"):
        services.terminal_import_csv(data=b"SN-0001,countertop,A1B2C3\n", by=reviewer)
    assert not Terminal.objects.exists()


def test_an_installer_cannot_import(installer):
    with pytest.raises(RoleRefused):
        services.terminal_import_csv(data=GOOD, by=installer)
    assert not Terminal.objects.exists()


def test_staff_set_a_terminal_in_stock_aside_as_faulty_with_a_reason(reviewer):
    (terminal, _other) = services.terminal_import_csv(data=GOOD, by=reviewer)
    services.terminal_set_status(terminal=terminal, by=reviewer, status=TerminalStatus.FAULTY, note="cracked screen")
    events = history_of(terminal)
    assert [(e.from_status, e.to_status) for e in events] == [
        ("", TerminalStatus.IN_STOCK),
        (TerminalStatus.IN_STOCK, TerminalStatus.FAULTY),
    ]
    assert events[-1].note == "cracked screen"


# --- The counts per status: kept, for a cold start too, and forgotten at each change ----------


def _counting_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "COUNT(" in q["sql"].upper() and "terminals_terminal" in q["sql"]]


def test_a_cold_start_reads_the_last_count_instead_of_counting_the_terminals_again(reviewer):

    services.terminal_import_csv(data=GOOD, by=reviewer)
    assert inventory_counts()[TerminalStatus.IN_STOCK] == 2
    cache.clear()  # every worker restarted, the cache emptied

    with CaptureQueriesContext(connection) as queries:
        counts = inventory_counts()

    assert counts[TerminalStatus.IN_STOCK] == 2
    assert _counting_queries(queries) == []


def test_a_change_of_status_forgets_the_counts_kept_in_the_cache_and_the_database(
    reviewer, django_capture_on_commit_callbacks
):

    terminal = services.terminal_import_csv(data=GOOD, by=reviewer)[0]
    assert inventory_counts()[TerminalStatus.FAULTY] == 0

    with django_capture_on_commit_callbacks(execute=True):
        services.terminal_set_status(terminal=terminal, by=reviewer, status=TerminalStatus.FAULTY, note="屏幕碎了")
    warm = inventory_counts()
    cache.clear()
    cold = inventory_counts()

    assert warm[TerminalStatus.FAULTY] == cold[TerminalStatus.FAULTY] == 1
    assert warm[TerminalStatus.IN_STOCK] == cold[TerminalStatus.IN_STOCK] == 1


def test_counts_older_than_a_minute_are_counted_again_after_a_cold_start(reviewer):
    services.terminal_import_csv(data=GOOD, by=reviewer)
    inventory_counts()
    Terminal.objects.filter(serial_number="SN-0002").update(status=TerminalStatus.RETIRED)  # around the services
    cache.clear()

    with time_machine.travel(timezone.now() + timedelta(seconds=61)), CaptureQueriesContext(connection) as queries:
        counts = inventory_counts()

    assert counts[TerminalStatus.RETIRED] == 1
    assert len(_counting_queries(queries)) == 1
