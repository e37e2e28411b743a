"""Pages of the top floor: what shows several contexts at once.

The staff dashboard (the pipeline, the installers' backlog and the terminals' health) and the
landing page of each role.
The figures come from installations.dashboard, refreshed off the request; the page shows
when they were computed.
"""

from functools import lru_cache

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.views.decorators.http import require_GET

from accounts.roles import Role, has_role, is_staff_member
from applications.choices import Status
from applications.selectors import DAILY_STATES, sla_hours
from installations.dashboard import cached_figures
from support.selectors import terminal_health_summary

# The funnel in the order the workflow reaches the states; the two ends that leave it last.
FUNNEL = [
    Status.DRAFT, Status.SUBMITTED, Status.IN_REVIEW, Status.CHANGES_REQUESTED, Status.APPROVED,
    Status.INSTALLATION_SCHEDULED, Status.CONFIGURING, Status.TRAINING, Status.ACTIVE, Status.SUSPENDED,
    Status.REJECTED, Status.WITHDRAWN,
]  # fmt: skip
INSTALLATION_STATES = [Status.APPROVED, Status.INSTALLATION_SCHEDULED, Status.CONFIGURING, Status.TRAINING]


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


def _figures_context(
    counts: dict[str, int], daily: list[dict[str, object]], medians: dict[str, float]
) -> dict[str, object]:
    peak = max([1, *counts.values()])
    return {
        "funnel": [
            {"state": s, "label": s.label, "n": counts.get(s, 0), "width": round(counts.get(s, 0) / peak * 100, 1)}
            for s in FUNNEL
        ],
        "median_rows": [{"label": s.label, "hours": medians[s]} for s in FUNNEL if s in medians],
        "daily": daily,
        "chart": _chart(daily),
    }


@lru_cache(maxsize=32)
def _figures_html(key: tuple[str, tuple, tuple, tuple]) -> str:
    language, counts, daily, medians = key
    days = [dict(zip(("day", *DAILY_STATES), row, strict=True)) for row in daily]
    with translation.override(language):
        return render_to_string(
            "backoffice/_dashboard_figures.html", _figures_context(dict(counts), days, dict(medians))
        )


def figures_html(figures: dict[str, object]) -> str:
    """The funnel, the 30 days' chart and table and the medians, drawn once per language and figures.

    They were most of the page's time (some 200 values through the template engine on every
    view) and change only when an application changes state or the periodic job takes a new
    snapshot. The key is the figures themselves, not a time or a version: a page drawn after a
    change asks for another key, in every process at once, so nothing has to be invalidated and
    nothing stale can be served. Nothing in it depends on who looks (no link, no name).
    """
    counts: dict[str, int] = figures["counts"]  # type: ignore[assignment]
    daily: list[dict[str, object]] = figures["daily"]  # type: ignore[assignment]
    medians: dict[str, float] = figures["medians"]  # type: ignore[assignment]
    return _figures_html(
        (
            translation.get_language(),
            tuple(sorted(counts.items())),
            tuple(tuple(day[k] for k in ("day", *DAILY_STATES)) for day in daily),
            tuple(sorted(medians.items())),
        )
    )


def dashboard_context() -> dict[str, object]:
    """Everything the dashboard template shows."""
    figures = cached_figures()
    counts: dict[str, int] = figures["counts"]  # type: ignore[assignment]
    return {
        **figures,
        "figures_html": figures_html(figures),
        "installation_counts": [{"label": s.label, "n": counts.get(s, 0)} for s in INSTALLATION_STATES],
        "sla_hours": sla_hours(),
        "total": sum(counts.values()),
        "summary": terminal_health_summary(),
    }


@require_GET
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    if not is_staff_member(request.user):
        raise Http404
    return render(request, "backoffice/dashboard.html", dashboard_context())


# Where each role starts after logging in, in the order a person with several roles is sent.
LANDINGS: list[tuple[Role, str]] = [
    (Role.REVIEWER, "applications:review_queue"),
    (Role.SUPPORT, "support:queue"),
    (Role.INSTALLER, "installations:my_visits"),
    (Role.APPLICANT, "applications:mine"),
]


@require_GET
@login_required
def landing(request: HttpRequest) -> HttpResponse:
    """The page after logging in or signing up: the person's own work (LOGIN_REDIRECT_URL)."""
    user = request.user
    if user.is_superuser:
        return redirect("backoffice:dashboard")
    for role, page in LANDINGS:
        if has_role(user, role):
            return redirect(page)
    return redirect("home")
