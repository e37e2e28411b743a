"""The device API: live terminals report heartbeats, sign-ins and the codes they show.

    POST /support/api/v1/reports
    Authorization: Bearer <the terminal's token>
    X-Device-Timestamp: <Unix time of the request, seconds>
    X-Device-Nonce: <16-64 random letters or digits, never reused>
    {"event_id": "...", "kind": "heartbeat|signin|transaction", "at": "<ISO 8601>", ...}

Every refusal is JSON {"error": <code>, "message": <why>} and stores nothing. The order
of checks is deliberate: who is calling (401), then their flood (429, counted per
terminal so one terminal cannot slow the others), then replays (403), then the body (400).
"""

import hashlib
import re
import time
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from terminals.models import TerminalStatus

from ..forms import ReportRejected, parse_report
from ..models import DeviceCredential
from ..services import device_report_store

MAX_BODY_BYTES = 8 * 1024
RATE_WINDOW_SECONDS = 60
_NONCE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
REPORTING_STATUSES = (TerminalStatus.ACTIVE, TerminalStatus.CONFIGURED, TerminalStatus.FAULTY)


def refuse(status: int, error: str, message: str, **headers: str) -> JsonResponse:
    response = JsonResponse({"error": error, "message": str(message)}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def authenticate(request: HttpRequest) -> DeviceCredential | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    if scheme != "Bearer" or not token.strip():
        return None
    digest = hashlib.sha256(token.strip().encode()).hexdigest()
    return (
        DeviceCredential.objects.select_related("terminal").filter(token_hash=digest, revoked_at__isnull=True).first()
    )


def over_rate_limit(credential: DeviceCredential) -> int:
    """Seconds to wait when this terminal has used up its window, else 0. Atomic in Redis."""
    now = time.time()
    window = int(now // RATE_WINDOW_SECONDS)
    key = f"support:device-rate:{credential.pk}:{window}"
    cache.add(key, 0, timeout=RATE_WINDOW_SECONDS * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=RATE_WINDOW_SECONDS * 2)
        count = 1
    if count > settings.SUPPORT_DEVICE_RATE_LIMIT:
        return max(1, int((window + 1) * RATE_WINDOW_SECONDS - now))
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


def consume_nonce(credential: DeviceCredential, nonce: str) -> bool:
    """True the first time a nonce is seen within the timestamp window (cache.add is atomic)."""
    return cache.add(
        f"support:device-nonce:{credential.pk}:{nonce}",
        1,
        timeout=settings.SUPPORT_DEVICE_CLOCK_SKEW_SECONDS * 2 + 5,
    )


def _iso(moment: datetime) -> str:
    return moment.isoformat()


@csrf_exempt
@require_POST
def reports(request: HttpRequest) -> JsonResponse:
    credential = authenticate(request)
    if credential is None:
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
        return refuse(
            429,
            "rate_limited",
            _("Too many reports from this terminal: wait %s seconds.") % wait,
            Retry_After=str(wait),
        )
    problem = request_time_problem(request)
    if problem:
        return refuse(403, "stale_or_unsigned_request", problem)
    declared = request.headers.get("Content-Length", "0")
    if (re.fullmatch(r"[0-9]{1,12}", declared) and int(declared) > MAX_BODY_BYTES) or len(
        request.body
    ) > MAX_BODY_BYTES:
        return refuse(413, "too_large", _("A report may be at most 8 KiB."))
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
            "received_at": _iso(event.received_at),
            "commands": [{"id": c.pk, "kind": c.kind, "payload": c.payload} for c in commands],
        },
        status=201 if created else 200,
    )
