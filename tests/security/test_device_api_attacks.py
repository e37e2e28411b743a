# ruff: noqa: F811 - the device fixtures are imported from the support tests and used by name
"""Attacks on the device API (issue 14, point 4): every one answers 4xx with a reason and
stores nothing; a flood of bad tokens from one address is refused unread; the timestamp and
the nonce are bound to the body by the terminal's key; Redis down costs no 500."""

import json
import secrets
import time
import uuid

import pytest
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from pos_portal.cache import redis_caches
from terminals.models import DeviceEvent, RemoteCommand
from tests.support.conftest import (  # noqa: F401 - the device fixtures, shared with the support tests
    Device,
    DeviceState,
    _fresh_cache,
    device,
    device_for,
    live_terminal,
    live_terminal_for,
)


def _report(**fields) -> dict:
    return {"event_id": uuid.uuid4().hex, "kind": "transaction", "at": timezone.now().isoformat(), **fields}


def _deep(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


# --- Bodies: 400 with a reason, nothing stored -----------------------------------------------------

BAD_BODIES = {
    "february-30th": _report(response_code="00", at="2026-02-30T10:00:00+08:00"),
    "month-13": _report(response_code="00", at="2026-13-01T10:00:00+08:00"),
    "offset-plus-25-hours": _report(response_code="00", at="2026-11-24T09:30:00+25:00"),
    "hour-25": _report(response_code="00", at="2026-11-24T25:00:00+08:00"),
    "code-null": _report(response_code=None),
    "code-list": _report(response_code=[]),
    "code-object": _report(response_code={}),
    "heartbeat-code-null": _report(kind="heartbeat", response_code=None),
    "heartbeat-code-list": _report(kind="heartbeat", response_code=[]),
    "heartbeat-code-object": _report(kind="heartbeat", response_code={}),
    "code-number": _report(response_code=0),
    "kind-list": _report(kind=["signin"], response_code="00"),
    "at-number": _report(response_code="00", at=1764550000),
    "nul-in-version": _report(response_code="00", software_version="1.0\x00"),
    "nul-in-config": _report(kind="heartbeat", config={"host": "a\x00b"}),
    "nul-in-code": _report(response_code="0\x00"),
    "nul-in-field-name": {**_report(response_code="00"), "x\x00": 1},
    "config-nested": _report(kind="heartbeat", config={"host": {"a": "b"}}),
    "port-huge": _report(kind="heartbeat", config={"port": 10**400}),
}


@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_a_body_of_wrong_values_is_refused_with_400_and_a_reason(device, body):
    device.report("heartbeat")
    before = DeviceState(device.terminal)

    response = device.post(body)

    assert response.status_code == 400, response.content
    assert response.json()["error"] == "invalid_report"
    assert response.json()["message"]
    before.assert_unchanged()


RAW_BODIES = {
    "3000-nested-brackets": _deep(3000),
    "1300-nested-objects": b'{"a":' * 1300 + b"1" + b"}" * 1300,
    "nested-inside-a-field": b'{"config": ' + _deep(50) + b"}",
    "nul-byte": b"\x00",
    "nul-escape": b'{"event_id": "\\u0000\\u0000\\u0000\\u0000"}',
    "lone-surrogate": b'{"software_version": "\\ud800"}',
    "huge-exponent": b'{"config": {"port": 1e999999}}',
    "empty": b"",
}


@pytest.mark.parametrize("body", RAW_BODIES.values(), ids=RAW_BODIES.keys())
def test_a_malformed_body_is_refused_with_400_and_a_reason(device, body):
    before = DeviceState(device.terminal)

    response = device.post(body)

    assert response.status_code == 400, response.content
    assert response.json()["message"]
    before.assert_unchanged()


def test_depth_is_refused_before_the_body_is_parsed(device, monkeypatch):
    parsed = []
    monkeypatch.setattr("terminals.forms.json.loads", lambda *a, **k: parsed.append(a) or {})

    assert device.post(_deep(3000)).status_code == 400
    assert parsed == []


def test_a_body_over_8_kib_is_refused_unread(device):
    before = DeviceState(device.terminal)

    response = device.post(_report(response_code="00", software_version="x" * 9000))

    assert response.status_code == 413
    before.assert_unchanged()


# --- Signature: timestamp and nonce bound to the body by the terminal's key -----------------------


def _signed_then(device: Device, change: str):  # type: ignore[no-untyped-def]
    """A request signed for one body, timestamp and nonce, with one of them changed after signing."""
    from acquirer_sim.fleet import signature

    body = json.dumps(_report(response_code="00")).encode()
    stamp, nonce = str(int(time.time())), secrets.token_hex(16)
    sent = signature(device.secret, stamp, nonce, body)
    if change == "body":
        body = json.dumps(_report(response_code="97")).encode()
    elif change == "timestamp":
        stamp = str(int(stamp) - 1)
    elif change == "nonce":
        nonce = secrets.token_hex(16)
    return device.post(body, timestamp=stamp, nonce=nonce, headers={"HTTP_X_DEVICE_SIGNATURE": sent})


@pytest.mark.parametrize("change", ["body", "timestamp", "nonce"])
def test_a_request_changed_after_signing_is_refused(device, change):
    before = DeviceState(device.terminal)

    response = _signed_then(device, change)

    assert response.status_code == 403
    assert response.json()["error"] == "bad_signature"
    before.assert_unchanged()


@pytest.mark.parametrize("sent", ["", "0" * 64, "not-hex", "A" * 10_000])
def test_a_missing_or_forged_signature_is_refused(device, sent):
    before = DeviceState(device.terminal)

    response = device.report("transaction", code="00", headers={"HTTP_X_DEVICE_SIGNATURE": sent})

    assert response.status_code == 403
    assert response.json()["error"] == "bad_signature"
    before.assert_unchanged()


def test_a_signature_under_another_terminals_key_is_refused(device, device_for, live_terminal_for):
    other = device_for(live_terminal_for())
    before = DeviceState(device.terminal)

    response = device.report("transaction", code="00", secret=other.secret)

    assert response.status_code == 403
    before.assert_unchanged()


def test_a_signed_request_replayed_is_refused(device):
    body = json.dumps(_report(response_code="00"))
    stamp, nonce = str(int(time.time())), secrets.token_hex(16)
    assert device.post(body, timestamp=stamp, nonce=nonce).status_code == 201
    before = DeviceState(device.terminal)

    again = device.post(body, timestamp=stamp, nonce=nonce)

    assert again.status_code == 403
    assert again.json()["error"] == "replayed"
    before.assert_unchanged()


# --- Bad tokens: a per-address limit -------------------------------------------------------------


def test_a_thousand_bad_tokens_from_one_address_are_not_all_served(settings, device):
    settings.SUPPORT_DEVICE_AUTH_FAILURES_PER_ADDRESS = 20
    before = DeviceState(device.terminal)

    import time_machine

    # One window: on a loaded machine the thousand requests could otherwise straddle a minute.
    with time_machine.travel(timezone.now(), tick=False):
        statuses = [
            device.report("heartbeat", token=secrets.token_urlsafe(32), REMOTE_ADDR="203.0.113.7").status_code
            for _ in range(1000)
        ]
        blocked = device.report("heartbeat", token="x" * 43, REMOTE_ADDR="203.0.113.7")

    assert statuses.count(401) == 20
    assert statuses.count(429) == 980
    assert blocked.json()["error"] == "too_many_failures"
    assert int(blocked["Retry-After"]) >= 1
    before.assert_unchanged()
    # Another address is not punished for it.
    assert device.report("heartbeat", REMOTE_ADDR="198.51.100.9").status_code == 201


def test_the_address_limit_counts_clients_behind_the_trusted_proxy_apart(settings, device):
    settings.SUPPORT_DEVICE_AUTH_FAILURES_PER_ADDRESS = 3
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}

    for _ in range(5):
        device.report("heartbeat", token="y" * 43, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
    # A spoofed left-most entry does not give the attacker a fresh bucket.
    spoofed = device.report("heartbeat", token="y" * 43, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7", **proxy)

    assert spoofed.status_code == 429
    assert device.report("heartbeat", HTTP_X_FORWARDED_FOR="198.51.100.9", **proxy).status_code == 201


def test_the_address_limit_resets_in_the_next_window(settings, device):
    import time_machine

    settings.SUPPORT_DEVICE_AUTH_FAILURES_PER_ADDRESS = 1
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert device.report("heartbeat", token="z" * 43).status_code == 401
        assert device.report("heartbeat").status_code == 429
        clock.shift(61)
        assert device.report("heartbeat").status_code == 201


# --- Redis down: the API still answers, never 500 ------------------------------------------------

# The portal's Redis configuration (settings.py with REDIS_URL) on a port where nothing listens.
REDIS_DOWN = redis_caches("redis://127.0.0.1:1/0")


def test_with_redis_down_reports_are_stored_and_replays_still_refused(device):
    body = json.dumps(_report(response_code="96"))
    stamp, nonce = str(int(time.time())), secrets.token_hex(16)
    with override_settings(CACHES=REDIS_DOWN):
        stored = device.post(body, timestamp=stamp, nonce=nonce)
        replayed = device.post(body, timestamp=stamp, nonce=nonce)
        bad_token = device.report("heartbeat", token="w" * 43)

    assert stored.status_code == 201
    assert replayed.status_code == 403
    assert bad_token.status_code == 401
    assert DeviceEvent.objects.filter(terminal=device.terminal).count() == 1


def test_with_redis_down_the_limits_still_hold_in_the_process(settings, device):
    settings.SUPPORT_DEVICE_RATE_LIMIT = 2
    with override_settings(CACHES=REDIS_DOWN):
        statuses = [device.report("heartbeat").status_code for _ in range(3)]

    assert statuses == [201, 201, 429]


def test_with_redis_down_bad_tokens_are_still_limited_per_address(settings, device):
    import time_machine

    settings.SUPPORT_DEVICE_AUTH_FAILURES_PER_ADDRESS = 3
    # One frozen minute: the counts are per window.
    with override_settings(CACHES=REDIS_DOWN), time_machine.travel(timezone.now(), tick=False):
        statuses = [device.report("heartbeat", token="v" * 43).status_code for _ in range(4)]
        good = device.report("heartbeat")

    assert statuses == [401, 401, 401, 429]
    assert good.status_code == 429  # the address is refused before its token is read, as with Redis
    assert not DeviceEvent.objects.filter(terminal=device.terminal).exists()


def test_the_redis_down_tests_use_the_portal_s_redis_configuration(settings):
    if settings.REDIS_URL:
        assert redis_caches(settings.REDIS_URL) == settings.CACHES
    assert REDIS_DOWN["default"]["BACKEND"] == "pos_portal.cache.FallbackRedisCache"


# --- Generated input: never a 5xx, a refusal stores nothing ----------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
FIELDS = st.sampled_from(["event_id", "kind", "at", "response_code", "config", "software_version"])
PLAUSIBLE = {
    "event_id": st.text(min_size=0, max_size=70) | st.uuids().map(lambda u: u.hex),
    "kind": st.sampled_from(["heartbeat", "signin", "transaction", "", "HEARTBEAT"]) | st.text(max_size=12),
    "at": st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()) | st.text(max_size=40),
    "response_code": st.text(max_size=3) | st.sampled_from(["00", "97", "96", "ZZ", "a0"]),
    "config": st.dictionaries(st.sampled_from(["tid", "mid", "host", "port", "kcv", "key"]), JSON_VALUES, max_size=5),
    "software_version": st.text(max_size=50),
}
REPORTS = st.fixed_dictionaries({}, optional={k: v | JSON_VALUES for k, v in PLAUSIBLE.items()}) | st.dictionaries(
    FIELDS | st.text(max_size=10), JSON_VALUES, max_size=7
)
BODIES = REPORTS.map(lambda r: json.dumps(r, allow_nan=True).encode()) | st.binary(max_size=300)


@hypothesis_settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(body=BODIES)
def test_generated_bodies_never_answer_5xx_and_a_refusal_stores_nothing(settings, device, body):
    settings.SUPPORT_DEVICE_RATE_LIMIT = 1_000_000
    before = DeviceState(device.terminal)
    commands = RemoteCommand.objects.count()

    response = device.post(body)

    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        assert response.json()["message"]
        before.assert_unchanged()
        assert RemoteCommand.objects.count() == commands


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    token=st.text(max_size=80),
    timestamp=st.text(max_size=20),
    nonce=st.text(max_size=80),
    sent=st.text(max_size=80),
)
def test_generated_headers_never_answer_5xx(settings, device, token, timestamp, nonce, sent):
    settings.SUPPORT_DEVICE_AUTH_FAILURES_PER_ADDRESS = 1_000_000
    before = DeviceState(device.terminal)
    headers = {"HTTP_X_DEVICE_SIGNATURE": sent}

    try:
        response = device.post(
            _report(response_code="00"), token=token, timestamp=timestamp, nonce=nonce or None, headers=headers
        )
    except (UnicodeEncodeError, ValueError):
        return  # the test client cannot put such a header on the wire at all

    assert 400 <= response.status_code < 500
    before.assert_unchanged()
