"""The simulator's fleet mode plays terminals against the real device API (live server)."""

import json

import pytest
from django.core.management import call_command

from acquirer_sim.fleet import DeviceApi, FleetTerminal, load_fleet, main, play_round
from support.checks import CheckResult
from support.services import case_open, case_resend_configuration
from terminals.models import DeviceEvent, TerminalHealth

from .conftest import config_of, register_at_host

pytestmark = pytest.mark.django_db(transaction=True)


def _fleet(device, scenario: str) -> FleetTerminal:
    c = config_of(device.terminal)
    return FleetTerminal(
        serial=device.terminal.serial_number, token=device.token, secret=device.secret, scenario=scenario, **c
    )


def test_each_scenario_reports_what_a_real_terminal_would(live_server, device_for, live_terminal_for):
    healthy, broken, drifting, silent = (device_for(live_terminal_for()) for _ in range(4))
    fleet = [_fleet(healthy, "healthy"), _fleet(broken, "code:97"), _fleet(drifting, "drift"), _fleet(silent, "silent")]

    sent = play_round(fleet, DeviceApi(live_server.url))

    assert {s.status for s in sent} == {201}
    health = {h.terminal_id: h for h in TerminalHealth.objects.all()}
    assert health[healthy.terminal.pk].last_signin_code == "00"
    assert health[broken.terminal.pk].last_signin_code == "97"
    assert health[drifting.terminal.pk].reported_config["port"] == config_of(drifting.terminal)["port"] + 1
    assert silent.terminal.pk not in health


def test_a_terminal_obeys_the_configuration_support_resends(live_server, device_for, live_terminal, support):
    device = device_for(live_terminal)
    terminal = _fleet(device, "drift")
    case = case_open(terminal=live_terminal, by=live_terminal.application.applicant, code="30")
    case_resend_configuration(case=case, by=support)

    play_round([terminal], DeviceApi(live_server.url))

    assert (
        TerminalHealth.objects.get(terminal=live_terminal).reported_config["port"] == config_of(live_terminal)["port"]
    )


def test_the_host_scenario_signs_in_for_real_at_the_simulator(live_server, acquirer, device_for, live_terminal_for):
    registered, unknown = device_for(live_terminal_for()), device_for(live_terminal_for())
    register_at_host(acquirer, registered.terminal)
    acquirer.register_merchant(config_of(unknown.terminal)["mid"])

    play_round(
        [_fleet(registered, "host"), _fleet(unknown, "host")],
        DeviceApi(live_server.url),
        iso=(acquirer.host, acquirer.iso_port),
    )

    codes = dict(TerminalHealth.objects.values_list("terminal_id", "last_signin_code"))
    assert codes == {registered.terminal.pk: "00", unknown.terminal.pk: "97"}


def test_the_fleet_file_command_and_the_cli_play_together(live_server, live_terminal_for, tmp_path, capsys):
    first, second = live_terminal_for(), live_terminal_for()
    path = tmp_path / "fleet.json"
    call_command("demo_fleet_file", str(path), "--scenario", f"{second.serial_number}=code:A0")

    assert {t.serial: t.scenario for t in load_fleet(str(path))} == {
        first.serial_number: "healthy",
        second.serial_number: "code:A0",
    }
    assert main(["--portal", live_server.url, "--fleet", str(path), "--rounds", "1"]) == 0

    assert DeviceEvent.objects.filter(terminal=second, response_code="A0").count() == 2
    assert DeviceEvent.objects.filter(terminal=first).count() == 3
    assert "-> 201" in capsys.readouterr().out
    assert json.loads(path.read_text())["terminals"][0]["token"] not in str(list(TerminalHealth.objects.values()))


def test_an_unknown_scenario_is_refused():
    with pytest.raises(ValueError, match="unknown scenario"):
        FleetTerminal(
            serial="X", token="t", secret="s", tid="1", mid="2", host="h", port=1, kcv="ABC123", scenario="explode"
        )


def test_the_simulators_command_line_has_a_fleet_mode(live_server, live_terminal_for, tmp_path):
    import subprocess
    import sys

    terminal = live_terminal_for()
    path = tmp_path / "fleet.json"
    call_command("demo_fleet_file", str(path))

    done = subprocess.run(
        [sys.executable, "-m", "acquirer_sim", "fleet", "--portal", live_server.url, "--fleet", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.count("-> 201") == 3
    assert DeviceEvent.objects.filter(terminal=terminal).count() == 3


def test_a_mistyped_tid_answers_97_until_support_resends_the_configuration(
    live_server, acquirer, device_for, live_terminal, support
):
    register_at_host(acquirer, live_terminal)
    device = device_for(live_terminal)
    terminal = _fleet(device, "wrong-tid")
    api, iso = DeviceApi(live_server.url), (acquirer.host, acquirer.iso_port)

    play_round([terminal], api, iso=iso)

    health = TerminalHealth.objects.get(terminal=live_terminal)
    assert health.last_signin_code == "97"
    assert health.reported_config["tid"] != config_of(live_terminal)["tid"]
    case = case_open(terminal=live_terminal, by=live_terminal.application.applicant, code="97")
    configuration = next(c for c in case.checks if c["key"] == "configuration")
    assert configuration["status"] == "problem" and "terminal ID" in CheckResult.stored(configuration).message

    case_resend_configuration(case=case, by=support)
    play_round([terminal], api, iso=iso)

    health.refresh_from_db()
    assert health.last_signin_code == "00"
    assert health.reported_config == config_of(live_terminal)
