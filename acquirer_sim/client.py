"""The reference sign-in client, used by the simulator's own tests.

It is deliberately minimal and blocking. The portal has its own client (in the
``terminals`` app) written against README.md; keeping the two apart means the
simulator's tests check the documented format, not a shared piece of code.
"""

from __future__ import annotations

import secrets
import socket
import time
from datetime import datetime

from acquirer_sim.wire import (
    LENGTH_HEADER,
    MAX_MESSAGE_LENGTH,
    SignInRequest,
    decode_response,
    encode_request,
    frame,
)


class ProtocolError(Exception):
    """The host answered, but not with an answer to our request."""


def sign_in(host: str, port: int, *, tid: str, mid: str, kcv: str, timeout: float = 5.0) -> str:
    """Sign a terminal in and return field 39 of the answer (e.g. ``"00"``).

    ``timeout`` bounds the whole exchange, connect included. Raises ValueError
    for a TID, MID or KCV that cannot be sent, OSError (TimeoutError,
    ConnectionError) when the host cannot be reached or does not answer,
    wire.MalformedMessage or ProtocolError when its answer makes no sense.
    """
    request = SignInRequest(
        tid=tid,
        mid=mid,
        kcv=kcv,
        stan=f"{secrets.randbelow(999_999) + 1:06d}",
        local_time=datetime.now().strftime("%H%M%S"),
    )
    response = decode_response(exchange(host, port, encode_request(request), timeout=timeout))
    # A terminal drops answers whose STAN is not its own: they belong to an
    # earlier request, so the result would be wrong.
    if response.stan != request.stan or response.tid != request.tid:
        raise ProtocolError(
            f"answer is for STAN {response.stan} TID {response.tid}, not STAN {request.stan} TID {request.tid}"
        )
    return response.response_code


def exchange(host: str, port: int, message: bytes, *, timeout: float = 5.0) -> bytes:
    """Send one ISO 8583 message and return the one that answers it (both unframed)."""
    deadline = time.monotonic() + timeout
    with socket.create_connection((host, port), timeout=timeout) as sock:
        _set_remaining(sock, deadline)
        sock.sendall(frame(message))
        return recv_frame(sock, deadline=deadline)


def recv_frame(sock: socket.socket, *, deadline: float) -> bytes:
    """Read one length-prefixed message, however the bytes are split by TCP."""
    (length,) = LENGTH_HEADER.unpack(_recv_exactly(sock, LENGTH_HEADER.size, deadline))
    if length > MAX_MESSAGE_LENGTH:
        raise ProtocolError(f"frame of {length} bytes announced, over {MAX_MESSAGE_LENGTH}")
    return _recv_exactly(sock, length, deadline)


def _recv_exactly(sock: socket.socket, size: int, deadline: float) -> bytes:
    chunks = bytearray()
    while len(chunks) < size:
        _set_remaining(sock, deadline)
        chunk = sock.recv(size - len(chunks))
        if not chunk:
            raise ConnectionError(f"connection closed after {len(chunks)} of {size} bytes")
        chunks += chunk
    return bytes(chunks)


def _set_remaining(sock: socket.socket, deadline: float) -> None:
    # A per-call socket timeout alone would let a host that trickles one byte
    # at a time stretch the exchange indefinitely.
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError("the host did not answer in time")
    sock.settimeout(remaining)
