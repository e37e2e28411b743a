"""The device API: live terminals report heartbeats, sign-ins and the codes they show.

    POST /terminals/api/v1/reports
    Authorization: Bearer <the terminal's token>
    X-Device-Timestamp: <Unix time of the request, seconds>
    X-Device-Nonce: <16-64 random letters or digits, never reused>
    X-Device-Signature: <hex HMAC-SHA256 with the terminal's signing secret of
                         timestamp + "\n" + nonce + "\n" + the body's bytes>
    {"event_id": "...", "kind": "heartbeat|signin|transaction", "at": "<ISO 8601>", ...}

Every refusal is JSON {"error": <code>, "message": <why>} and stores nothing. The order
of checks is deliberate: an address that keeps presenting bad tokens (429, before any
database read), who is calling (401), their flood (429, counted per terminal so one
terminal cannot slow the others), timestamp, nonce and signature (403, before the body is
parsed), then the body (400), then replays (403).

The counters and the nonces live in the shared cache (Redis). When it does not answer, the
cache itself (pos_portal.cache.FallbackRedisCache) answers from this process's memory until
it answers again: the limits hold per process and a replay across processes is possible for
a few minutes, but a replayed report still stores nothing new (the event id is unique per
terminal). The API never answers 500 for it.
"""

import hashlib
import hmac
import re
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core.network import client_ip

from .forms import MAX_REPORT_BYTES, ReportRejected, parse_report
from .models import DeviceCredential, TerminalStatus
from .services import device_report_store, signing_secret

WINDOW_SECONDS = 60
_NONCE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_SIGNATURE = re.compile(r"^[0-9a-f]{64}$")
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,128}$")
REPORTING_STATUSES = (TerminalStatus.ACTIVE, TerminalStatus.CONFIGURED, TerminalStatus.FAULTY)


def _hit(key: str) -> int:
    """Count one more in this window (atomic in Redis) and answer the count."""
    cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=WINDOW_SECONDS * 2)
        return 1


def _window() -> tuple[int, int]:
    """(this window's number, seconds until the next one)."""
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    return window, max(1, int((window + 1) * WINDOW_SECONDS - now))


def refuse(status: int, error: str, message: str, **headers: str) -> JsonResponse:
    response = JsonResponse({"error": error, "message": str(message)}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _later(error: str, message: str, wait: int) -> JsonResponse:
    return refuse(429, error, message % wait, Retry_After=str(wait))


def _failures_key(request: HttpRequest) -> str:
    window, _wait = _window()
    return f"terminals:device-auth-failures:{client_ip(request)}:{window}"


def address_blocked(request: HttpRequest) -> int:
    """Seconds to wait when this address presented too many bad tokens in this window, else 0."""
    failures = cache.get(_failures_key(request), 0)
    if failures >= settings.SUPPORT_DEVICE_AUTH_FAILURES_PER_ADDRESS:
        return _window()[1]
    return 0


def authenticate(request: HttpRequest) -> DeviceCredential | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    token = token.strip()
    # Tokens are token_urlsafe(32): anything else is refused without a database read.
    if scheme != "Bearer" or not _TOKEN.match(token):
        return None
    digest = hashlib.sha256(token.encode()).hexdigest()
    return (
        DeviceCredential.objects.select_related("terminal").filter(token_hash=digest, revoked_at__isnull=True).first()
    )


def over_rate_limit(credential: DeviceCredential) -> int:
    """Seconds to wait when this terminal has used up its window, else 0."""
    window, wait = _window()
    if _hit(f"terminals:device-rate:{credential.pk}:{window}") > settings.SUPPORT_DEVICE_RATE_LIMIT:
        return wait
    return 0


def request_time_problem(request: HttpRequest) -> str:
    raw = request.headers.get("X-Device-Timestamp", "")
    nonce = request.headers.get("X-Device-Nonce", "")
    # Not str.isdigit(): it accepts digits such as "²" that int() refuses.
    if not re.fullmatch(r"[0-9]{1,12}", raw) or not _NONCE.match(nonce):
        return _("Every request needs X-Device-Timestamp (Unix seconds) and X-Device-Nonce (16-64 letters or digits).")
    if abs(time.time() - int(raw)) > settings.SUPPORT_DEVICE_CLOCK_SKEW_SECONDS:
        return _("The request's timestamp is too far from the server's time: check the terminal's clock.")
    return ""


def signature(secret: str, timestamp: str, nonce: str, body: bytes) -> str:
    """What the terminal sends as X-Device-Signature (acquirer_sim.fleet computes the same)."""
    message = timestamp.encode() + b"\n" + nonce.encode() + b"\n" + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed(request: HttpRequest, credential: DeviceCredential) -> bool:
    """The signature binds the timestamp and the nonce to this body, under this terminal's key.

    Keys derived from an older SECRET_KEY (SECRET_KEY_FALLBACKS) still verify while a rotation
    reaches the terminals."""
    sent = request.headers.get("X-Device-Signature", "").lower()
    if not _SIGNATURE.match(sent):
        return False
    timestamp, nonce = request.headers["X-Device-Timestamp"], request.headers["X-Device-Nonce"]
    for key in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]:
        expected = signature(signing_secret(credential, key=key), timestamp, nonce, request.body)
        if hmac.compare_digest(expected, sent):
            return True
    return False


def consume_nonce(credential: DeviceCredential, nonce: str) -> bool:
    """True the first time a nonce is seen within the timestamp window (cache.add is atomic)."""
    key = f"terminals:device-nonce:{credential.pk}:{nonce}"
    timeout = settings.SUPPORT_DEVICE_CLOCK_SKEW_SECONDS * 2 + 5
    return cache.add(key, 1, timeout=timeout)


def _too_large(request: HttpRequest) -> bool:
    declared = request.headers.get("Content-Length", "0")
    if re.fullmatch(r"[0-9]{1,12}", declared) and int(declared) > MAX_REPORT_BYTES:
        return True
    return len(request.body) > MAX_REPORT_BYTES


@csrf_exempt
@require_POST
def reports(request: HttpRequest) -> JsonResponse:
    wait = address_blocked(request)
    if wait:
        return _later(
            "too_many_failures", _("Too many requests with bad tokens from this address: wait %s seconds."), wait
        )
    credential = authenticate(request)
    if credential is None:
        _hit(_failures_key(request))
        return refuse(
            401, "unauthenticated", _("Missing, unknown or revoked terminal token."), WWW_Authenticate="Bearer"
        )
    terminal = credential.terminal
    if terminal.status not in REPORTING_STATUSES:
        return refuse(
            403, "terminal_not_live", _("This terminal is “%s”: it may not report.") % terminal.get_status_display()
        )
    wait = over_rate_limit(credential)
    if wait:
        return _later("rate_limited", _("Too many reports from this terminal: wait %s seconds."), wait)
    problem = request_time_problem(request)
    if problem:
        return refuse(403, "stale_or_unsigned_request", problem)
    if _too_large(request):
        return refuse(413, "too_large", _("A report may be at most 8 KiB."))
    if not signed(request, credential):
        return refuse(
            403,
            "bad_signature",
            _("X-Device-Signature does not match this body, timestamp and nonce under the terminal's key."),
        )
    try:
        report = parse_report(request.body, now=timezone.now())
    except ReportRejected as exc:
        return JsonResponse({"error": "invalid_report", "message": exc.message, "field": exc.field}, status=400)
    if not consume_nonce(credential, request.headers["X-Device-Nonce"]):
        return refuse(
            403, "replayed", _("This request was already received (nonce reused): it is refused as a replay.")
        )
    event, created, commands = device_report_store(terminal=terminal, report=report)
    return JsonResponse(
        {
            "stored": created,
            "duplicate": not created,
            "event_id": event.event_id,
            "received_at": event.received_at.isoformat(),
            "commands": [{"id": c.pk, "kind": c.kind, "payload": c.payload} for c in commands],
        },
        status=201 if created else 200,
    )
