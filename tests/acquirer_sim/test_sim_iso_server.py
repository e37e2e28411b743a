"""Sign-ins over real TCP: every response code, framing and robustness."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import iso8583
import pytest

from acquirer_sim import wire
from acquirer_sim.client import exchange, recv_frame, sign_in
from acquirer_sim.testing import RunningSimulator, run_simulator

HOST = "127.0.0.1"
TID = "10000001"
MID = "898621045311234"
KCV = "ABC123"


@pytest.fixture
def sim() -> Iterator[RunningSimulator]:
    with run_simulator(frame_timeout=0.5, idle_timeout=2.0) as running:
        running.register_merchant(MID)
        running.register_terminal(TID, MID, KCV)
        yield running


def connect(sim: RunningSimulator) -> socket.socket:
    sock = socket.create_connection((HOST, sim.iso_port), timeout=5)
    sock.settimeout(5)
    return sock


def read_reply(sock: socket.socket) -> wire.SignInResponse:
    return wire.decode_response(recv_frame(sock, deadline=time.monotonic() + 5))


def request_bytes(**overrides: str) -> bytes:
    fields = {"tid": TID, "mid": MID, "kcv": KCV, "stan": "000042", "local_time": "101500"}
    return wire.encode_request(wire.SignInRequest(**{**fields, **overrides}))


def closed_by_peer(sock: socket.socket) -> bool:
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


def test_it_answers_00_for_a_registered_terminal_with_the_right_key(sim: RunningSimulator) -> None:
    assert sign_in(HOST, sim.iso_port, tid=TID, mid=MID, kcv=KCV) == "00"


def test_it_answers_97_for_an_unregistered_terminal(sim: RunningSimulator) -> None:
    assert sign_in(HOST, sim.iso_port, tid="10000002", mid=MID, kcv=KCV) == "97"


def test_it_answers_97_for_a_deactivated_terminal(sim: RunningSimulator) -> None:
    sim.register_terminal(TID, MID, KCV, active=False)

    assert sign_in(HOST, sim.iso_port, tid=TID, mid=MID, kcv=KCV) == "97"


def test_it_answers_03_for_an_unregistered_merchant(sim: RunningSimulator) -> None:
    sim.register_terminal("10000002", "898621045319999", KCV)

    assert sign_in(HOST, sim.iso_port, tid="10000002", mid="898621045319999", kcv=KCV) == "03"


def test_it_answers_03_for_a_deactivated_merchant(sim: RunningSimulator) -> None:
    sim.register_merchant(MID, active=False)

    assert sign_in(HOST, sim.iso_port, tid=TID, mid=MID, kcv=KCV) == "03"


def test_it_answers_a0_for_a_key_check_value_mismatch(sim: RunningSimulator) -> None:
    assert sign_in(HOST, sim.iso_port, tid=TID, mid=MID, kcv="ABC124") == "A0"


def test_it_answers_30_for_a_malformed_message(sim: RunningSimulator) -> None:
    message, _ = iso8583.encode({"t": "0800", "11": "000042", "41": TID}, wire.SPEC)

    response = wire.decode_response(exchange(HOST, sim.iso_port, bytes(message)))

    assert response.response_code == "30"
    assert (response.stan, response.tid, response.host_time) == ("000042", TID, None)


def test_it_answers_97_when_the_terminal_belongs_to_another_registered_merchant(
    sim: RunningSimulator,
) -> None:
    sim.register_merchant("898621045319999")

    assert sign_in(HOST, sim.iso_port, tid=TID, mid="898621045319999", kcv=KCV) == "97"


def test_an_inactive_merchant_outranks_a_wrong_key_over_the_wire(sim: RunningSimulator) -> None:
    sim.register_merchant(MID, active=False)

    assert sign_in(HOST, sim.iso_port, tid=TID, mid=MID, kcv="000000") == "03"


def test_a_00_answer_echoes_the_request_and_carries_the_host_time() -> None:
    now = datetime(2026, 3, 9, 4, 5, 6, tzinfo=UTC)
    with run_simulator(clock=lambda: now) as sim:
        sim.register_merchant(MID)
        sim.register_terminal(TID, MID, KCV)

        raw = exchange(HOST, sim.iso_port, request_bytes(network_data="00000001003"))

    assert wire.decode_response(raw) == wire.SignInResponse(
        response_code="00",
        stan="000042",
        tid=TID,
        mid=MID,
        host_time="0309040506",
        network_data="00000001003",
        processing_code="990000",
    )


def test_only_a_00_answer_carries_the_host_time(sim: RunningSimulator) -> None:
    raw = exchange(HOST, sim.iso_port, request_bytes(kcv="000000"))

    assert wire.decode_response(raw).host_time is None


def test_it_reassembles_a_frame_that_arrives_one_byte_at_a_time(sim: RunningSimulator) -> None:
    with connect(sim) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for byte in wire.frame(request_bytes()):
            sock.sendall(bytes([byte]))
            time.sleep(0.001)

        assert read_reply(sock).response_code == "00"


def test_it_answers_two_frames_sent_in_one_write_in_order(sim: RunningSimulator) -> None:
    with connect(sim) as sock:
        sock.sendall(wire.frame(request_bytes(stan="000001")) + wire.frame(request_bytes(stan="000002")))

        assert [read_reply(sock).stan for _ in range(2)] == ["000001", "000002"]


def test_a_garbage_frame_is_answered_30_and_the_connection_stays_usable(
    sim: RunningSimulator,
) -> None:
    with connect(sim) as sock:
        sock.sendall(wire.frame(b"\xff\x00GET / HTTP/1.1\r\n\r\n"))
        assert read_reply(sock).response_code == "30"

        sock.sendall(wire.frame(request_bytes()))
        assert read_reply(sock).response_code == "00"


def test_an_empty_frame_is_answered_30(sim: RunningSimulator) -> None:
    assert wire.decode_response(exchange(HOST, sim.iso_port, b"")).response_code == "30"


def test_a_frame_truncated_by_a_closed_connection_is_dropped_without_harm(
    sim: RunningSimulator,
) -> None:
    with connect(sim) as sock:
        sock.sendall(wire.frame(request_bytes())[:30])
        sock.shutdown(socket.SHUT_WR)

        assert closed_by_peer(sock)

    assert sign_in(HOST, sim.iso_port, tid=TID, mid=MID, kcv=KCV) == "00"


def test_a_frame_that_stops_arriving_is_dropped_after_the_frame_timeout(
    sim: RunningSimulator,
) -> None:
    with connect(sim) as sock:
        sock.sendall(wire.frame(request_bytes())[:30])
        started = time.monotonic()

        assert closed_by_peer(sock)
        assert time.monotonic() - started < 3

    assert sim.signins() == []


def test_a_length_over_the_limit_drops_the_connection_and_nothing_else(
    sim: RunningSimulator,
) -> None:
    with connect(sim) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\n\r\n")

        assert closed_by_peer(sock)

    assert sign_in(HOST, sim.iso_port, tid=TID, mid=MID, kcv=KCV) == "00"


def test_an_idle_connection_is_closed_after_the_idle_timeout(sim: RunningSimulator) -> None:
    with connect(sim) as sock:
        started = time.monotonic()

        assert closed_by_peer(sock)
        assert 1.5 < time.monotonic() - started < 4.5


def test_a_terminal_may_sign_in_repeatedly_on_one_connection(sim: RunningSimulator) -> None:
    with connect(sim) as sock:
        codes = []
        for kcv in (KCV, "000000", KCV):
            sock.sendall(wire.frame(request_bytes(kcv=kcv)))
            codes.append(read_reply(sock).response_code)

    assert codes == ["00", "A0", "00"]


def test_it_serves_many_terminals_at_once(sim: RunningSimulator) -> None:
    for n in range(2, 22):
        sim.register_terminal(f"{n:08d}", MID, KCV)
    results: dict[int, str] = {}

    def sign_in_as(n: int) -> None:
        results[n] = sign_in(HOST, sim.iso_port, tid=f"{n:08d}", mid=MID, kcv=KCV)

    threads = [threading.Thread(target=sign_in_as, args=(n,)) for n in range(2, 22)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert set(results.values()) == {"00"} and len(results) == 20


def test_stopping_closes_connections_that_are_still_open() -> None:
    with run_simulator() as sim:
        sock = connect(sim)
    with sock:
        assert closed_by_peer(sock)


def test_it_records_each_sign_in_without_the_key_and_with_the_mid_masked(
    sim: RunningSimulator,
) -> None:
    sign_in(HOST, sim.iso_port, tid=TID, mid=MID, kcv="ABC124")

    [record] = sim.signins()
    assert (record.tid, record.mid_masked, record.response_code) == (TID, "8986****1234", "A0")
    assert "ABC12" not in repr(record)


def test_it_logs_sign_ins_without_keys_or_full_mids(sim: RunningSimulator, caplog: pytest.LogCaptureFixture) -> None:
    clear_key = "0123456789ABCDEFFEDCBA9876543210"
    message, _ = iso8583.encode(
        {
            "t": "0800",
            "3": "990000",
            "11": "000042",
            "12": "101500",
            "41": TID,
            "42": MID,
            "62": clear_key,
        },
        wire.SPEC,
    )
    with caplog.at_level(logging.DEBUG, logger="acquirer_sim"):
        sign_in(HOST, sim.iso_port, tid=TID, mid=MID, kcv=KCV)
        exchange(HOST, sim.iso_port, bytes(message))

    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("sign-in")]
    assert len(lines) == 2
    assert f"tid={TID} mid=8986****1234" in lines[0] and "code=00" in lines[0]
    assert "code=30" in lines[1]
    assert not any(KCV in line or clear_key in line or MID in line for line in lines)
    assert clear_key not in repr(sim.signins())
