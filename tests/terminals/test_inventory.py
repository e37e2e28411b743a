"""Receiving terminals from a CSV: all or nothing, with an error per line; every state change in the history."""

import pytest

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
