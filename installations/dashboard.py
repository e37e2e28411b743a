"""The staff dashboard's figures: aggregates over the whole pipeline, computed off the request.

Beat refreshes them every STAFF_DASHBOARD_CACHE_SECONDS (installations.tasks.refresh_staff_dashboard)
and they are kept twice that long, so with a worker running no page view ever computes them.
Without one (the embedded default) the first view after they expire computes them, once for all.
"""

from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Min, Q
from django.utils import timezone

from applications.selectors import (
    daily_transitions,
    median_hours_in_state,
    reviewers_open_work,
    sla_breaches,
    status_counts,
)

from .models import Visit, VisitStatus

CACHE_KEY = "staff-dashboard:v1"


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


def dashboard_figures() -> dict[str, object]:
    """Every figure of the page, as plain data (cacheable, language-free)."""
    breaches, oldest = sla_breaches()
    return {
        "computed_at": timezone.now(),
        "counts": status_counts(),
        "daily": daily_transitions(days=30),
        "medians": median_hours_in_state(days=30),
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
    }


def refresh_figures() -> dict[str, object]:
    """Compute the figures and share them with every member of staff (the periodic job)."""
    figures = dashboard_figures()
    seconds = settings.STAFF_DASHBOARD_CACHE_SECONDS
    if seconds > 0:
        cache.set(CACHE_KEY, figures, 2 * seconds)
    return figures


def cached_figures() -> dict[str, object]:
    """The figures as last computed, or computed now if none are kept (no worker, or cache emptied)."""
    if settings.STAFF_DASHBOARD_CACHE_SECONDS <= 0:
        return dashboard_figures()
    return cache.get(CACHE_KEY) or refresh_figures()
