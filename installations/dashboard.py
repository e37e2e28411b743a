"""The staff dashboard's figures, none of them computed over the whole pipeline by a page view.

- Counts per state and entries per day come from the rollups (applications.rollups), written
  in the same transaction as each change of state: always current, read in one small query.
- What depends on the time of reading (SLA breaches, each reviewer's and installer's open
  work) and the median time in each state (from the rollups of stays, ~10,000 rows) are a
  snapshot the periodic job computes (installations.tasks.refresh_staff_dashboard, every
  STAFF_DASHBOARD_CACHE_SECONDS) into the cache and into the database. A page view reads
  the cache, or after a cold start the last snapshot in the database, and says how old it is.
  One refresh runs at a time (a lock in the cache): no stampede, even with many workers.
"""

from datetime import datetime, timedelta

from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from applications import rollups, snapshots
from applications.selectors import DAILY_STATES, reviewers_open_work, sla_breaches

from .models import Visit, VisitStatus

CACHE_KEY = "staff-dashboard:v2"
LOCK_KEY = "staff-dashboard:refreshing"
SNAPSHOT_KEY = "staff-dashboard"
# Fields of the snapshot that are moments (stored as text in the database's JSON).
_MOMENTS = {"oldest_breaches": "submitted_at", "reviewers": "oldest", "installers": "next_visit"}


def installer_backlog(*, now: datetime | None = None) -> list[dict[str, object]]:
    """Each installer's booked visits: how many, how many already past their time, the next one."""
    now = now or timezone.now()
    return list(
        Visit.objects.filter(status=VisitStatus.BOOKED)
        .order_by()
        .values("installer", "installer__first_name", "installer__last_name", "installer__email")
        .annotate(booked=Count("id"), overdue=Count("id", filter=Q(starts_at__lt=now)), next_visit=Min("starts_at"))
        .order_by("-booked", "installer")
    )


def snapshot_figures() -> dict[str, object]:
    """The figures that depend on the time of reading, as plain data (language-free)."""
    breaches, oldest = sla_breaches()
    return {
        "computed_at": timezone.now(),
        "breaches": breaches,
        "oldest_breaches": [
            {
                "reference": a.reference,
                "legal_name": a.legal_name,
                "submitted_at": a.submitted_at,
                "reviewer": str(a.reviewer) if a.reviewer else "",
            }
            for a in oldest
        ],
        "reviewers": reviewers_open_work(),
        "installers": installer_backlog(),
        "medians": rollups.median_hours(days=30),
    }


def refresh_figures() -> dict[str, object] | None:
    """Compute the snapshot and share it (the periodic job); None if another refresh is running."""
    return snapshots.refresh(key=SNAPSHOT_KEY, cache_key=CACHE_KEY, lock_key=LOCK_KEY, compute=snapshot_figures)


def _from_json(data: dict[str, object]) -> dict[str, object]:
    for key, field in _MOMENTS.items():
        for row in data.get(key) or []:  # type: ignore[attr-defined]
            if isinstance(row.get(field), str):
                row[field] = parse_datetime(row[field])
    return data


def cached_snapshot() -> dict[str, object] | None:
    """The last snapshot: from the cache, else (cold start) from the database; None if never computed."""
    return snapshots.last(key=SNAPSHOT_KEY, cache_key=CACHE_KEY, from_json=_from_json)


def cached_figures(*, days: int = 30) -> dict[str, object]:
    """Every figure of the page: the rollups (current) and the last snapshot (with its age)."""
    live = rollups.figures(days=days)
    entered: dict = live["entered"]  # type: ignore[assignment]
    first = live["first"]
    daily = [
        {"day": day, **{s: entered.get(day, {}).get(s, 0) for s in DAILY_STATES}}
        for day in (first + timedelta(days=i) for i in range(days))  # type: ignore[operator]
    ]
    snapshot = cached_snapshot()
    now = timezone.now()
    return {
        "counts": live["counts"],
        "daily": daily,
        "medians": snapshot.get("medians", {}) if snapshot else {},
        "computed_at": snapshot["computed_at"] if snapshot else None,
        "snapshot_age_minutes": int((now - snapshot["computed_at"]).total_seconds() // 60) if snapshot else None,
        "breaches": snapshot["breaches"] if snapshot else None,
        "oldest_breaches": snapshot["oldest_breaches"] if snapshot else [],
        "reviewers": snapshot["reviewers"] if snapshot else [],
        "installers": snapshot["installers"] if snapshot else [],
    }
