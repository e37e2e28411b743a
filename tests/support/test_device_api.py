"""The device API: who may report, what is refused (nothing stored), floods, retries."""

import hashlib
import json
import time
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from terminals.models import DeviceCredential, DeviceEvent, TerminalHealth
from terminals.services import credential_issue, credential_revoke, signing_secret

from .conftest import DeviceState, config_of


def test_a_heartbeat_is_stored_and_updates_the_terminals_health(device):
    config = config_of(device.terminal)
    response = device.report("heartbeat", config=config)

    assert response.status_code == 201
    assert response.json()["stored"] is True
    health = TerminalHealth.objects.get(terminal=device.terminal)
    assert health.last_heartbeat_at is not None
    assert health.reported_config == config


def test_a_signin_and_a_transaction_record_their_codes(device):
    device.report("signin", code="97")
    device.report("transaction", code="00")

    health = TerminalHealth.objects.get(terminal=device.terminal)
    assert health.last_signin_code == "97"
    assert health.last_transaction_at is not None
    assert health.last_code == "00"


def test_the_token_is_kept_only_as_its_hash(live_terminal, support):
    credential, token = credential_issue(terminal=live_terminal, by=support)

    stored = DeviceCredential.objects.get(pk=credential.pk)
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in json.dumps(list(DeviceCredential.objects.values()), default=str)


def test_the_same_report_twice_is_stored_once(device):
    first = device.report("signin", code="00", event_id="evt-000000001")
    again = device.report("signin", code="00", event_id="evt-000000001")

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json() == {**again.json(), "stored": False, "duplicate": True}
    assert DeviceEvent.objects.filter(terminal=device.terminal).count() == 1


def test_the_same_event_id_from_another_terminal_is_its_own_report(device, device_for, live_terminal_for):
    other = device_for(live_terminal_for())
    device.report("heartbeat", event_id="evt-shared-0001")
    response = other.report("heartbeat", event_id="evt-shared-0001")

    assert response.status_code == 201
    assert DeviceEvent.objects.count() == 2


# --- Authentication and replays: refused, nothing stored, state unchanged -------------------


@pytest.mark.parametrize(
    "token",
    ["", "not-the-token", "Zm9vYmFy" * 5],
    ids=["missing", "wrong", "wrong-long"],
)
def test_a_wrong_token_is_refused_with_401(device, token):
    before = DeviceState(device.terminal)
    response = device.report("heartbeat", token=token)

    assert response.status_code == 401
    assert response.json()["error"] == "unauthenticated"
    assert "token" in response.json()["message"]
    before.assert_unchanged()


def test_another_scheme_than_bearer_is_refused(device):
    before = DeviceState(device.terminal)
    response = device.report("heartbeat", headers={"HTTP_AUTHORIZATION": f"Basic {device.token}"})

    assert response.status_code == 401
    before.assert_unchanged()


def test_a_revoked_token_is_refused(device, support):
    credential_revoke(terminal=device.terminal, by=support)
    before = DeviceState(device.terminal)

    assert device.report("heartbeat").status_code == 401
    before.assert_unchanged()


def test_a_reissued_token_replaces_the_old_one_and_brings_a_new_signing_key(device, support):
    old_token, old_secret = device.token, device.secret
    credential, device.token = credential_issue(terminal=device.terminal, by=support)

    assert device.report("heartbeat", token=old_token).status_code == 401
    assert device.report("heartbeat", secret=old_secret).json()["error"] == "bad_signature"
    device.secret = signing_secret(credential)
    assert device.report("heartbeat").status_code == 201


def test_a_replayed_request_is_refused_with_403(device):
    body = {"event_id": uuid.uuid4().hex, "kind": "heartbeat", "at": timezone.now().isoformat()}
    assert device.post(body, nonce="nonce-aaaaaaaaaaaaaaaa").status_code == 201
    before = DeviceState(device.terminal)

    replay = device.post({**body, "event_id": uuid.uuid4().hex}, nonce="nonce-aaaaaaaaaaaaaaaa")

    assert replay.status_code == 403
    assert replay.json()["error"] == "replayed"
    before.assert_unchanged()


@pytest.mark.parametrize("offset", [-3600, 3600, -(10**9)], ids=["an-hour-old", "an-hour-ahead", "1970"])
def test_a_request_with_a_stale_timestamp_is_refused(device, offset):
    before = DeviceState(device.terminal)
    response = device.report("heartbeat", timestamp=int(time.time()) + offset)

    assert response.status_code == 403
    assert response.json()["error"] == "stale_or_unsigned_request"
    before.assert_unchanged()


@pytest.mark.parametrize("timestamp,nonce", [("", None), ("soon", None), (None, "short")])
def test_a_request_without_timestamp_or_nonce_is_refused(device, timestamp, nonce):
    before = DeviceState(device.terminal)
    response = (
        device.report("heartbeat", timestamp=timestamp, nonce=nonce)
        if timestamp is not None
        else device.report("heartbeat", nonce=nonce)
    )

    assert response.status_code == 403
    before.assert_unchanged()


def test_a_retired_terminal_may_not_report(device):
    type(device.terminal).objects.filter(pk=device.terminal.pk).update(status="retired")
    before = DeviceState(device.terminal)

    response = device.report("heartbeat")

    assert response.status_code == 403
    assert response.json()["error"] == "terminal_not_live"
    before.assert_unchanged()


def test_only_post_is_allowed(device):
    assert device.client.get("/terminals/api/v1/reports").status_code == 405


# --- Bad input: 400 with the field, nothing stored ---------------------------------------


def _valid() -> dict:
    return {"event_id": uuid.uuid4().hex, "kind": "signin", "at": timezone.now().isoformat(), "response_code": "00"}


@pytest.mark.parametrize(
    "body,field",
    [
        (b"{not json", ""),
        (b"\xff\xfe", ""),
        (json.dumps([1, 2]), ""),
        (json.dumps({**_valid(), "pan": "6222020000000000000"}), "pan"),
        (json.dumps({**_valid(), "event_id": "x"}), "event_id"),
        (json.dumps({**_valid(), "kind": "reboot"}), "kind"),
        (json.dumps({**_valid(), "response_code": "Z!"}), "response_code"),
        (json.dumps({**_valid(), "response_code": "9"}), "response_code"),
        (json.dumps({k: v for k, v in _valid().items() if k != "response_code"}), "response_code"),
        (json.dumps({**_valid(), "kind": "heartbeat"}), "response_code"),
        (json.dumps({**_valid(), "at": "yesterday"}), "at"),
        (json.dumps({**_valid(), "at": "2026-11-24T09:30:00"}), "at"),
        (json.dumps({**_valid(), "at": "2999-01-01T00:00:00+08:00"}), "at"),
        (json.dumps({**_valid(), "at": "1970-01-01T00:00:00+00:00"}), "at"),
        (json.dumps({**_valid(), "config": {"port": "5800"}}), "config"),
        (json.dumps({**_valid(), "config": {"key": "0123456789ABCDEF"}}), "config"),
        (json.dumps({**_valid(), "config": {"kcv": "not-hex"}}), "config"),
    ],
    ids=[
        "malformed-json",
        "not-utf8",
        "not-an-object",
        "card-number-field",
        "short-event-id",
        "unknown-kind",
        "not-a-code",
        "one-digit-code",
        "missing-code",
        "heartbeat-with-code",
        "time-in-words",
        "time-without-offset",
        "time-in-the-future",
        "time-in-1970",
        "port-as-text",
        "a-clear-key",
        "kcv-not-hex",
    ],
)
def test_bad_input_is_refused_with_400_and_nothing_stored(device, body, field):
    device.report("heartbeat", config=config_of(device.terminal))
    before = DeviceState(device.terminal)

    response = device.post(body)

    assert response.status_code == 400
    data = response.json()
    assert data["error"] == "invalid_report"
    assert data["message"]
    assert data["field"] == field
    before.assert_unchanged()


def test_a_well_formed_code_the_catalogue_does_not_know_is_kept_as_evidence(device):
    response = device.report("transaction", code="ZZ")

    assert response.status_code == 201
    assert TerminalHealth.objects.get(terminal=device.terminal).last_code == "ZZ"


def test_a_body_too_large_is_refused(device):
    before = DeviceState(device.terminal)
    response = device.post(json.dumps({**_valid(), "software_version": "x" * 9000}))

    assert response.status_code == 413
    before.assert_unchanged()


def test_a_report_a_few_minutes_old_is_accepted(device):
    assert device.report("heartbeat", at=timezone.now() - timedelta(hours=3)).status_code == 201


def test_a_late_report_does_not_move_the_last_heartbeat_back(device):
    device.report("heartbeat")
    latest = TerminalHealth.objects.get(terminal=device.terminal).last_heartbeat_at
    device.report("heartbeat", at=timezone.now() - timedelta(hours=2))

    assert TerminalHealth.objects.get(terminal=device.terminal).last_heartbeat_at == latest


# --- Rate limit: a flood from one terminal is throttled, the others are not -------------------


def test_a_flood_from_one_terminal_is_throttled_without_touching_the_others(
    settings, device, device_for, live_terminal_for
):
    settings.SUPPORT_DEVICE_RATE_LIMIT = 5
    other = device_for(live_terminal_for())

    statuses = [device.report("heartbeat").status_code for _ in range(8)]

    assert statuses[:5] == [201] * 5
    assert statuses[5:] == [429] * 3
    throttled = device.report("heartbeat")
    assert throttled.json()["error"] == "rate_limited"
    assert int(throttled["Retry-After"]) >= 1
    assert DeviceEvent.objects.filter(terminal=device.terminal).count() == 5
    assert other.report("heartbeat").status_code == 201


def test_the_limit_resets_in_the_next_window(settings, device):
    settings.SUPPORT_DEVICE_RATE_LIMIT = 1
    import time_machine

    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert device.report("heartbeat").status_code == 201
        assert device.report("heartbeat").status_code == 429
        clock.shift(61)
        assert device.report("heartbeat").status_code == 201


def test_a_timestamp_of_unicode_digits_is_refused_in_json_not_a_server_error(device):
    from terminals.models import DeviceEvent

    response = device.report("heartbeat", timestamp="²")

    assert response.status_code == 403
    assert response.json()["error"]
    assert not DeviceEvent.objects.exists()


def test_terminals_set_up_before_the_move_still_reach_the_api_at_its_old_address(device):
    device.URL = "/support/api/v1/reports"

    assert device.report("heartbeat").status_code == 201
    assert DeviceEvent.objects.filter(terminal=device.terminal).count() == 1
