"""Fixtures of terminal support: a live terminal with its installation record, a device
that talks to the API with its own token, and the acquirer host simulator."""

import json
import secrets
import time
import uuid
from collections.abc import Callable
from datetime import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from acquirer_sim.fleet import signature  # the terminal's side, written apart from the portal's check
from applications.choices import Status
from core.choices import TerminalModel
from pos_portal.cache import fallback_memory
from terminals.models import CommMode, DeviceEvent, Terminal, TerminalConfiguration, TerminalHealth, TerminalStatus
from terminals.services import credential_issue, signing_secret
from tests.visit_fixtures import acquirer  # noqa: F401 - the one simulator fixture, shared

MID_PREFIX = "898110054990"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Nonces and rate counters live in the cache (or the process's fallback while it is down);
    primary keys repeat between tests."""
    cache.clear()
    fallback_memory().clear()
    yield
    cache.clear()
    fallback_memory().clear()


@pytest.fixture(autouse=True)
def _short_host_checks(settings):
    """The host is a refusing port unless a test starts the simulator (tests/conftest.py): fail fast."""
    settings.SUPPORT_HOST_CHECK_TIMEOUT = 0.5


def equip(app, installer, *, seq: int) -> Terminal:
    """The terminal and configuration of a live application (made here until the visit makes them)."""
    terminal = Terminal.objects.filter(application=app).first()
    if terminal is None:
        terminal = Terminal.objects.create(
            serial_number=f"SN-TEST-{seq:04d}",
            model=TerminalModel.COUNTERTOP,
            status=TerminalStatus.ACTIVE,
            application=app,
        )
    if not TerminalConfiguration.objects.filter(application=app, is_current=True).exists():
        TerminalConfiguration.objects.create(
            application=app,
            terminal=terminal,
            tid=f"{10000000 + seq:08d}",
            mid=app.merchant_id,
            host="127.0.0.1",
            port=5800,
            comm_mode=CommMode.ETHERNET,
            key_check_value="ABC123",
            configured_by=installer,
        )
    Terminal.objects.filter(pk=terminal.pk).update(status=TerminalStatus.ACTIVE)
    terminal.refresh_from_db()
    return terminal


@pytest.fixture
def live_terminal_for(application_in, installer) -> Callable[..., Terminal]:
    counter = iter(range(1, 10_000))

    def make(**kwargs) -> Terminal:
        app = application_in(Status.ACTIVE, **kwargs)
        return equip(app, installer, seq=next(counter))

    return make


@pytest.fixture
def live_terminal(live_terminal_for) -> Terminal:
    return live_terminal_for()


def config_of(terminal: Terminal) -> dict:
    c = TerminalConfiguration.objects.get(application=terminal.application, is_current=True)
    return {"tid": c.tid, "mid": c.mid, "host": c.host, "port": c.port, "kcv": c.key_check_value}


def register_at_host(sim, terminal: Terminal) -> None:
    c = config_of(terminal)
    sim.register_merchant(c["mid"])
    sim.register_terminal(c["tid"], c["mid"], c["kcv"])


class Device:
    """A terminal talking to the device API with its own token, signing key and fresh nonces."""

    URL = "/terminals/api/v1/reports"

    def __init__(self, terminal: Terminal, token: str, secret: str) -> None:
        self.terminal = terminal
        self.token = token
        self.secret = secret
        self.client = Client(HTTP_ACCEPT_LANGUAGE="en")

    def post(
        self,
        body: dict | bytes | str,
        *,
        token: str | None = None,
        nonce: str | None = None,
        timestamp: int | str | None = None,
        headers: dict | None = None,
        secret: str | None = None,
        **client_extra: str,
    ):
        raw = body if isinstance(body, bytes | str) else json.dumps(body)
        raw_bytes = raw.encode() if isinstance(raw, str) else raw
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        nonce = nonce or secrets.token_hex(16)
        extra = {
            "HTTP_AUTHORIZATION": f"Bearer {self.token if token is None else token}",
            "HTTP_X_DEVICE_TIMESTAMP": stamp,
            "HTTP_X_DEVICE_NONCE": nonce,
            "HTTP_X_DEVICE_SIGNATURE": signature(self.secret if secret is None else secret, stamp, nonce, raw_bytes),
            **client_extra,
        }
        extra.update(headers or {})
        return self.client.post(self.URL, data=raw_bytes, content_type="application/json", **extra)

    def report(
        self,
        kind: str,
        *,
        code: str = "",
        config: dict | None = None,
        at: datetime | None = None,
        event_id: str | None = None,
        **kw,
    ):
        body: dict = {"event_id": event_id or uuid.uuid4().hex, "kind": kind, "at": (at or timezone.now()).isoformat()}
        if code:
            body["response_code"] = code
        if config is not None:
            body["config"] = config
        return self.post(body, **kw)


@pytest.fixture
def device_for(support) -> Callable[[Terminal], Device]:
    def make(terminal: Terminal) -> Device:
        credential, token = credential_issue(terminal=terminal, by=support)
        return Device(terminal, token, signing_secret(credential))

    return make


@pytest.fixture
def device(device_for, live_terminal) -> Device:
    return device_for(live_terminal)


class DeviceState:
    """What a refused report must leave unchanged: the reports stored and the terminal's health."""

    def __init__(self, terminal: Terminal) -> None:
        self.terminal = terminal
        self.events = DeviceEvent.objects.count()
        self.health = self._health()
        self.status = Terminal.objects.get(pk=terminal.pk).status

    def _health(self) -> dict | None:
        row = TerminalHealth.objects.filter(terminal=self.terminal).values().first()
        if row:
            row.pop("updated_at")
        return row

    def assert_unchanged(self) -> None:
        assert DeviceEvent.objects.count() == self.events
        assert self._health() == self.health
        assert Terminal.objects.get(pk=self.terminal.pk).status == self.status
