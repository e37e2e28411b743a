"""The JSON management API: registrations, look-ups, history and refusals."""

from __future__ import annotations

import http.client
import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from acquirer_sim.client import sign_in
from acquirer_sim.registry import Registry
from acquirer_sim.testing import RunningSimulator, run_simulator

HOST = "127.0.0.1"
TID = "10000001"
MID = "898621045311234"


@pytest.fixture
def sim() -> Iterator[RunningSimulator]:
    with run_simulator() as running:
        yield running


def call(
    sim: RunningSimulator,
    method: str,
    path: str,
    body: Any = None,
    *,
    raw: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, Any, http.client.HTTPResponse]:
    connection = http.client.HTTPConnection(HOST, sim.admin_port, timeout=5)
    try:
        payload = raw if raw is not None else None if body is None else json.dumps(body).encode()
        connection.request(method, path, body=payload, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
        return response.status, json.loads(data) if data else None, response
    finally:
        connection.close()


def test_healthz_says_ok(sim: RunningSimulator) -> None:
    status, body, _ = call(sim, "GET", "/healthz")

    assert (status, body) == (200, {"status": "ok"})


def test_it_registers_and_reads_back_a_merchant(sim: RunningSimulator) -> None:
    assert call(sim, "PUT", f"/merchants/{MID}", {"active": True})[:2] == (
        200,
        {"mid": MID, "active": True},
    )
    assert call(sim, "GET", f"/merchants/{MID}")[:2] == (200, {"mid": MID, "active": True})


def test_a_merchant_is_active_unless_told_otherwise(sim: RunningSimulator) -> None:
    call(sim, "PUT", f"/merchants/{MID}", {})

    assert sim.registry.get_merchant(MID).active is True


def test_it_registers_reads_back_and_deletes_a_terminal(sim: RunningSimulator) -> None:
    status, body, _ = call(sim, "PUT", f"/terminals/{TID}", {"mid": MID, "kcv": "abc123"})
    assert (status, body) == (200, {"tid": TID, "mid": MID, "kcv": "ABC123", "active": True})

    assert call(sim, "GET", f"/terminals/{TID}")[:2] == (200, body)

    status, body, response = call(sim, "DELETE", f"/terminals/{TID}")
    assert (status, body, response.getheader("Content-Length")) == (204, None, "0")
    assert call(sim, "GET", f"/terminals/{TID}")[0] == 404
    assert call(sim, "DELETE", f"/terminals/{TID}")[0] == 404


def test_an_unknown_merchant_is_404(sim: RunningSimulator) -> None:
    status, body, _ = call(sim, "GET", f"/merchants/{MID}")

    assert (status, body) == (404, {"error": f"merchant {MID} is not registered"})


def test_registrations_made_through_the_api_decide_sign_ins(sim: RunningSimulator) -> None:
    call(sim, "PUT", f"/merchants/{MID}", {"active": True})
    call(sim, "PUT", f"/terminals/{TID}", {"mid": MID, "kcv": "ABC123", "active": True})
    assert sign_in(HOST, sim.iso_port, tid=TID, mid=MID, kcv="ABC123") == "00"

    call(sim, "PUT", f"/merchants/{MID}", {"active": False})
    assert sign_in(HOST, sim.iso_port, tid=TID, mid=MID, kcv="ABC123") == "03"

    call(sim, "DELETE", f"/terminals/{TID}")
    assert sign_in(HOST, sim.iso_port, tid=TID, mid=MID, kcv="ABC123") == "97"


def test_signins_lists_the_latest_first_without_keys(sim: RunningSimulator) -> None:
    sim.register_merchant(MID)
    sim.register_terminal(TID, MID, "ABC123")
    sign_in(HOST, sim.iso_port, tid=TID, mid=MID, kcv="ABC123")
    sign_in(HOST, sim.iso_port, tid=TID, mid=MID, kcv="FED987")

    status, body, _ = call(sim, "GET", "/signins")

    assert status == 200
    assert [(s["tid"], s["mid"], s["response_code"]) for s in body["signins"]] == [
        (TID, "8986****1234", "A0"),
        (TID, "8986****1234", "00"),
    ]
    assert "ABC123" not in json.dumps(body) and "FED987" not in json.dumps(body)
    assert call(sim, "GET", "/signins?limit=1")[1]["signins"] == body["signins"][:1]


def test_changes_through_the_api_reach_the_registry_file(tmp_path: Path) -> None:
    path = tmp_path / "registry.json"
    with run_simulator(Registry(path)) as sim:
        call(sim, "PUT", f"/terminals/{TID}", {"mid": MID, "kcv": "ABC123"})

    assert Registry(path).get_terminal(TID) is not None


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "complaint"),
    [
        ("PUT", f"/merchants/{MID}", {"raw": b"{not json"}, "not JSON"),
        ("PUT", f"/merchants/{MID}", {"raw": b"\xff\xfe"}, "not JSON"),
        ("PUT", f"/merchants/{MID}", {"body": ["active"]}, "body must be an object"),
        ("PUT", f"/merchants/{MID}", {}, "a JSON body"),
        ("PUT", f"/merchants/{MID}", {"body": {"activ": True}}, "unknown keys activ"),
        ("PUT", f"/merchants/{MID}", {"body": {"active": "true"}}, "active must be true or false"),
        ("PUT", "/merchants/8986", {"body": {}}, "MID"),
        ("PUT", f"/terminals/{TID}", {"body": {"mid": MID}}, "lacks kcv"),
        ("PUT", f"/terminals/{TID}", {"body": {"kcv": "ABC123"}}, "lacks mid"),
        ("PUT", f"/terminals/{TID}", {"body": {"mid": MID, "kcv": "ABC12X"}}, "KCV"),
        ("PUT", f"/terminals/{TID}", {"body": {"mid": MID, "kcv": 123456}}, "KCV"),
        ("PUT", f"/terminals/{TID}", {"body": {"mid": "x", "kcv": "ABC123"}}, "MID"),
        ("PUT", f"/terminals/{TID}", {"body": {"mid": MID, "kcv": "ABC123", "active": 1}}, "active"),
        ("PUT", "/terminals/1000000a", {"body": {"mid": MID, "kcv": "ABC123"}}, "TID"),
        ("PUT", f"/terminals/{TID}", {"raw": b" " * (16 * 1024 + 1)}, "body over"),
        ("GET", "/terminals/short", {}, "TID"),
        ("DELETE", "/terminals/short", {}, "TID"),
        ("GET", "/merchants/short", {}, "MID"),
        ("GET", "/signins?limit=0", {}, "limit"),
        ("GET", "/signins?limit=many", {}, "limit"),
    ],
)
def test_it_answers_400_with_a_reason_for_bad_input_and_changes_nothing(
    sim: RunningSimulator, method: str, path: str, kwargs: dict[str, Any], complaint: str
) -> None:
    status, body, response = call(sim, method, path, **kwargs)

    assert status == 400
    assert response.getheader("Content-Type") == "application/json"
    assert complaint in body["error"]
    assert sim.registry.to_json() == {"merchants": {}, "terminals": {}}


def test_a_body_without_content_length_is_400(sim: RunningSimulator) -> None:
    with socket.create_connection((HOST, sim.admin_port), timeout=5) as sock:
        sock.sendall(f"PUT /merchants/{MID} HTTP/1.0\r\n\r\n{{}}".encode())
        sock.shutdown(socket.SHUT_WR)
        reply = b""
        while chunk := sock.recv(4096):
            reply += chunk

    assert reply.startswith(b"HTTP/1.0 400 ")
    assert b"Content-Length header is required" in reply


def test_a_400_never_repeats_a_key_sent_by_mistake(sim: RunningSimulator) -> None:
    clear_key = "0123456789ABCDEFFEDCBA9876543210"

    status, body, _ = call(sim, "PUT", f"/terminals/{TID}", {"mid": MID, "kcv": clear_key})

    assert status == 400
    assert clear_key not in body["error"]


def test_an_unknown_path_is_404(sim: RunningSimulator) -> None:
    status, body, _ = call(sim, "GET", "/nowhere")

    assert (status, body) == (404, {"error": "no such resource: /nowhere"})


def test_a_method_a_resource_does_not_support_is_405_with_allow(sim: RunningSimulator) -> None:
    status, body, response = call(sim, "POST", f"/terminals/{TID}", {})

    assert status == 405
    assert response.getheader("Allow") == "DELETE, GET, PUT"
    assert "POST not allowed" in body["error"]
