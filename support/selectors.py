"""Reads of the support context for pages and dashboards (query counts bounded)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Prefetch, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from accounts.models import User
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
    """Open cases oldest first (the longest waiting on top); resolved ones newest first."""
    cases = SupportCase.objects.select_related("terminal", "application", "application__applicant")
    if status == "resolved":
        return cases.filter(status=CaseStatus.RESOLVED).order_by("-resolved_at")
    return cases.filter(status__in=OPEN_CASE_STATUSES).order_by("created_at")


def open_warnings() -> QuerySet[EarlyWarning]:
    return (
        EarlyWarning.objects.filter(closed_at__isnull=True)
        .select_related("terminal", "terminal__application")
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


def terminal_health_summary(*, days: int = 14, now: datetime | None = None) -> HealthSummary:
    """Terminals by status and the error codes reported per day, for the staff dashboard (4 queries)."""
    now = now or timezone.now()
    # The inventory's counts: cached, and forgotten at every change of a terminal's status.
    counts = inventory_counts()
    by_status = [(value, str(label), counts.get(value, 0)) for value, label in TerminalStatus.choices]
    today = timezone.localdate(now)
    day_list = [today - timedelta(days=days - 1 - i) for i in range(days)]
    since = timezone.make_aware(datetime.combine(day_list[0], datetime.min.time()))
    rows = (
        DeviceEvent.objects.filter(received_at__gte=since, received_at__lte=now)
        .exclude(response_code__in=["", "00"])
        .annotate(day=TruncDate("received_at"))
        .values("day", "response_code")
        .annotate(n=Count("pk"))
    )
    index = {d: i for i, d in enumerate(day_list)}
    codes_by_day: dict[str, list[int]] = {}
    for row in rows:
        series = codes_by_day.setdefault(row["response_code"], [0] * days)
        if row["day"] in index:
            series[index[row["day"]]] += row["n"]
    codes = sorted(codes_by_day)
    codes_by_day = {code: codes_by_day[code] for code in codes}
    return HealthSummary(
        by_status=by_status,
        days=day_list,
        codes=codes,
        codes_by_day=codes_by_day,
        open_incident=open_incident(),
        open_warnings=EarlyWarning.objects.filter(closed_at__isnull=True).count(),
    )
