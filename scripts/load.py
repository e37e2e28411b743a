"""Concurrent load on a running portal: applicants uploading documents, terminals reporting.

Used by the SQLite acceptance test (tests/test_sqlite_under_load.py) and by
scripts/bench_device_reports.py. The portal runs as `make run` runs it (runserver, threaded)
in a process of its own, on the database its DATABASE_URL names; the load comes over HTTP
from threads of this process, with the standard library only.

    prepare()  inside Django (manage.py shell): people, drafts with a session each, live terminals with tokens
    Portal     the web process: migrate, prepare, runserver on a free port, stop
    run_load() the threads; returns what each request answered
    counts()   inside Django: what the database and the storage hold afterwards
"""

import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from acquirer_sim.fleet import signature  # a terminal signs its reports as the simulated fleet does

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

# --- Inside Django -------------------------------------------------------------------------------


def prepare(*, terminals: int, drafts: int, out: str) -> None:
    """Write to `out` (JSON) the session cookies of `drafts` applicants and the tokens of `terminals`."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from applications.choices import Status
    from applications.models import MerchantApplication
    from demo.seed import ensure_people
    from installations.samples import carry
    from terminals.models import Terminal, TerminalStatus
    from terminals.services import credential_issue, signing_secret
    from verification.services import paused

    people = ensure_people()
    plan: dict = {"drafts": [], "terminals": []}
    for n in range(terminals):
        app = MerchantApplication.objects.create(applicant=people["applicant"])
        # Walked by hand, as seed_demo walks its samples: no automatic checks start on submit
        # (with no worker here they would stay running, and approval waits for them).
        with paused():
            carry(
                app,
                Status.ACTIVE,
                applicant=people["applicant"],
                reviewer=people["reviewer"],
                installer=people["installer"],
                support=people["support"],
                seq=900 + n,
            )
        terminal = Terminal.objects.get(application=app, status=TerminalStatus.ACTIVE)
        credential, token = credential_issue(terminal=terminal, by=None)
        plan["terminals"].append({"token": token, "secret": signing_secret(credential)})
    for n in range(drafts):
        user = people["applicant"] if n % 2 else people["applicant2"]
        app = MerchantApplication.objects.create(applicant=user)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        plan["drafts"].append({"reference": app.reference, "session": session.session_key})
    Path(out).write_text(json.dumps(plan))


def counts(*, out: str) -> None:
    """Write to `out` (JSON) what the load left: reports, uploads recorded, documents, files stored."""
    from django.conf import settings

    from applications.models import ApplicationDocument, AuditEvent
    from terminals.models import DeviceEvent

    root = Path(settings.PRIVATE_MEDIA_ROOT)
    files = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []
    documents = list(ApplicationDocument.objects.values_list("file", flat=True))
    Path(out).write_text(
        json.dumps(
            {
                "reports": DeviceEvent.objects.filter(event_id__startswith="load-").count(),
                # The drafts' only: the live terminals' applications were filled with documents by prepare().
                "uploads": AuditEvent.objects.filter(action="document.uploaded", application__status="draft").count(),
                "documents": len(documents),
                "document_files": sorted(documents),
                "files": files,
            }
        )
    )


# --- The web process -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"no {what} after {timeout} s")
        time.sleep(0.1)


class Portal:
    """The portal's web process on its own database and folder, as `make run` starts it."""

    def __init__(self, folder: Path, database_url: str, extra_env: dict | None = None) -> None:
        self.folder = folder
        self.port = free_port()
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "PRIVATE_MEDIA_ROOT": str(folder / "private_media"),
            "CELERY_BROKER_DIR": str(folder / "broker"),
            "DJANGO_DEBUG": "false",
            # Each terminal reports as fast as it can here: the limit is not what is measured.
            "SUPPORT_DEVICE_RATE_LIMIT": "1000000",
            **(extra_env or {}),
        }
        self.env.pop("REDIS_URL", None)
        self.proc: subprocess.Popen | None = None

    def manage(self, *args: str, timeout: float = 300) -> None:
        subprocess.run(
            [PYTHON, "manage.py", *args], cwd=ROOT, env=self.env, check=True, timeout=timeout, capture_output=True
        )

    def call(self, function: str, timeout: float = 300, **kwargs: object) -> dict:
        """Run prepare() or counts() inside Django on this portal's database; return what it wrote."""
        out = self.folder / f"{function}-{secrets.token_hex(4)}.json"
        arguments = ", ".join(f"{k}={v!r}" for k, v in {**kwargs, "out": str(out)}.items())
        self.manage("shell", "-c", f"from scripts.load import {function}; {function}({arguments})", timeout=timeout)
        return json.loads(out.read_text())

    def start(self) -> None:
        log = (self.folder / "web.log").open("ab")
        self.proc = subprocess.Popen(
            [PYTHON, "manage.py", "runserver", "--noreload", f"127.0.0.1:{self.port}"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_until(self._answers, 60, f"answer from the portal on port {self.port}")

    def _answers(self) -> bool:
        if self.proc is not None and self.proc.poll() is not None:
            raise RuntimeError(f"the portal exited with {self.proc.returncode}: see {self.folder / 'web.log'}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            conn.request("GET", "/healthz")
            return conn.getresponse().status in (200, 503)
        except OSError:
            return False

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)


# --- The load ----------------------------------------------------------------------------------------


@dataclass
class Results:
    statuses: Counter = field(default_factory=Counter)  # ("report"|"upload", status) -> count
    reports_stored: int = 0
    files_uploaded: int = 0
    errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)  # seconds, of the reports
    seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, status: int, error: str = "") -> None:
        with self.lock:
            self.statuses[(kind, status)] += 1
            if error:
                self.errors.append(error[:300])


def _png(seed: int) -> bytes:
    """A small valid PNG, different for each seed (so each upload is its own content)."""
    import struct
    import zlib

    width = height = 8
    raw = b"".join(
        b"\x00" + b"".join(bytes(((seed + x + y) % 256, (seed * 7) % 256, (x * y) % 256)) for x in range(width))
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def _multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    boundary = "load" + secrets.token_hex(12)
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content, content_type) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Applicant:
    """One applicant's browser: their session cookie, the CSRF cookie and token of their documents page."""

    def __init__(self, port: int, draft: dict) -> None:
        self.port = port
        self.path = f"/applications/{draft['reference']}/step/documents/"
        self.cookies = {"sessionid": draft["session"], "django_language": "en"}
        self.token = ""

    def _request(self, method: str, body: bytes | None = None, headers: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request(method, self.path, body=body, headers={"Cookie": cookie, **(headers or {})})
        response = conn.getresponse()
        content = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _sep, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        conn.close()
        return response.status, content

    def upload(self, seed: int, results: Results) -> None:
        if not self.token:
            status, content = self._request("GET")
            match = CSRF_INPUT.search(content.decode(errors="replace"))
            if status != 200 or not match:
                results.add("upload", status, f"documents page answered {status}")
                return
            self.token = match.group(1)
        kinds = ["id_front", "id_back"] if seed % 2 else ["storefront"]
        files = {kind: (f"{kind}.png", _png(seed + i), "image/png") for i, kind in enumerate(kinds)}
        body, content_type = _multipart({"csrfmiddlewaretoken": self.token}, files)
        status, content = self._request(
            "POST", body, {"Content-Type": content_type, "Referer": f"http://127.0.0.1:{self.port}{self.path}"}
        )
        # Stored: the step moves on (302). Anything else is an error of this test's concern.
        results.add("upload", status, "" if status == 302 else f"upload answered {status}: {content[:200]!r}")
        if status == 302:
            with results.lock:
                results.files_uploaded += len(files)


def report(port: int, terminal: dict, results: Results) -> None:
    body = json.dumps(
        {"event_id": f"load-{uuid.uuid4().hex}", "kind": "heartbeat", "at": datetime.now(UTC).isoformat()}
    ).encode()
    timestamp, nonce = str(int(time.time())), secrets.token_hex(16)
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request(
        "POST",
        "/terminals/api/v1/reports",
        body=body,
        headers={
            "Authorization": f"Bearer {terminal['token']}",
            "X-Device-Timestamp": timestamp,
            "X-Device-Nonce": nonce,
            "X-Device-Signature": signature(terminal["secret"], timestamp, nonce, body),
            "Content-Type": "application/json",
        },
    )
    response = conn.getresponse()
    content = response.read()
    conn.close()
    with results.lock:
        results.latencies.append(time.perf_counter() - started)
    results.add(
        "report",
        response.status,
        "" if response.status == 201 else f"report answered {response.status}: {content[:200]!r}",
    )
    if response.status == 201:
        with results.lock:
            results.reports_stored += 1


def run_load(port: int, plan: dict, *, threads: int, seconds: float, uploads: bool = True) -> Results:
    """Each thread, until the time is up: a report from its terminal, then (if `uploads`) an upload to its draft."""
    results = Results()
    deadline = time.monotonic() + seconds

    def worker(n: int) -> None:
        terminal = plan["terminals"][n % len(plan["terminals"])]
        applicant = Applicant(port, plan["drafts"][n % len(plan["drafts"])]) if uploads else None
        seed = n * 1_000_000
        while time.monotonic() < deadline:
            try:
                report(port, terminal, results)
                if applicant is not None:
                    seed += 1
                    applicant.upload(seed, results)
            except OSError as exc:
                results.add("network", 0, f"{type(exc).__name__}: {exc}")

    started = time.monotonic()
    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(seconds + 120)
    results.seconds = time.monotonic() - started
    return results
