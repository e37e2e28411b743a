"""/healthz: is the database up, is Redis up, have a worker and beat been heard of lately?

For load balancers and monitoring: JSON, 200 when all is well, 503 when something the
portal needs is down. Workers and beat note that they are alive every few seconds: in Redis
when REDIS_URL is set, else in the embedded broker's folder (settings.CELERY_BROKER_DIR).
With tasks run in-process (CELERY_TASK_ALWAYS_EAGER) there is no worker or beat to hear of:
they are reported as not configured, and that is healthy.
"""

import logging
import os
import time
from pathlib import Path

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

HEARTBEAT_INTERVAL = 15.0
HEARTBEAT_KEY = "pos_portal:worker-heartbeat"
BEAT_HEARTBEAT_KEY = "pos_portal:beat-heartbeat"
NOT_CONFIGURED = "not configured (in-process)"
_KEYS = {"worker": HEARTBEAT_KEY, "beat": BEAT_HEARTBEAT_KEY}


def _redis() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)


def _heartbeat_folder(kind: str) -> Path:
    return Path(settings.CELERY_BROKER_DIR) / "heartbeats" / kind


def record_heartbeat(kind: str, name: str) -> None:
    """Note that this worker or beat (`kind`) is alive now. Never raises: a note lost is a late one."""
    now = repr(time.time())
    try:
        if settings.REDIS_URL:
            client = _redis()
            client.hset(_KEYS[kind], name, now)
            client.expire(_KEYS[kind], 24 * 3600)
            return
        folder = _heartbeat_folder(kind)
        folder.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed: a reader never sees half a number.
        part = folder / f".{name}.{os.getpid()}"
        part.write_text(now)
        part.replace(folder / name)
    except (redis.RedisError, OSError):
        logger.warning("could not record the %s heartbeat", kind, exc_info=True)


def record_worker_heartbeat(hostname: str) -> None:
    """Called by each worker on a timer (pos_portal.celery.WorkerHeartbeat)."""
    record_heartbeat("worker", hostname)


def _heartbeats(kind: str) -> dict[str, float]:
    """Name -> time of the last note, from Redis or the folder (RedisError when Redis is down)."""
    if settings.REDIS_URL:
        return {name.decode(): float(at) for name, at in _redis().hgetall(_KEYS[kind]).items()}
    folder = _heartbeat_folder(kind)
    notes = {}
    for note in folder.glob("[!.]*") if folder.is_dir() else []:
        try:
            notes[note.name] = float(note.read_text())
        except (OSError, ValueError):
            continue  # removed or rewritten while we looked: the next look sees it
    return notes


def _down(part: str, exc: Exception) -> dict:
    # The answer is public (load balancers ask without logging in): the exception's kind
    # only; its message, which names hosts and ports, goes to the log.
    logger.warning("healthz: %s is down: %s", part, exc)
    return {"ok": False, "detail": type(exc).__name__}


def _check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return _down("database", exc)
    return {"ok": True, "detail": connection.vendor}


def _alive(kind: str, beats: dict[str, float]) -> dict:
    now = time.time()
    ages = {name: round(now - at, 1) for name, at in beats.items()}
    max_age = settings.WORKER_HEARTBEAT_MAX_AGE
    alive = [age for age in ages.values() if age <= max_age]
    if alive:
        return {"ok": True, "detail": "ok", "last_seen_seconds_ago": min(alive)}
    check = {"ok": False, "detail": f"no heartbeat in the last {max_age} s"}
    if ages:
        check["last_seen_seconds_ago"] = min(ages.values())
    return check


def _check_services() -> dict[str, dict]:
    from .celery import app as celery_app

    in_process = bool(celery_app.conf.task_always_eager)
    checks: dict[str, dict] = {}
    if settings.REDIS_URL:
        try:
            _redis().ping()
        except redis.RedisError as exc:
            down = {"ok": False, "detail": "unknown: Redis is down"}
            return {"redis": _down("redis", exc), "worker": down, "beat": down}
        checks["redis"] = {"ok": True, "detail": "ok"}
    else:
        checks["redis"] = {"ok": True, "detail": NOT_CONFIGURED}
    for kind in ("worker", "beat"):
        if in_process:
            checks[kind] = {"ok": True, "detail": NOT_CONFIGURED}
            continue
        try:
            checks[kind] = _alive(kind, _heartbeats(kind))
        except redis.RedisError as exc:
            checks["redis"] = _down("redis", exc)
            checks[kind] = {"ok": False, "detail": "unknown: Redis is down"}
    return checks


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _check_database(), **_check_services()}
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse({"status": "ok" if healthy else "down", "checks": checks}, status=200 if healthy else 503)


# Included by pos_portal/urls.py at "healthz".
urlpatterns = [path("", healthz, name="healthz")]
