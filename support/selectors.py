"""Reads of the support context for pages and dashboards (query counts bounded)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from accounts.models import User
from installations.selectors import TaskList, local_day_start, task_list
from terminals.models import DeviceEvent, Terminal, TerminalHealth, TerminalStatus
from terminals.selectors import inventory_counts

from .models import (
    OPEN_CASE_STATUSES,
    CaseStatus,
    EarlyWarning,
    Incident,
    ServiceVisit,
    SupportCase,
    VisitStatus,
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


def installer_service_visits(installer: User) -> QuerySet[ServiceVisit]:
    """What the installer's task list shows of service visits: booked ones, soonest first."""
    return (
        ServiceVisit.objects.filter(installer=installer, status=VisitStatus.BOOKED)
        .select_related("case", "terminal", "application")
        .order_by("starts_at")
    )


SERVICE_TASK_PARTIAL = "support/_service_task.html"


def installer_tasks(installer: User, *, done_limit: int = 20) -> TaskList:
    """Installation visits (the installations context's task list) with service visits merged in. Four queries."""
    installations = task_list(installer, done_limit=done_limit)
    today_start = local_day_start(timezone.localdate())
    tomorrow_start = local_day_start(timezone.localdate() + timedelta(days=1))
    service = list(
        ServiceVisit.objects.filter(installer=installer)
        .exclude(status=VisitStatus.CANCELLED)
        .filter(Q(status=VisitStatus.BOOKED) | Q(starts_at__gte=today_start - timedelta(days=90)))
        .select_related("case", "terminal", "application")
        .order_by("starts_at")
    )
    booked = [v for v in service if v.status == VisitStatus.BOOKED]
    done = sorted((v for v in service if v.status == VisitStatus.DONE), key=lambda v: v.starts_at, reverse=True)

    def merged(first: list, second: list, *, reverse: bool = False) -> list[tuple[str, object]]:
        rows = first + [(SERVICE_TASK_PARTIAL, v) for v in second]
        return sorted(rows, key=lambda row: row[1].starts_at, reverse=reverse)

    return TaskList(
        today=merged(installations.today, [v for v in booked if v.starts_at < tomorrow_start]),
        upcoming=merged(installations.upcoming, [v for v in booked if v.starts_at >= tomorrow_start]),
        done=merged(installations.done, done[:done_limit], reverse=True)[:done_limit],
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
