"""The shared cache, Redis when REDIS_URL is set, that never takes a request down with it.

Login throttles, allauth's rate limits, the device API's limits and the staff dashboard's
figures live in the cache. With Redis down, every cache call used to raise and the login page
answered 500. Here a call that cannot reach Redis is answered by a cache in this process
instead: throttles keep counting (per process, until Redis is back), nothing is lost that
the database does not hold anyway, and the failure is logged once a minute, not per request.
"""

import logging
import time
from typing import Any

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
# One memory per process, whichever thread or cache object asks (a name shared by every
# LocMemCache built with it), large enough that a flood of new keys cannot push the login
# and device counters out (LocMemCache's default keeps 300 entries).
FALLBACK_NAME = "pos_portal-cache-fallback"
FALLBACK_OPTIONS = {"MAX_ENTRIES": 100_000, "CULL_FREQUENCY": 10}


def fallback_memory(timeout: int = 300) -> LocMemCache:
    """The process's stand-in for Redis (tests clear it between tests)."""
    return LocMemCache(FALLBACK_NAME, {"TIMEOUT": timeout, "OPTIONS": FALLBACK_OPTIONS})


def redis_caches(location: str) -> dict[str, dict[str, Any]]:
    """CACHES for a Redis at `location`: what settings.py sets with REDIS_URL (and the tests
    that point it at a closed port)."""
    return {"default": {"BACKEND": "pos_portal.cache.FallbackRedisCache", "LOCATION": location}}


class FallbackRedisCache(RedisCache):
    """RedisCache whose calls fall back to a per-process memory cache while Redis is unreachable."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = params.setdefault("OPTIONS", {})
        # Seconds, not the default minutes: a dead Redis must cost a login a fraction of a second.
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 0.5)
        super().__init__(server, params)
        self._fallback = fallback_memory(params.get("TIMEOUT", 300))
        self._warned_at = 0.0

    def _either(self, name: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return getattr(super(), name)(*args, **kwargs)
        except UNREACHABLE as exc:
            if time.monotonic() - self._warned_at > 60:
                self._warned_at = time.monotonic()
                logger.warning("Redis unreachable (%s): the cache falls back to this process's memory", exc)
            return getattr(self._fallback, name)(*args, **kwargs)

    def add(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("add", *args, **kwargs)

    def get(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("get", *args, **kwargs)

    def set(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("set", *args, **kwargs)

    def touch(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("touch", *args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("delete", *args, **kwargs)

    def get_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("get_many", *args, **kwargs)

    def has_key(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("has_key", *args, **kwargs)

    def incr(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("incr", *args, **kwargs)

    def set_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("set_many", *args, **kwargs)

    def delete_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("delete_many", *args, **kwargs)

    def clear(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("clear", *args, **kwargs)
