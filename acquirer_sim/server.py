"""The simulator's two listeners: ISO 8583 sign-ins and the JSON management API.

The ISO side is asyncio, since a terminal may keep its connection open between
sign-ins and many may connect at once. The management API is stdlib
``http.server`` in a thread: it is tiny, and no web framework may be pulled in.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import socket
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from acquirer_sim.registry import Registry, Terminal, check_keys
from acquirer_sim.rules import ResponseCode, decide
from acquirer_sim.wire import (
    LENGTH_HEADER,
    MAX_MESSAGE_LENGTH,
    MalformedMessage,
    SignInRequest,
    SignInResponse,
    check_mid,
    check_tid,
    decode_request,
    encode_response,
    frame,
)

logger = logging.getLogger("acquirer_sim")

DEFAULT_HOST = "127.0.0.1"
# A terminal that connected and went quiet is dropped after this long.
DEFAULT_IDLE_TIMEOUT = 30.0
# Once a length header arrived, the rest of the frame must follow this fast;
# otherwise the frame is taken as truncated and the connection dropped.
DEFAULT_FRAME_TIMEOUT = 5.0
DEFAULT_HISTORY = 200
# Connections accepted per readiness callback, so a burst cannot starve the
# connections already being served.
_ACCEPT_BATCH = 16


def mask_mid(mid: str | None) -> str | None:
    """``898621045311234`` → ``8986****1234``: enough to tell merchants apart in a log."""
    if mid is None:
        return None
    return f"{mid[:4]}****{mid[-4:]}" if len(mid) > 8 else "****"


@dataclass(frozen=True, slots=True)
class SignInRecord:
    """One sign-in as the host saw it. Holds no key material, by design."""

    at: datetime
    response_code: str
    tid: str | None
    mid_masked: str | None
    stan: str | None
    reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "response_code": self.response_code,
            "tid": self.tid,
            "mid": self.mid_masked,
            "stan": self.stan,
            "reason": self.reason,
        }


class SignInLog:
    """The last ``size`` sign-ins, for tests and the demo; thread-safe."""

    def __init__(self, size: int = DEFAULT_HISTORY) -> None:
        self._records: deque[SignInRecord] = deque(maxlen=size)
        self._lock = threading.Lock()

    def add(self, record: SignInRecord) -> None:
        with self._lock:
            self._records.append(record)

    def latest(self, limit: int | None = None) -> list[SignInRecord]:
        """Newest first."""
        with self._lock:
            records = list(reversed(self._records))
        return records if limit is None else records[:limit]


def process_message(message: bytes, registry: Registry, *, now: datetime) -> tuple[bytes, SignInRecord]:
    """Answer one ISO 8583 message (length header already removed)."""
    request: SignInRequest | MalformedMessage
    try:
        request = decode_request(message)
    except MalformedMessage as exc:
        request, fields = exc, exc.fields
        terminal = merchant = None
    else:
        fields = request.iso_fields()
        terminal, merchant = registry.lookup(tid=request.tid, mid=request.mid)
    code = decide(request, terminal=terminal, merchant=merchant)
    # The terminal sets its clock from a successful sign-in only.
    host_time = now.astimezone(UTC).strftime("%m%d%H%M%S") if code is ResponseCode.APPROVED else None
    response = SignInResponse.echoing(fields, code, host_time=host_time)
    record = SignInRecord(
        at=now,
        response_code=code,
        # Only echoed (that is, well-formed) values: raw bytes from the wire
        # could forge log lines.
        tid=response.tid,
        mid_masked=mask_mid(response.mid),
        stan=response.stan,
        reason=request.reason if isinstance(request, MalformedMessage) else None,
    )
    return encode_response(response), record


class Simulator:
    """Both listeners around one registry. Start and stop it from one event loop."""

    def __init__(
        self,
        registry: Registry | None = None,
        *,
        host: str = DEFAULT_HOST,
        iso_port: int = 0,
        admin_port: int = 0,
        idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
        frame_timeout: float = DEFAULT_FRAME_TIMEOUT,
        history: int = DEFAULT_HISTORY,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.registry = registry if registry is not None else Registry()
        self.signins = SignInLog(history)
        self.host = host
        self._requested_ports = (iso_port, admin_port)
        self._idle_timeout = idle_timeout
        self._frame_timeout = frame_timeout
        self._clock = clock
        self._listener: socket.socket | None = None
        self._accept_retry: asyncio.TimerHandle | None = None
        self._admin_server: _AdminServer | None = None
        self._admin_thread: threading.Thread | None = None
        self._connections: set[asyncio.Task[None]] = set()
        self._sockets: set[socket.socket] = set()

    @property
    def iso_port(self) -> int:
        if self._listener is None:
            raise RuntimeError("the simulator is not started")
        return int(self._listener.getsockname()[1])

    @property
    def admin_port(self) -> int:
        if self._admin_server is None:
            raise RuntimeError("the simulator is not started")
        return int(self._admin_server.server_address[1])

    async def start(self) -> None:
        iso_port, admin_port = self._requested_ports
        self._listener = socket.create_server((self.host, iso_port))
        self._listener.setblocking(False)
        try:
            self._admin_server = _AdminServer((self.host, admin_port), self.registry, self.signins)
        except BaseException:
            self._listener.close()
            self._listener = None
            raise
        asyncio.get_running_loop().add_reader(self._listener, self._accept, self._listener)
        self._admin_thread = threading.Thread(
            target=self._admin_server.serve_forever,
            kwargs={"poll_interval": 0.1},  # bounds how long stop() waits
            name="acquirer-sim-admin",
            daemon=True,
        )
        self._admin_thread.start()

    async def stop(self) -> None:
        if self._accept_retry is not None:
            self._accept_retry.cancel()
        if self._listener is not None:
            asyncio.get_running_loop().remove_reader(self._listener)
            self._listener.close()
        # Open terminal connections would otherwise outlive the host until
        # their idle timeout.
        for task in list(self._connections):
            task.cancel()
        await asyncio.gather(*self._connections, return_exceptions=True)
        # A task cancelled before its first step never reaches its `finally`.
        for conn in list(self._sockets):
            conn.close()
        self._sockets.clear()
        if self._admin_server is not None:
            await asyncio.to_thread(self._admin_server.shutdown)
            self._admin_server.server_close()
        if self._admin_thread is not None:
            self._admin_thread.join(timeout=5)

    def _accept(self, listener: socket.socket) -> None:
        # Accepting in a reader callback rather than through asyncio.start_server
        # or sock_accept: each socket is registered in the same synchronous step
        # that accepts it, so stop() can always close it. (Python 3.11's
        # Server.wait_closed does not wait for connections, and a cancelled
        # sock_accept can drop a socket it has already accepted.)
        loop = asyncio.get_running_loop()
        for _ in range(_ACCEPT_BATCH):
            try:
                conn, _ = listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                # Out of file descriptors and the like: the listener stays
                # readable, so pause instead of spinning on it.
                logger.exception("accepting a connection failed; pausing")
                loop.remove_reader(listener)
                self._accept_retry = loop.call_later(0.5, loop.add_reader, listener, self._accept, listener)
                return
            conn.setblocking(False)
            self._sockets.add(conn)
            task = loop.create_task(self._serve_connection(conn))
            self._connections.add(task)
            task.add_done_callback(self._connections.discard)

    async def _serve_connection(self, conn: socket.socket) -> None:
        writer: asyncio.StreamWriter | None = None
        try:
            reader, writer = await asyncio.open_connection(sock=conn)
            while await self._serve_one(reader, writer):
                pass
        except (ConnectionError, TimeoutError, asyncio.IncompleteReadError):
            pass  # the peer went away or stalled; nothing to answer
        except Exception:
            # One broken connection must never take the host down.
            logger.exception("sign-in connection failed")
        finally:
            self._sockets.discard(conn)
            if writer is None:
                conn.close()
            else:
                writer.close()
                # Closing is best effort: the peer may already be gone, and a
                # cancelled task must still get to the end of its clean-up.
                with contextlib.suppress(Exception, asyncio.CancelledError):
                    await asyncio.wait_for(writer.wait_closed(), timeout=1)

    async def _serve_one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        """Answer one framed message; False when the connection should end."""
        try:
            header = await asyncio.wait_for(reader.readexactly(LENGTH_HEADER.size), self._idle_timeout)
        except asyncio.IncompleteReadError as exc:
            if exc.partial:
                logger.warning("connection closed inside a length header")
            return False
        (length,) = LENGTH_HEADER.unpack(header)
        if length > MAX_MESSAGE_LENGTH:
            # Cannot resynchronise: whatever follows is not a frame boundary.
            logger.warning("frame length %d over %d, dropping connection", length, MAX_MESSAGE_LENGTH)
            return False
        try:
            message = await asyncio.wait_for(reader.readexactly(length), self._frame_timeout)
        except (asyncio.IncompleteReadError, TimeoutError):
            logger.warning("truncated frame (%d bytes announced), dropping connection", length)
            return False
        response, record = process_message(message, self.registry, now=self._clock())
        self.signins.add(record)
        logger.info(
            "sign-in tid=%s mid=%s stan=%s code=%s%s",
            record.tid or "-",
            record.mid_masked or "-",
            record.stan or "-",
            record.response_code,
            f" reason={record.reason!r}" if record.reason else "",
        )
        writer.write(frame(response))
        await asyncio.wait_for(writer.drain(), self._frame_timeout)
        return True


class _AdminServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], registry: Registry, signins: SignInLog) -> None:
        self.registry = registry
        self.signins = signins
        super().__init__(address, _AdminHandler)


class _BadRequest(Exception):
    pass


MAX_BODY = 16 * 1024


class _AdminHandler(BaseHTTPRequestHandler):
    server: _AdminServer
    # A client that stalls mid-request must not hold a thread for ever.
    timeout = 5.0
    server_version = "acquirer_sim"

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PATCH(self) -> None:
        self._dispatch("PATCH")

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("admin %s " + format, self.address_string(), *args)

    def _dispatch(self, method: str) -> None:
        url = urlsplit(self.path)
        parts = [p for p in url.path.split("/") if p]
        routes: dict[str, Callable[[], tuple[int, Any]]]
        match parts:
            case ["healthz"]:
                routes = {"GET": lambda: (200, {"status": "ok"})}
            case ["signins"]:
                routes = {"GET": lambda: self._signins(url.query)}
            case ["merchants", mid]:
                routes = {"GET": lambda: self._get_merchant(mid), "PUT": lambda: self._put_merchant(mid)}
            case ["terminals", tid]:
                routes = {
                    "GET": lambda: self._get_terminal(tid),
                    "PUT": lambda: self._put_terminal(tid),
                    "DELETE": lambda: self._delete_terminal(tid),
                }
            case _:
                self._reply(404, {"error": f"no such resource: {url.path}"})
                return
        if method not in routes:
            allow = ", ".join(sorted(routes))
            self._reply(405, {"error": f"{method} not allowed here; use {allow}"}, allow=allow)
            return
        try:
            status, body = routes[method]()
        except (_BadRequest, ValueError) as exc:
            status, body = 400, {"error": str(exc)}
        self._reply(status, body)

    def _signins(self, query: str) -> tuple[int, Any]:
        values = parse_qs(query).get("limit", [])
        limit: int | None = None
        if values:
            if len(values) > 1 or not values[0].isdigit() or int(values[0]) < 1:
                raise _BadRequest("limit must be a positive whole number")
            limit = int(values[0])
        return 200, {"signins": [r.to_json() for r in self.server.signins.latest(limit)]}

    def _get_merchant(self, mid: str) -> tuple[int, Any]:
        merchant = self.server.registry.get_merchant(check_mid(mid))
        if merchant is None:
            return 404, {"error": f"merchant {mid} is not registered"}
        return 200, {"mid": merchant.mid, "active": merchant.active}

    def _put_merchant(self, mid: str) -> tuple[int, Any]:
        body = check_keys(self._json_body(), required=set(), optional={"active"}, where="body")
        merchant = self.server.registry.put_merchant(mid, active=body.get("active", True))
        return 200, {"mid": merchant.mid, "active": merchant.active}

    def _get_terminal(self, tid: str) -> tuple[int, Any]:
        terminal = self.server.registry.get_terminal(check_tid(tid))
        if terminal is None:
            return 404, {"error": f"terminal {tid} is not registered"}
        return 200, _terminal_json(terminal)

    def _put_terminal(self, tid: str) -> tuple[int, Any]:
        body = check_keys(self._json_body(), required={"mid", "kcv"}, optional={"active"}, where="body")
        terminal = self.server.registry.put_terminal(
            tid, mid=body["mid"], kcv=body["kcv"], active=body.get("active", True)
        )
        return 200, _terminal_json(terminal)

    def _delete_terminal(self, tid: str) -> tuple[int, Any]:
        if not self.server.registry.delete_terminal(check_tid(tid)):
            return 404, {"error": f"terminal {tid} is not registered"}
        return 204, None

    def _json_body(self) -> object:
        raw_length = self.headers.get("Content-Length")
        if raw_length is None or not raw_length.isdigit() or int(raw_length) == 0:
            raise _BadRequest("a JSON body with a Content-Length header is required")
        length = int(raw_length)
        if length > MAX_BODY:
            raise _BadRequest(f"body over {MAX_BODY} bytes")
        try:
            return json.loads(self.rfile.read(length))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise _BadRequest(f"body is not JSON: {exc}") from None

    def _reply(self, status: int, body: Any, *, allow: str | None = None) -> None:
        payload = b"" if status == HTTPStatus.NO_CONTENT else json.dumps(body).encode()
        self.send_response(status)
        if allow is not None:
            self.send_header("Allow", allow)
        if payload:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


def _terminal_json(terminal: Terminal) -> dict[str, Any]:
    return {"tid": terminal.tid, "mid": terminal.mid, "kcv": terminal.kcv, "active": terminal.active}
