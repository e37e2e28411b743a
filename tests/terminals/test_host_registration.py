"""Registrations at the acquirer host are rows with a due time, sent by a job: a host that is down
for a while makes the row wait and retry (longer each time), and it succeeds once the host is back.
No web request talks to the host's management API."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from applications.choices import Status
from terminals import host, services, tasks
from terminals.models import HostRegistration, RegistrationAction, Terminal, TerminalStatus
from tests.visit_fixtures import stock


@pytest.fixture
def live(application_in) -> Terminal:
    terminal = Terminal.objects.get(application=application_in(Status.ACTIVE))
    Terminal.objects.filter(pk=terminal.pk).update(tid=terminal.tid or "10000001", key_check_value="ABC123")
    terminal.refresh_from_db()
    return terminal


def test_a_host_down_for_a_while_makes_the_row_retry_until_it_is_back(
    settings, acquirer, live, django_capture_on_commit_callbacks
):
    up = settings.ACQUIRER_ADMIN_URL
    settings.ACQUIRER_ADMIN_URL = "http://127.0.0.1:9"  # the host is down
    with django_capture_on_commit_callbacks(execute=True):
        row = services.terminal_register_at_host(terminal=live)

    row.refresh_from_db()
    assert (row.attempts, row.done_at) == (1, None)
    assert "cannot be reached" in row.last_error
    first_wait = row.due_at - timezone.now()
    assert timedelta(seconds=50) < first_wait <= timedelta(minutes=1)

    # Not due yet: the periodic job leaves it; once due it tries again, and waits longer.
    assert tasks.send_due_host_registrations() == 0
    with time_machine.travel(row.due_at + timedelta(seconds=1), tick=False):
        assert tasks.send_due_host_registrations() == 0
        row.refresh_from_db()
        assert row.attempts == 2 and row.due_at - timezone.now() > timedelta(minutes=1, seconds=50)

    settings.ACQUIRER_ADMIN_URL = up  # the host is back
    with time_machine.travel(row.due_at + timedelta(seconds=1), tick=False):
        assert tasks.send_due_host_registrations() == 1
    row.refresh_from_db()
    assert row.done_at is not None and row.attempts == 3 and row.last_error == ""
    assert host.terminal_registration(live.tid)["mid"] == live.application.merchant_id
    live.refresh_from_db()
    assert live.host_registered_at is not None and live.host_registration_error == ""
    assert tasks.send_due_host_registrations() == 0  # done rows are never sent again


def test_a_row_that_keeps_failing_is_shown_to_staff(settings, live, admin_client):
    settings.ACQUIRER_ADMIN_URL = "http://127.0.0.1:9"
    row = services.terminal_register_at_host(terminal=live)
    for _ in range(3):
        services.registration_send(registration_id=row.pk)
    row.refresh_from_db()
    assert row.failing

    page = admin_client.get("/admin/terminals/hostregistration/?state=failing").content.decode()
    assert live.tid in page and "cannot be reached" in page


def test_sending_twice_is_safe(acquirer, live):
    row = services.terminal_register_at_host(terminal=live)
    assert services.registration_send(registration_id=row.pk) is True
    assert services.registration_send(registration_id=row.pk) is False
    assert HostRegistration.objects.get(pk=row.pk).attempts == 1


def test_a_retired_terminal_is_deregistered_the_same_way(acquirer, admin_user, support):
    (terminal,) = stock(admin_user, ("SN-OLD-0001", "countertop", "ABC123"))
    Terminal.objects.filter(pk=terminal.pk).update(tid="10009999", host_registered_at=timezone.now())
    acquirer.register_merchant("898110054990001")
    acquirer.register_terminal("10009999", "898110054990001", "ABC123")
    terminal.refresh_from_db()

    services.terminal_set_status(terminal=terminal, by=support, status=TerminalStatus.RETIRED, note="报废")

    row = HostRegistration.objects.get(terminal=terminal)
    assert (row.action, row.tid, row.done_at) == (RegistrationAction.DEREGISTER, "10009999", None)
    assert services.registration_send(registration_id=row.pk) is True
    assert host.terminal_registration("10009999") is None


def test_no_web_request_talks_to_the_hosts_management_api(
    client, on_site, beijing_installer, admin_user, monkeypatch, django_capture_on_commit_callbacks
):
    """The installer's step writes the row and enqueues the job; the host is not called in the request."""

    def refuse(*args, **kwargs):
        raise AssertionError("a web request talked to the host's management API")

    sent = []
    monkeypatch.setattr(host, "_admin", refuse)
    monkeypatch.setattr(tasks.send_host_registration, "delay", lambda pk: sent.append(pk))
    stock(admin_user, ("SN-WEB-0001", on_site.terminal_model, "ABC123"))
    client.force_login(beijing_installer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/installations/visits/{on_site.reference}/assign/",
            {"serial_number": "SN-WEB-0001", "seen": "configuring"},
        )

    assert response.status_code == 302
    row = HostRegistration.objects.get(terminal__serial_number="SN-WEB-0001")
    assert sent == [row.pk] and row.done_at is None and row.attempts == 0
