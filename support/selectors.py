"""Reads of the support context for pages and dashboards (query counts bounded)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.db.models import Count, Prefetch, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from accounts.models import User
from applications import snapshots
from applications.models import FigureSnapshot
from installations.models import Visit
from terminals.models import DeviceEvent, Terminal, TerminalHealth, TerminalStatus
from terminals.selectors import inventory_counts

from .models import (
    OPEN_CASE_STATUSES,
    CaseStatus,
    EarlyWarning,
    Incident,
    SupportCase,
)


def open_incident() -> Incident | None:
    return Incident.objects.filter(is_open=True).first()


def merchant_terminals(user: User) -> QuerySet[Terminal]:
    """The merchant's terminals with their health and open cases, in three queries."""
    return (
        Terminal.objects.filter(application__applicant=user)
        .exclude(status=TerminalStatus.RETIRED)
        .select_related("application", "health")
        .prefetch_related(
            Prefetch(
                "support_cases",
                queryset=SupportCase.objects.filter(status__in=OPEN_CASE_STATUSES),
                to_attr="open_cases",
            )
        )
        .order_by("serial_number")
    )


def health_of(terminal: Terminal) -> TerminalHealth | None:
    try:
        return terminal.health
    except TerminalHealth.DoesNotExist:
        return None


def merchant_cases(user: User) -> QuerySet[SupportCase]:
    return SupportCase.objects.filter(application__applicant=user).select_related("terminal").order_by("-created_at")


def case_queue(*, status: str = "open") -> QuerySet[SupportCase]:
    """Open cases oldest first (the longest waiting on top); resolved ones newest first.

    Only the columns the queue shows: a case's checks and answers (JSON) and the application's
    sealed numbers (decrypted on load) cost more than the rest of the page (issue 15)."""
    cases = SupportCase.objects.select_related("terminal", "application").only(
        "reference", "created_at", "resolved_at", "code", "symptom", "status", "terminal__serial_number",
        # The state too: the application's model reads it as it loads (django-fsm's concurrency check).
        "application__reference", "application__status",
    )  # fmt: skip
    if status == "resolved":
        return cases.filter(status=CaseStatus.RESOLVED).order_by("-resolved_at")
    return cases.filter(status__in=OPEN_CASE_STATUSES).order_by("created_at")


def open_warnings() -> QuerySet[EarlyWarning]:
    """The open warnings newest first, with the terminal's serial number (what the queue shows)."""
    return (
        EarlyWarning.objects.filter(closed_at__isnull=True)
        .select_related("terminal")
        .only("kind", "opened_at", "closed_at", "terminal__serial_number")
        .order_by("-opened_at")
    )


def case_visits(case: SupportCase) -> list[Visit]:
    """The visits of the one calendar the case booked, newest first."""
    return list(Visit.objects.filter(case_link__case=case).select_related("installer").order_by("-starts_at", "-pk"))


def last_codes(terminal: Terminal, limit: int = 5) -> list[DeviceEvent]:
    """What the terminal reported last (codes), for the installer's visit page."""
    return list(
        DeviceEvent.objects.filter(terminal=terminal).exclude(response_code="").order_by("-received_at")[:limit]
    )


@dataclass(frozen=True)
class HealthSummary:
    by_status: list[tuple[str, str, int]]  # (status, label, count)
    days: list[date]
    codes: list[str]
    # codes_by_day[code][i] is the number of reports of `code` on days[i]
    codes_by_day: dict[str, list[int]]
    open_incident: Incident | None
    open_warnings: int
    computed_at: datetime | None = None  # when the codes per day were counted


HEALTH_CACHE_KEY = "support:terminal-health:v1:{days}"
HEALTH_LOCK_KEY = "support:terminal-health:refreshing:{days}"
HEALTH_SNAPSHOT_KEY = "terminal-health:{days}"


def error_codes_per_day(*, days: int = 14, now: datetime | None = None) -> dict[str, object]:
    """The error codes reported on each of the last `days` days: an aggregate over every report
    of the period (with a fleet, hundreds of thousands), so computed by the periodic job only."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    day_list = [today - timedelta(days=days - 1 - i) for i in range(days)]
    since = timezone.make_aware(datetime.combine(day_list[0], datetime.min.time()))
    rows = (
        DeviceEvent.objects.filter(received_at__gte=since, received_at__lte=now)
        .exclude(response_code__in=["", "00"])
        .annotate(day=TruncDate("received_at"))
        .values("day", "response_code")
        .annotate(n=Count("pk"))
        .order_by()
    )
    index = {d: i for i, d in enumerate(day_list)}
    codes_by_day: dict[str, list[int]] = {}
    for row in rows:
        series = codes_by_day.setdefault(row["response_code"], [0] * days)
        if row["day"] in index:
            series[index[row["day"]]] += row["n"]
    return {
        "days": [d.isoformat() for d in day_list],
        "codes_by_day": {code: codes_by_day[code] for code in sorted(codes_by_day)},
        "computed_at": now,
    }


def refresh_terminal_health(*, days: int = 14) -> dict[str, object] | None:
    """Count the codes per day into the cache and the database (the periodic job, and once when
    nothing was ever counted); None if another refresh is running (no stampede)."""
    return snapshots.refresh(
        key=HEALTH_SNAPSHOT_KEY.format(days=days),
        cache_key=HEALTH_CACHE_KEY.format(days=days),
        lock_key=HEALTH_LOCK_KEY.format(days=days),
        compute=lambda: error_codes_per_day(days=days),
    )


def forget_terminal_health_summary(*, days: int = 14) -> None:
    """Forget the counted codes (after rows were written around the services, a bulk load):
    the next view counts them again."""
    cache.delete(HEALTH_CACHE_KEY.format(days=days))
    FigureSnapshot.objects.filter(key=HEALTH_SNAPSHOT_KEY.format(days=days)).delete()


def _codes_per_day(days: int) -> dict[str, object] | None:
    """The last count: from the cache, else (cold start) from the database, else counted now."""
    last = snapshots.last(key=HEALTH_SNAPSHOT_KEY.format(days=days), cache_key=HEALTH_CACHE_KEY.format(days=days))
    return last if last is not None else refresh_terminal_health(days=days)


def terminal_health_summary(*, days: int = 14) -> HealthSummary:
    """Terminals by status and the error codes reported per day, for the staff dashboard.

    The counts per status are the inventory's (cached, forgotten at every change of status);
    the codes per day are the periodic job's last count (support.tasks.refresh_terminal_health),
    never an aggregate over the reports in a page view once counted; the open incident and the
    number of open warnings are read live, each through its partial index.
    """
    counts = inventory_counts()
    by_status = [(value, str(label), counts.get(value, 0)) for value, label in TerminalStatus.choices]
    figures = _codes_per_day(days) or {}
    codes_by_day: dict[str, list[int]] = figures.get("codes_by_day", {})  # type: ignore[assignment]
    return HealthSummary(
        by_status=by_status,
        days=[date.fromisoformat(d) for d in figures.get("days", [])],  # type: ignore[attr-defined]
        codes=list(codes_by_day),
        codes_by_day=codes_by_day,
        open_incident=open_incident(),
        open_warnings=EarlyWarning.objects.filter(closed_at__isnull=True).count(),
        computed_at=figures.get("computed_at"),  # type: ignore[arg-type]
    )
