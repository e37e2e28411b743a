"""Each automatic check, alone: which way it points, and why."""

from datetime import timedelta

import pytest
from django.utils import timezone

from applications.services import application_suspend
from support.checks import (
    INFO,
    OK,
    PROBLEM,
    UNKNOWN,
    check_configuration,
    check_contact,
    check_customer_side,
    check_incident,
    check_registration,
    run_checks,
)
from support.models import Incident
from terminals.models import TerminalConfiguration, TerminalHealth

from .conftest import config_of, register_at_host

# --- Registered and active, at the host and here -------------------------------------------


def test_a_terminal_registered_and_active_at_the_host_passes(acquirer, live_terminal):
    register_at_host(acquirer, live_terminal)

    result = check_registration(live_terminal)

    assert result.status == OK
    assert config_of(live_terminal)["tid"] in result.message


def test_a_terminal_unknown_to_the_host_is_not_registered(acquirer, live_terminal):
    acquirer.register_merchant(config_of(live_terminal)["mid"])

    result = check_registration(live_terminal)

    assert result.status == PROBLEM
    assert "is not registered at the acquirer host" in result.message


def test_a_deactivated_terminal_is_reported(acquirer, live_terminal):
    c = config_of(live_terminal)
    acquirer.register_merchant(c["mid"])
    acquirer.register_terminal(c["tid"], c["mid"], c["kcv"], active=False)

    result = check_registration(live_terminal)

    assert result.status == PROBLEM
    assert "deactivated" in result.message


def test_a_terminal_registered_under_another_merchant_is_reported(acquirer, live_terminal):
    c = config_of(live_terminal)
    acquirer.register_merchant(c["mid"])
    acquirer.register_terminal(c["tid"], "898110054990999", c["kcv"])

    result = check_registration(live_terminal)

    assert result.status == PROBLEM
    assert "under another merchant" in result.message


@pytest.mark.parametrize("active", [None, False], ids=["unknown", "inactive"])
def test_a_merchant_unknown_or_inactive_at_the_host_is_reported(acquirer, live_terminal, active):
    c = config_of(live_terminal)
    acquirer.register_terminal(c["tid"], c["mid"], c["kcv"])
    if active is not None:
        acquirer.register_merchant(c["mid"], active=active)

    result = check_registration(live_terminal)

    assert result.status == PROBLEM
    assert f"merchant ID {c['mid']}" in result.message


def test_an_unreachable_host_gives_a_clear_could_not_check(live_terminal):
    result = check_registration(live_terminal)  # the host is a closed port by default

    assert result.status == UNKNOWN
    assert "Could not check" in result.message


def test_a_suspended_merchant_is_reported_whatever_the_host_says(acquirer, live_terminal, support):
    register_at_host(acquirer, live_terminal)
    application_suspend(application=live_terminal.application, by=support, message="核查中")
    live_terminal.refresh_from_db()

    result = check_registration(live_terminal)

    assert result.status == PROBLEM
    assert "suspended" in result.message


def test_a_terminal_without_an_installation_record_is_reported(live_terminal):
    TerminalConfiguration.objects.filter(application=live_terminal.application).delete()

    assert check_registration(live_terminal).status == PROBLEM


# --- Last heartbeat and sign-in ---------------------------------------------------------


def _health(terminal, **fields) -> TerminalHealth:
    health, _ = TerminalHealth.objects.update_or_create(terminal=terminal, defaults=fields)
    return health


def test_a_terminal_that_never_reported_is_a_problem(live_terminal):
    result = check_contact(live_terminal, None, timezone.now())

    assert result.status == PROBLEM
    assert "never reported" in result.message


def test_a_recent_heartbeat_and_a_good_signin_pass(live_terminal):
    now = timezone.now()
    health = _health(live_terminal, last_heartbeat_at=now, last_signin_at=now, last_signin_code="00")

    assert check_contact(live_terminal, health, now).status == OK


def test_a_heartbeat_older_than_a_day_is_a_problem(live_terminal):
    now = timezone.now()
    health = _health(live_terminal, last_heartbeat_at=now - timedelta(hours=25))

    result = check_contact(live_terminal, health, now)

    assert result.status == PROBLEM
    assert "24 hours" in result.message


def test_a_refused_signin_is_a_problem(live_terminal):
    now = timezone.now()
    health = _health(live_terminal, last_heartbeat_at=now, last_signin_at=now, last_signin_code="97")

    result = check_contact(live_terminal, health, now)

    assert result.status == PROBLEM
    assert "answered 97" in result.message


# --- Configuration against the installation record --------------------------------------


def test_the_configuration_reported_matching_the_record_passes(live_terminal):
    recorded = config_of(live_terminal)
    health = _health(live_terminal, reported_config={**recorded, "kcv": recorded["kcv"].lower()})

    assert check_configuration(live_terminal, health).status == OK


@pytest.mark.parametrize(
    "field,value",
    [("tid", "99999999"), ("host", "10.0.0.9"), ("port", 5900), ("kcv", "FFFFFF"), ("mid", "898110054990999")],
)
def test_each_drifted_field_is_named(live_terminal, field, value):
    health = _health(live_terminal, reported_config={**config_of(live_terminal), field: value})

    result = check_configuration(live_terminal, health)

    assert result.status == PROBLEM
    labels = {
        "tid": "terminal ID",
        "host": "host address",
        "port": "host port",
        "kcv": "key check value",
        "mid": "merchant ID",
    }
    assert labels[field] in result.message


def test_no_reported_configuration_cannot_be_checked(live_terminal):
    assert check_configuration(live_terminal, None).status == UNKNOWN


# --- Host or gateway incident --------------------------------------------------------------


def test_an_open_incident_is_reported_as_not_the_terminal(db):
    Incident.objects.create(codes=["96"], terminals_affected=7)

    result = check_incident("96")

    assert result.status == PROBLEM
    assert "not your terminal" in result.message


def test_a_host_code_without_incident_says_wait(db):
    assert check_incident("91").status == INFO


def test_no_incident_passes(db):
    assert check_incident("97").status == OK


# --- The card or the amount rather than the terminal -------------------------------------


@pytest.mark.parametrize("code", ["05", "14", "51", "54", "55", "61", "12"])
def test_card_and_amount_codes_point_away_from_the_terminal(code):
    result = check_customer_side(code)

    assert result.status == INFO
    assert "not to your terminal" in result.message


@pytest.mark.parametrize("code", ["03", "97", "A0", "96"])
def test_terminal_and_host_codes_do_not(code):
    assert check_customer_side(code).status == OK


def test_run_checks_gives_all_five_in_order(live_terminal):
    assert [c.key for c in run_checks(terminal=live_terminal, code="97")] == [
        "registration",
        "contact",
        "configuration",
        "incident",
        "customer_side",
    ]


def test_a_host_that_did_not_answer_is_not_asked_again_at_once(live_terminal, monkeypatch):
    """Many merchants at once on their problem page must not each wait on a host that is down."""
    import urllib.request

    from support import checks

    calls = []

    def refusing(*args, **kwargs):
        calls.append(args)
        raise OSError("connection refused")

    monkeypatch.setattr(urllib.request, "urlopen", refusing)

    first = checks.check_registration(live_terminal)
    second = checks.check_registration(live_terminal)

    assert first.status == second.status
    assert len(calls) == 1
