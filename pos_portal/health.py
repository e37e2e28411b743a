"""/healthz: is the database up, is Redis up, has a worker been heard of lately?

For load balancers and monitoring: JSON, 200 when all is well, 503 when something the
portal needs is down. Without REDIS_URL the portal runs tasks in-process, so Redis and
the worker are reported as not configured, and that is healthy.
"""

import logging
import time

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

HEARTBEAT_KEY = "pos_portal:worker-heartbeat"
NOT_CONFIGURED = "not configured (in-process)"


def _redis() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)


def record_worker_heartbeat(hostname: str) -> None:
    """Called by each worker on a timer (pos_portal.celery.WorkerHeartbeat)."""
    try:
        client = _redis()
        client.hset(HEARTBEAT_KEY, hostname, repr(time.time()))
        client.expire(HEARTBEAT_KEY, 24 * 3600)
    except redis.RedisError:
        logger.warning("could not record the worker heartbeat", exc_info=True)


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


def _check_redis_and_worker() -> tuple[dict, dict]:
    if not settings.REDIS_URL:
        return {"ok": True, "detail": NOT_CONFIGURED}, {"ok": True, "detail": NOT_CONFIGURED}
    try:
        client = _redis()
        client.ping()
        beats = client.hgetall(HEARTBEAT_KEY)
    except redis.RedisError as exc:
        return _down("redis", exc), {"ok": False, "detail": "unknown: Redis is down"}
    now = time.time()
    ages = {name.decode(): round(now - float(at), 1) for name, at in beats.items()}
    max_age = settings.WORKER_HEARTBEAT_MAX_AGE
    alive = {name: age for name, age in ages.items() if age <= max_age}
    if alive:
        return {"ok": True, "detail": "ok"}, {"ok": True, "detail": "ok", "last_seen_seconds_ago": min(alive.values())}
    detail = f"no heartbeat in the last {max_age} s"
    worker = {"ok": False, "detail": detail}
    if ages:
        worker["last_seen_seconds_ago"] = min(ages.values())
    return {"ok": True, "detail": "ok"}, worker


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    redis_check, worker_check = _check_redis_and_worker()
    checks = {"database": _check_database(), "redis": redis_check, "worker": worker_check}
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse({"status": "ok" if healthy else "down", "checks": checks}, status=200 if healthy else 503)


# Included by pos_portal/urls.py at "healthz".
urlpatterns = [path("", healthz, name="healthz")]
