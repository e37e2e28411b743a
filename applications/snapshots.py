"""Figures a periodic job computes off the request, kept in the cache and, for a cold start, in a
`FigureSnapshot` row (the staff dashboard's snapshot, the terminals' error codes per day).

`refresh` computes and shares them, one refresh at a time (a lock in the cache: no stampede,
even with many workers); `last` reads the cache, else the row, and puts the row back in the
cache for the other views of the cold start. Neither computes anything in a page view.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache

from .models import FigureSnapshot


def _seconds() -> int:
    return max(settings.STAFF_DASHBOARD_CACHE_SECONDS, 10)


def refresh(*, key: str, cache_key: str, lock_key: str, compute: Callable[[], dict]) -> dict | None:
    """compute() (a dict with its "computed_at") into the row and the cache; None if another refresh is running."""
    seconds = _seconds()
    if not cache.add(lock_key, 1, timeout=seconds):
        return None
    try:
        figures = compute()
        FigureSnapshot.objects.update_or_create(
            key=key, defaults={"data": figures, "computed_at": figures["computed_at"]}
        )
        cache.set(cache_key, figures, 2 * seconds)
        return figures
    finally:
        cache.delete(lock_key)


def last(*, key: str, cache_key: str, from_json: Callable[[dict], dict] = lambda data: data) -> dict | None:
    """The last figures: from the cache, else (cold start) from the row; None if never computed.
    `from_json` turns back what the row's JSON keeps as text (moments)."""
    figures = cache.get(cache_key)
    if figures is not None:
        return figures
    row = FigureSnapshot.objects.filter(key=key).first()
    if row is None:
        return None
    figures = {**from_json(row.data), "computed_at": row.computed_at}
    # Kept until the next refresh replaces it: the other views of the cold start read it here.
    cache.set(cache_key, figures, _seconds())
    return figures
