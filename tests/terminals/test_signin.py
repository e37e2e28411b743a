"""The sign-in test: the portal's own client against the acquirer host simulator, one test per answer."""

from datetime import timedelta

import pytest
import time_machine

from applications.choices import Status
from core.errors import ConditionsNotMet, InvalidState
from installations import services as visit
from terminals import host
from terminals.models import HostRegistration, SignInSource, TerminalStatus
from terminals.selectors import latest_signin_code, signin_advice
from terminals.tasks import send_due_host_registrations
from tests.visit_fixtures import stock


@pytest.fixture
def configured(acquirer, on_site, installer, reviewer):
    """On site with a terminal assigned (registered at the simulator) and a correct configuration."""
    stock(reviewer, ("SN-CT-1", "countertop", "A1B2C3"))
    terminal = visit.visit_assign_terminal(application=on_site, by=installer, serial_number="SN-CT-1")
    assert send_due_host_registrations() == 1  # the job sends the registration the assignment left due
    terminal.refresh_from_db()
    assert terminal.host_registered_at is not None
    return terminal


def configure(app, installer, acquirer, terminal, **override):
    values = {
        "tid": terminal.tid,
        "mid": app.merchant_id,
        "host": acquirer.host,
        "port": acquirer.iso_port,
        "comm_mode": "cellular",
        "key_check_value": terminal.key_check_value,
    }
    return visit.visit_configure(application=app, by=installer, **{**values, **override})


def test_assignment_registers_the_merchant_and_the_issued_tid_at_the_host(configured, on_site, acquirer):
    registered = acquirer.registry.get_terminal(configured.tid)
    assert (registered.mid, registered.kcv) == (on_site.merchant_id, "A1B2C3")
    assert acquirer.registry.get_merchant(on_site.merchant_id).active


def test_00_when_tid_mid_and_kcv_match_and_the_configuration_can_complete(configured, on_site, installer, acquirer):
    configure(on_site, installer, acquirer, configured)
    signin = visit.visit_signin(application=on_site, by=installer)
    assert (signin.response_code, signin.source) == ("00", SignInSource.HOST)
    visit.installation_complete_configuration(application=on_site, by=installer)
    on_site.refresh_from_db()
    configured.refresh_from_db()
    assert (on_site.status, configured.status) == (Status.TRAINING, TerminalStatus.CONFIGURED)
    assert acquirer.signins(1)[0].tid == configured.tid


def test_97_for_a_tid_the_host_does_not_know_and_the_configuration_cannot_complete(
    configured, on_site, installer, acquirer, snapshot
):
    configure(on_site, installer, acquirer, configured, tid="ZZ000001")
    assert visit.visit_signin(application=on_site, by=installer).response_code == "97"
    before = snapshot(on_site)
    with pytest.raises(ConditionsNotMet, match="last answer: 97"):
        visit.installation_complete_configuration(application=on_site, by=installer)
    before.assert_unchanged()
    assert configured.tid in signin_advice("97", issued_tid=configured.tid)


def test_03_for_a_merchant_the_host_does_not_know(configured, on_site, installer, acquirer):
    acquirer.register_merchant(on_site.merchant_id, active=False)
    configure(on_site, installer, acquirer, configured)
    assert visit.visit_signin(application=on_site, by=installer).response_code == "03"
    assert latest_signin_code(on_site) == "03"


def test_a0_for_a_key_check_value_that_does_not_match(configured, on_site, installer, acquirer):
    configure(on_site, installer, acquirer, configured, key_check_value="FFFFFF")
    assert visit.visit_signin(application=on_site, by=installer).response_code == "A0"


def test_a_fixed_configuration_needs_a_new_00(configured, on_site, installer, acquirer, snapshot):
    configure(on_site, installer, acquirer, configured)
    assert visit.visit_signin(application=on_site, by=installer).response_code == "00"
    configure(on_site, installer, acquirer, configured, port=acquirer.iso_port)  # saved again: a new configuration
    before = snapshot(on_site)
    with pytest.raises(ConditionsNotMet, match="last answer: —"):
        visit.installation_complete_configuration(application=on_site, by=installer)
    before.assert_unchanged()


def test_an_unreachable_host_is_recorded_with_the_reason(configured, on_site, installer, acquirer, settings):
    settings.ACQUIRER_SIGNIN_ENDPOINTS = [(acquirer.host, acquirer.iso_port), ("127.0.0.1", 1)]
    configure(on_site, installer, acquirer, configured, port=1)
    signin = visit.visit_signin(application=on_site, by=installer)
    assert signin.response_code == ""
    assert "cannot reach 127.0.0.1:1" in signin.detail


def test_a_host_address_that_is_not_the_acquirers_is_not_contacted(configured, on_site, installer, acquirer):
    configure(on_site, installer, acquirer, configured, host="10.9.9.9")
    signin = visit.visit_signin(application=on_site, by=installer)
    assert signin.response_code == ""
    assert f"10.9.9.9:{acquirer.iso_port} is not an address of the acquirer host" in signin.detail
    assert all(record.tid != configured.tid for record in acquirer.signins())  # nothing was sent


def test_the_sign_in_waits_for_a_registration_the_job_retries_until_the_host_is_back(
    on_site, installer, reviewer, settings
):
    from acquirer_sim.testing import run_simulator

    stock(reviewer, ("SN-CT-1", "countertop", "A1B2C3"))
    terminal = visit.visit_assign_terminal(application=on_site, by=installer, serial_number="SN-CT-1")
    assert send_due_host_registrations() == 0  # no host: the row waits, due again later
    terminal.refresh_from_db()
    assert terminal.host_registered_at is None
    with run_simulator() as sim:
        settings.ACQUIRER_ADMIN_URL = sim.admin_url
        settings.ACQUIRER_HOST, settings.ACQUIRER_PORT = sim.host, sim.iso_port
        configure(on_site, installer, sim, terminal)
        with pytest.raises(ConditionsNotMet, match="has not yet learnt terminal ID"):
            visit.visit_signin(application=on_site, by=installer)  # a 97 for nothing is not recorded
        row = HostRegistration.objects.get(terminal=terminal)
        with time_machine.travel(row.due_at + timedelta(seconds=1), tick=False):
            assert send_due_host_registrations() == 1
        assert visit.visit_signin(application=on_site, by=installer).response_code == "00"


def test_a_sign_in_is_only_tested_on_site(clock, application_in, beijing_installer):
    app = application_in(Status.INSTALLATION_SCHEDULED)
    with pytest.raises(InvalidState):
        visit.visit_signin(application=app, by=beijing_installer)


def test_the_client_speaks_the_documented_wire_format(acquirer):
    acquirer.register_merchant("898110054990001")
    acquirer.register_terminal("10000001", "898110054990001", "ABC123")
    answer = host.sign_in(
        host=acquirer.host, port=acquirer.iso_port, tid="10000001", mid="898110054990001", kcv="abc123"
    )
    assert answer.response_code == "00"
    assert len(answer.host_time) == 10  # MMDDhhmmss, sent on 00 only
    record = acquirer.signins(1)[0]
    assert (record.stan, record.response_code) == (answer.stan, "00")
