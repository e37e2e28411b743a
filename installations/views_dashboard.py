"""The staff dashboard: the whole pipeline on one page.

It shows the installers' backlog beside the review figures, so it lives here, in the
highest app among the contexts it shows (DESIGN.md). The figures are aggregates over the
whole table: they are computed at most once a minute (STAFF_DASHBOARD_CACHE_SECONDS) and
shared by every member of staff, with the time they were computed shown on the page.
"""

from datetime import datetime

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db.models import Count, Min, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.roles import is_staff_member
from applications.choices import Status
from applications.selectors import (
    DAILY_STATES,
    daily_transitions,
    median_hours_in_state,
    reviewers_open_work,
    sla_breaches,
    sla_hours,
    status_counts,
)

from .models import AppointmentStatus, InstallationAppointment

CACHE_KEY = "staff-dashboard:v1"

# The funnel in the order the workflow reaches the states; the two ends that leave it last.
FUNNEL = [
    Status.DRAFT, Status.SUBMITTED, Status.IN_REVIEW, Status.CHANGES_REQUESTED, Status.APPROVED,
    Status.INSTALLATION_SCHEDULED, Status.CONFIGURING, Status.TRAINING, Status.ACTIVE, Status.SUSPENDED,
    Status.REJECTED, Status.WITHDRAWN,
]  # fmt: skip
INSTALLATION_STATES = [Status.APPROVED, Status.INSTALLATION_SCHEDULED, Status.CONFIGURING, Status.TRAINING]


def installer_backlog(*, now: datetime | None = None) -> list[dict[str, object]]:
    """Each installer's booked visits: how many, how many already past their time, the next one."""
    now = now or timezone.now()
    return list(
        InstallationAppointment.objects.filter(status=AppointmentStatus.BOOKED)
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


def cached_figures() -> dict[str, object]:
    seconds = settings.STAFF_DASHBOARD_CACHE_SECONDS
    if seconds <= 0:
        return dashboard_figures()
    return cache.get_or_set(CACHE_KEY, dashboard_figures, seconds)


def _chart(daily: list[dict[str, object]], *, width: int = 900, height: int = 240) -> dict[str, object]:
    """Coordinates of a line chart drawn as inline SVG on the server: no script, no CDN."""
    left, right, top, bottom = 40, 10, 10, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max([1, *(int(day[s]) for day in daily for s in DAILY_STATES)])
    step = plot_w / max(len(daily) - 1, 1)

    def y(value: int) -> float:
        return round(top + plot_h - value / peak * plot_h, 1)

    series = [
        {
            "state": str(state),
            "label": Status(state).label,
            "points": " ".join(f"{round(left + i * step, 1)},{y(int(day[state]))}" for i, day in enumerate(daily)),
            "total": sum(int(day[state]) for day in daily),
        }
        for state in DAILY_STATES
    ]
    ticks = [{"y": y(v), "label": v} for v in sorted({0, peak // 2, peak})]
    days = [
        {"x": round(left + i * step, 1), "label": day["day"].strftime("%m-%d")}  # type: ignore[attr-defined]
        for i, day in enumerate(daily)
        if i % 5 == 0 or i == len(daily) - 1
    ]
    return {
        "width": width, "height": height, "left": left, "right": width - right, "top": top,
        "bottom": top + plot_h, "series": series, "ticks": ticks, "days": days,
    }  # fmt: skip


@require_GET
@login_required
def staff_dashboard(request: HttpRequest) -> HttpResponse:
    if not is_staff_member(request.user):
        raise Http404
    figures = cached_figures()
    counts: dict[str, int] = figures["counts"]  # type: ignore[assignment]
    peak = max([1, *counts.values()])
    medians: dict[str, float] = figures["medians"]  # type: ignore[assignment]
    context = {
        **figures,
        "funnel": [
            {"state": s, "label": s.label, "n": counts.get(s, 0), "width": round(counts.get(s, 0) / peak * 100, 1)}
            for s in FUNNEL
        ],
        "median_rows": [{"label": s.label, "hours": medians[s]} for s in FUNNEL if s in medians],
        "installation_counts": [{"label": s.label, "n": counts.get(s, 0)} for s in INSTALLATION_STATES],
        "chart": _chart(figures["daily"]),  # type: ignore[arg-type]
        "sla_hours": sla_hours(),
        "total": sum(counts.values()),
    }
    return render(request, "installations/dashboard/dashboard.html", context)
