"""On site: assigning a terminal from stock, and checking what the installer enters."""

import pytest
from django.core.exceptions import ValidationError

from applications.choices import Status
from core.errors import ConditionsNotMet, InvalidState, RoleRefused
from installations import services as visit
from terminals.models import Terminal, TerminalConfiguration, TerminalEvent, TerminalStatus
from tests.visit_fixtures import at_visit_time, stock


@pytest.fixture
def in_stock(reviewer):
    return stock(reviewer, ("SN-CT-1", "countertop", "A1B2C3"), ("SN-MB-1", "mobile", "D4E5F6"))


def test_the_installer_assigns_a_terminal_in_stock_of_the_model_applied_for(on_site, installer, in_stock):
    terminal = visit.visit_assign_terminal(application=on_site, by=installer, serial_number=" sn-ct-1 ")
    terminal.refresh_from_db()
    assert (terminal.status, terminal.application, len(terminal.tid)) == (TerminalStatus.ASSIGNED, on_site, 8)
    registration = terminal.host_registrations.get()  # the host learns the TID from a due row, sent by a job
    assert (registration.action, registration.tid, registration.done_at) == ("register", terminal.tid, None)


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        ("", "enter the serial number"),
        ("SN-NOPE", "no terminal SN-NOPE in the inventory"),
        ("SN-MB-1", "is a “Mobile terminal (4G/Wi-Fi, with printer)”; the merchant applied for a “Countertop"),
    ],
)
def test_it_refuses_a_serial_that_cannot_be_assigned(on_site, installer, in_stock, snapshot, serial, expected):
    before = snapshot(on_site)
    with pytest.raises(ConditionsNotMet) as refusal:
        visit.visit_assign_terminal(application=on_site, by=installer, serial_number=serial)
    assert "Serial number" in str(refusal.value) and expected in str(refusal.value)
    before.assert_unchanged()
    assert not Terminal.objects.filter(application__isnull=False).exists()
    assert TerminalEvent.objects.count() == 2  # the two imports only


def test_it_refuses_a_terminal_already_used(
    clock, on_site, installer, in_stock, application_in, other_applicant, snapshot
):
    other = application_in(Status.INSTALLATION_SCHEDULED, owner=other_applicant)
    at_visit_time(clock, other)
    other = visit.installation_start(application=other, by=installer)
    visit.visit_assign_terminal(application=other, by=installer, serial_number="SN-CT-1")
    before = snapshot(on_site)
    with pytest.raises(ConditionsNotMet, match="is “Assigned”, not in stock"):
        visit.visit_assign_terminal(application=on_site, by=installer, serial_number="SN-CT-1")
    before.assert_unchanged()


def test_a_terminal_cannot_be_assigned_before_check_in(clock, application_in, beijing_installer, in_stock, snapshot):
    app = application_in(Status.INSTALLATION_SCHEDULED)
    before = snapshot(app)
    with pytest.raises(InvalidState, match="after check-in"):
        visit.visit_assign_terminal(application=app, by=beijing_installer, serial_number="SN-CT-1")
    before.assert_unchanged()
    assert Terminal.objects.get(serial_number="SN-CT-1").status == TerminalStatus.IN_STOCK


def test_another_installer_cannot_work_on_the_visit(on_site, other_installer, in_stock):
    with pytest.raises(RoleRefused):
        visit.visit_assign_terminal(application=on_site, by=other_installer, serial_number="SN-CT-1")
    assert Terminal.objects.get(serial_number="SN-CT-1").status == TerminalStatus.IN_STOCK


def test_a_faulty_terminal_goes_aside_and_another_is_assigned(on_site, installer, reviewer, in_stock):
    stock(reviewer, ("SN-CT-2", "countertop", "ABCDEF"))
    visit.visit_assign_terminal(application=on_site, by=installer, serial_number="SN-CT-1")
    visit.visit_release_terminal(application=on_site, by=installer, faulty=True, note="does not power on")
    visit.visit_assign_terminal(application=on_site, by=installer, serial_number="SN-CT-2")
    statuses = dict(Terminal.objects.values_list("serial_number", "status"))
    assert statuses["SN-CT-1"] == TerminalStatus.FAULTY
    assert statuses["SN-CT-2"] == TerminalStatus.ASSIGNED


@pytest.fixture
def assigned(on_site, installer, in_stock):
    terminal = visit.visit_assign_terminal(application=on_site, by=installer, serial_number="SN-CT-1")
    terminal.refresh_from_db()
    return terminal


def good_values(app, terminal, **override):
    values = {
        "tid": terminal.tid,
        "mid": app.merchant_id,
        "host": "10.20.30.40",
        "port": "5800",
        "comm_mode": "ethernet",
        "key_check_value": "a1b2c3",
    }
    return {**values, **override}


def test_it_keeps_the_configuration_in_capitals_and_the_previous_one_as_history(on_site, installer, assigned):
    first = visit.visit_configure(application=on_site, by=installer, **good_values(on_site, assigned))
    second = visit.visit_configure(
        application=on_site, by=installer, **good_values(on_site, assigned, host="pos.acquirer.cn")
    )
    first.refresh_from_db()
    assert (first.is_current, second.is_current) == (False, True)
    assert (second.key_check_value, second.host, second.port) == ("A1B2C3", "pos.acquirer.cn", 5800)


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("tid", "1234567", "Terminal ID (TID): expected exactly 8 digits or capital letters."),
        ("tid", "1234-567", "Terminal ID (TID): expected exactly 8 digits or capital letters."),
        ("mid", "12345", "Merchant ID (MID): expected exactly 15 digits."),
        ("mid", "898110054990999", "Merchant ID (MID): expected the MID issued to this merchant at approval"),
        ("host", "http://10.0.0.1", "Host address: Expected an IP address"),
        ("host", "300.1.1.1", "Host address: Expected an IP address"),
        ("port", "70000", "Port: expected a whole number from 1 to 65535."),
        ("port", "80a", "Port: expected a whole number from 1 to 65535."),
        ("comm_mode", "pigeon", "Communication mode: choose one of"),
        ("key_check_value", "XYZ123", "Key check value (KCV): expected 6 hexadecimal characters"),
        ("key_check_value", "0123456789ABCDEF0123456789ABCDEF", "Never enter the key itself"),
    ],
)
def test_it_names_the_wrong_field_and_saves_nothing(on_site, installer, assigned, snapshot, field, value, expected):
    before = snapshot(on_site)
    with pytest.raises(ValidationError) as refusal:
        visit.visit_configure(application=on_site, by=installer, **good_values(on_site, assigned, **{field: value}))
    errors = refusal.value.message_dict
    assert list(errors) == [field]
    assert expected in errors[field][0]
    assert value.upper() not in errors[field][0] or field != "key_check_value"
    before.assert_unchanged()
    assert not TerminalConfiguration.objects.exists()


def test_a_tid_in_use_by_another_merchant_is_refused(
    on_site, installer, assigned, application_in, other_applicant, snapshot
):
    other = application_in(Status.TRAINING, owner=other_applicant)
    taken = other.configurations.get(is_current=True).tid
    with pytest.raises(ValidationError) as refusal:
        visit.visit_configure(application=on_site, by=installer, **good_values(on_site, assigned, tid=taken))
    assert refusal.value.message_dict["tid"] == [
        f"Terminal ID (TID): {taken} is already used by another merchant's terminal."
    ]


def test_configuration_needs_a_terminal_first(on_site, installer, snapshot):
    before = snapshot(on_site)
    with pytest.raises(ConditionsNotMet, match="assign a terminal"):
        visit.visit_configure(
            application=on_site,
            by=installer,
            tid="12345678",
            mid=on_site.merchant_id,
            host="10.0.0.1",
            port=5800,
            comm_mode="ethernet",
            key_check_value="A1B2C3",
        )
    before.assert_unchanged()


def test_no_field_of_the_model_can_hold_a_clear_key():
    names = {f.name for f in TerminalConfiguration._meta.fields} | {f.name for f in Terminal._meta.fields}
    assert not {n for n in names if "key" in n} - {"key_check_value"}
    assert TerminalConfiguration._meta.get_field("key_check_value").max_length == 6
