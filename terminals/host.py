"""The portal's side of the acquirer host: a terminal's sign-in, and registrations.

A sign-in is what the terminal itself sends once configured: an ISO 8583 (ASCII) 0800
message with processing code 990000, behind a 2-byte big-endian length header; the host
answers 0810 with the response code in field 39. This module is a terminal-side
implementation of that documented format (acquirer_sim/README.md), written on
pyiso8583; it does not import the simulator, which is test and demo equipment.

Registrations (which MIDs and TIDs the host knows) go to the host's management API
at settings.ACQUIRER_ADMIN_URL, JSON over HTTP.
"""

import json
import secrets
import socket
import struct
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urlsplit

import iso8583
from django.conf import settings
from django.core.cache import cache
from iso8583.specs import default_ascii

SIGN_IN_MTI = "0800"
SIGN_IN_ANSWER_MTI = "0810"
SIGN_IN_PROCESSING_CODE = "990000"
LENGTH_HEADER = struct.Struct(">H")
MAX_MESSAGE_LENGTH = 2048
DEFAULT_TIMEOUT = 5.0


def signin_endpoints() -> list[tuple[str, int]]:
    """The (host, port) pairs of the acquirer's hosts: the only places a sign-in test connects to.

    settings.ACQUIRER_SIGNIN_ENDPOINTS may list several (e.g. a backup host); by default the one
    of ACQUIRER_HOST and ACQUIRER_PORT.
    """
    endpoints = getattr(settings, "ACQUIRER_SIGNIN_ENDPOINTS", None)
    if endpoints:
        return [(str(h), int(p)) for h, p in endpoints]
    return [(settings.ACQUIRER_HOST, int(settings.ACQUIRER_PORT))]


class HostUnreachable(Exception):
    """No usable answer: the host could not be reached, did not answer in time, or spoke nonsense."""


@dataclass(frozen=True)
class SignInAnswer:
    response_code: str
    stan: str
    host_time: str = ""


def sign_in(*, host: str, port: int, tid: str, mid: str, kcv: str, timeout: float = DEFAULT_TIMEOUT) -> SignInAnswer:
    """Sign a terminal in at host:port, as the terminal would, and return the host's answer.

    `kcv` is the key check value: the message never carries a key.
    """
    stan = f"{secrets.randbelow(999_999) + 1:06d}"
    request = {
        "t": SIGN_IN_MTI,
        "3": SIGN_IN_PROCESSING_CODE,
        "11": stan,
        "12": datetime.now().strftime("%H%M%S"),
        "41": tid,
        "42": mid,
        "62": kcv.upper(),
    }
    try:
        raw, _encoded = iso8583.encode(request, default_ascii)
    except iso8583.EncodeError as exc:
        raise HostUnreachable(f"the configuration cannot be sent: {exc}") from exc
    answer = _decode(_exchange(host, port, bytes(raw), timeout=timeout))
    # A terminal ignores an answer to someone else's request (another STAN or TID).
    if answer.get("11") != stan or answer.get("41", tid) != tid:
        raise HostUnreachable("the host answered another request (STAN or TID differ)")
    return SignInAnswer(response_code=answer["39"], stan=stan, host_time=answer.get("7", ""))


def _decode(message: bytes) -> dict[str, str]:
    try:
        doc, _decoded = iso8583.decode(message, default_ascii)
    except iso8583.DecodeError as exc:
        raise HostUnreachable(f"the host's answer is not ISO 8583: {exc}") from exc
    if doc.get("t") != SIGN_IN_ANSWER_MTI or not doc.get("39"):
        raise HostUnreachable(f"the host's answer is not a sign-in answer (message type {doc.get('t')})")
    return doc


def _exchange(host: str, port: int, message: bytes, *, timeout: float) -> bytes:
    deadline = time.monotonic() + timeout
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.settimeout(_remaining(deadline))
            sock.sendall(LENGTH_HEADER.pack(len(message)) + message)
            (length,) = LENGTH_HEADER.unpack(_recv_exactly(sock, LENGTH_HEADER.size, deadline))
            if length > MAX_MESSAGE_LENGTH:
                raise HostUnreachable(f"the host announced {length} bytes: not a sign-in answer")
            return _recv_exactly(sock, length, deadline)
    except TimeoutError as exc:
        raise HostUnreachable(f"no answer from {host}:{port} within {timeout:g} s") from exc
    except OSError as exc:
        raise HostUnreachable(f"cannot reach {host}:{port}: {exc.strerror or exc}") from exc


def _recv_exactly(sock: socket.socket, size: int, deadline: float) -> bytes:
    data = bytearray()
    while len(data) < size:
        # Bound the whole exchange: a host trickling bytes must not hold the request for ever.
        sock.settimeout(_remaining(deadline))
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise HostUnreachable(f"the host closed the connection after {len(data)} of {size} bytes")
        data += chunk
    return bytes(data)


def _remaining(deadline: float) -> float:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError
    return remaining


# --- Registrations at the host's management API ----------------------------------------


class RegistrationFailed(Exception):
    """The host's management API answered, and refused the registration."""


def _admin(method: str, path: str, body: dict | None = None, *, timeout: float = 3.0) -> tuple[int, dict]:
    """One call to the management API: (HTTP status, JSON body). HostUnreachable when nobody answers."""
    base = settings.ACQUIRER_ADMIN_URL.rstrip("/")
    if urlsplit(base).scheme not in ("http", "https"):
        raise HostUnreachable(f"ACQUIRER_ADMIN_URL must be an http(s) URL, not {base!r}")
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        base + path, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            raw = response.read()
            return response.status, json.loads(raw) if raw else {}
    except urllib.error.HTTPError as exc:
        try:
            payload = json.loads(exc.read() or b"{}")
        except ValueError:
            payload = {}
        return exc.code, payload
    except (OSError, ValueError) as exc:
        raise HostUnreachable(f"the acquirer host's management API at {base} cannot be reached: {exc}") from exc


def is_merchant_registered(mid: str) -> bool:
    status, _body = _admin("GET", f"/merchants/{quote(mid)}")
    if status not in (200, 404):
        raise HostUnreachable(f"the host answered {status} to a merchant look-up")
    return status == 200


def register_merchant(mid: str) -> None:
    status, body = _admin("PUT", f"/merchants/{quote(mid)}", {"active": True})
    if status != 200:
        raise RegistrationFailed(f"the host refused merchant {mid}: {body.get('error', status)}")


def register_terminal(*, tid: str, mid: str, kcv: str) -> None:
    status, body = _admin("PUT", f"/terminals/{quote(tid)}", {"mid": mid, "kcv": kcv.upper(), "active": True})
    if status != 200:
        raise RegistrationFailed(f"the host refused terminal {tid}: {body.get('error', status)}")


def deregister_terminal(*, tid: str) -> None:
    """The host forgets the TID (a terminal released, swapped out or retired). Unknown already: done."""
    status, body = _admin("DELETE", f"/terminals/{quote(tid)}")
    if status not in (200, 204, 404):
        raise RegistrationFailed(f"the host refused to forget terminal {tid}: {body.get('error', status)}")


def is_reachable() -> bool:
    try:
        status, _body = _admin("GET", "/healthz", timeout=1.0)
    except HostUnreachable:
        return False
    return status == 200


# --- Look-ups for the diagnosis ----------------------------------------------------------

# Answers are kept a minute, and a host that did not answer is not asked again for half a
# minute: when an incident sends many merchants to their problem page at once, the web
# workers must not all wait on a host that is down.
HOST_ANSWER_SECONDS = 60
HOST_DOWN_SECONDS = 30
_DOWN = "down"


def _cached_registration(path: str) -> dict | None:
    """A registration as the host holds it; None when it answers 404."""
    key = "acquirer-host:" + settings.ACQUIRER_ADMIN_URL.rstrip("/") + path
    cached = cache.get(key)
    if cached == _DOWN:
        raise HostUnreachable("no answer a moment ago")
    if cached is not None:
        return cached.get("answer")
    try:
        status, answer = _admin("GET", path, timeout=settings.SUPPORT_HOST_CHECK_TIMEOUT)
        if status not in (200, 404):
            raise HostUnreachable(f"HTTP {status}")
    except HostUnreachable:
        cache.set(key, _DOWN, HOST_DOWN_SECONDS)
        raise
    found = answer if status == 200 else None
    cache.set(key, {"answer": found}, HOST_ANSWER_SECONDS)
    return found


def terminal_registration(tid: str) -> dict | None:
    return _cached_registration(f"/terminals/{quote(tid)}")


def merchant_registration(mid: str) -> dict | None:
    return _cached_registration(f"/merchants/{quote(mid)}")
