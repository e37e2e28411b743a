"""The reference client: split reads, timeouts and answers that do not fit."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from acquirer_sim import wire
from acquirer_sim.client import ProtocolError, exchange, recv_frame, sign_in

HOST = "127.0.0.1"
TID = "10000001"
MID = "898621045311234"


@pytest.fixture
def fake_host() -> Iterator[Callable[[Callable[[socket.socket], None]], int]]:
    """A one-connection host whose behaviour each test scripts."""
    listeners: list[socket.socket] = []
    threads: list[threading.Thread] = []

    def start(behave: Callable[[socket.socket], None]) -> int:
        listener = socket.create_server((HOST, 0))
        listener.settimeout(5)
        listeners.append(listener)

        def serve() -> None:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                # The client may hang up first; that is what several tests provoke.
                with contextlib.suppress(OSError):
                    behave(conn)

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        threads.append(thread)
        return int(listener.getsockname()[1])

    yield start
    for listener in listeners:
        listener.close()
    for thread in threads:
        thread.join(timeout=6)


def test_it_reads_a_frame_delivered_one_byte_at_a_time() -> None:
    left, right = socket.socketpair()
    with left, right:
        left.settimeout(5)
        payload = wire.frame(b"0810" + b"0" * 40)

        def trickle() -> None:
            for byte in payload:
                right.sendall(bytes([byte]))
                time.sleep(0.001)

        thread = threading.Thread(target=trickle)
        thread.start()
        assert recv_frame(left, deadline=time.monotonic() + 5) == payload[2:]
        thread.join(timeout=5)


def test_it_reports_a_connection_closed_inside_a_frame() -> None:
    left, right = socket.socketpair()
    with left:
        right.sendall(b"\x00\x10" + b"0810")
        right.close()

        with pytest.raises(ConnectionError, match="after 4 of 16 bytes"):
            recv_frame(left, deadline=time.monotonic() + 5)


def test_it_refuses_a_frame_longer_than_the_format_allows() -> None:
    left, right = socket.socketpair()
    with left, right:
        right.sendall(b"\xff\xff")

        with pytest.raises(ProtocolError):
            recv_frame(left, deadline=time.monotonic() + 5)


def test_it_gives_up_on_a_host_that_never_answers(fake_host) -> None:
    port = fake_host(lambda conn: time.sleep(1.5))
    started = time.monotonic()

    with pytest.raises(TimeoutError):
        exchange(HOST, port, b"0800", timeout=0.5)

    assert time.monotonic() - started < 1.4


def test_the_timeout_covers_a_host_that_trickles_its_answer(fake_host) -> None:
    def trickle(conn: socket.socket) -> None:
        conn.sendall(b"\x00\x50")
        for _ in range(15):
            conn.sendall(b"0")
            time.sleep(0.1)

    port = fake_host(trickle)

    with pytest.raises(TimeoutError):
        exchange(HOST, port, b"0800", timeout=0.5)


def test_it_refuses_an_answer_meant_for_another_request(fake_host) -> None:
    def answer_with_another_stan(conn: socket.socket) -> None:
        recv_frame(conn, deadline=time.monotonic() + 5)
        response = wire.SignInResponse(response_code="00", stan="999999", tid=TID, mid=MID)
        conn.sendall(wire.frame(wire.encode_response(response)))

    port = fake_host(answer_with_another_stan)

    with pytest.raises(ProtocolError, match="STAN 999999"):
        sign_in(HOST, port, tid=TID, mid=MID, kcv="ABC123")


def test_it_refuses_to_send_a_malformed_tid_before_connecting() -> None:
    with pytest.raises(ValueError, match="TID"):
        sign_in(HOST, 9, tid="1", mid=MID, kcv="ABC123", timeout=0.1)
