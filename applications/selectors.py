"""Reads of the applications context for pages, dashboards and the admin."""

import re
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from statistics import median

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Count, Min, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django_fsm_log.models import StateLog

from accounts.models import User
from accounts.validators import normalize_cn_mobile
from core.crypto import blind_index
from core.texts import wording

from . import hooks
from .choices import Status
from .models import ApplicationDocument, MerchantApplication
from .validators import normalize_card_number, normalize_id_number


def history_for(application: MerchantApplication) -> QuerySet[StateLog]:
    """Every transition of the application, oldest first, with who fired it."""
    content_type = ContentType.objects.get_for_model(MerchantApplication)
    return (
        StateLog.objects.filter(content_type=content_type, object_id=application.pk)
        .select_related("by")
        .order_by("timestamp", "pk")
    )


def applications_of(user: User) -> QuerySet[MerchantApplication]:
    return MerchantApplication.objects.filter(applicant=user)


def documents_of(application: MerchantApplication) -> QuerySet[ApplicationDocument]:
    return ApplicationDocument.objects.filter(application=application).order_by("kind")


# Transitions whose message is written to the applicant; other messages (a reviewer's
# release of the hold) are internal and stay off the applicant's timeline.
_MESSAGES_FOR_APPLICANT = {"request_changes", "reject", "approve", "withdraw", "suspend", "reinstate"}


@dataclass(frozen=True)
class TimelineEntry:
    state: str
    label: str
    at: datetime
    message: str


def applicant_timeline(application: MerchantApplication) -> list[TimelineEntry]:
    """Every state the application went through, oldest first, with the messages meant for the applicant.

    One query whatever the length of the history.
    """
    entries = [TimelineEntry(Status.DRAFT, Status.DRAFT.label, application.created_at, "")]
    for row in history_for(application).select_related(None).only("state", "transition", "description", "timestamp"):
        # Words a person typed, or a kept text (the automatic decision's) worded for this reader.
        message = wording(row.description) if row.transition in _MESSAGES_FOR_APPLICANT else ""
        try:
            label = Status(row.state).label
        except ValueError:
            label = row.state
        entries.append(TimelineEntry(row.state, label, row.timestamp, message or ""))
    return entries


# --- The reviewer queue -------------------------------------------------------------------


class QueueTab(StrEnum):
    UNASSIGNED = "unassigned"
    MINE = "mine"
    ALL = "all"


# Age filter: waiting at least this many hours in the current state ("sla": the target).
AGE_CHOICES = ("sla", "4", "24", "72", "168")


@dataclass(frozen=True)
class QueueFilters:
    tab: str = QueueTab.UNASSIGNED  # a QueueTab, or the name of a tab in applications.hooks
    status: str = ""
    province: str = ""
    business_type: str = ""
    age: str = ""
    q: str = ""

    def as_dict(self) -> dict[str, str]:
        return {k: str(v) for k, v in asdict(self).items() if v}


def sla_hours() -> int:
    return int(settings.REVIEW_SLA_HOURS)


def review_queue(*, user: User, filters: QueueFilters) -> QuerySet[MerchantApplication]:
    """The applications a reviewer works on, oldest first (longest in their current state).

    Every filter maps onto an index (status + age, reviewer + status, the personal numbers),
    so a page of the queue reads a few dozen rows whatever the size of the table.
    """
    qs = MerchantApplication.objects.select_related("reviewer")
    if extra := hooks.extra_tab(filters.tab):  # a tab added by a context above (verification: senior)
        qs = extra.narrow(qs.exclude(status=Status.DRAFT), user)
    elif filters.tab == QueueTab.UNASSIGNED:
        qs = qs.filter(status=Status.SUBMITTED)
        for tab in hooks.queue_tabs():
            qs = tab.leave_out(qs) if tab.leave_out else qs
    elif filters.tab == QueueTab.MINE:
        qs = qs.filter(reviewer=user, status=Status.IN_REVIEW)
    else:
        qs = qs.exclude(status=Status.DRAFT)  # drafts are the applicant's business
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.province:
        qs = qs.filter(province=filters.province)
    if filters.business_type:
        qs = qs.filter(business_type=filters.business_type)
    if filters.age == "sla":
        # The same rule as the badge and the dashboard: waiting for a decision, past the target.
        qs = qs.filter(status__in=WAITING_FOR_REVIEW, submitted_at__lte=timezone.now() - timedelta(hours=sla_hours()))
    elif filters.age:
        qs = qs.filter(status_changed_at__lte=timezone.now() - timedelta(hours=int(filters.age)))
    if filters.q:
        qs = qs.filter(search_condition(filters.q) or Q(pk__in=[]))
    return qs.order_by("status_changed_at", "id")


def search_condition(text: str) -> Q | None:
    """An application number, a personal number (its token), or part of a name; None if too short.

    Each form maps onto an index (issue 15): the number onto its unique index, a personal number
    onto its blind index, three letters or more of a name onto the trigram indexes (pg_trgm, on
    PostgreSQL), two onto the start of the name (a pattern index): a trigram index cannot serve a
    two-letter pattern, and most people type a Chinese name whole. Fewer than two letters or
    digits (`%`, `_`, one character) would match nearly everything: None, and the page says why.
    `%` and `_` are matched as themselves (Django escapes them in these lookups).
    """
    text = text.strip()
    if _REFERENCE_RE.match(text.upper()):
        reference = text.upper()
        return Q(reference=reference if reference.startswith("PA-") else f"PA-{reference}")
    token = text if _TOKEN_RE.match(text) else personal_number_token(text)
    if token:
        index = token.removeprefix("#")
        return Q(mobile_index=index) | Q(id_number_index=index) | Q(card_number_index=index)
    if sum(c.isalnum() for c in text) < 2:
        return None
    if _longest_word(text) < 3:
        return Q(legal_name__istartswith=text) | Q(business_name__istartswith=text)
    return Q(legal_name__icontains=text) | Q(business_name__icontains=text)


def _longest_word(text: str) -> int:
    longest = run = 0
    for c in text:
        run = run + 1 if c.isalnum() else 0
        longest = max(longest, run)
    return longest


def search_too_short(text: str) -> bool:
    return bool(text.strip()) and search_condition(text) is None


_REFERENCE_RE = re.compile(r"^(PA-)?[A-Z2-9]{8}$")
_TOKEN_RE = re.compile(r"^#[0-9a-f]{64}$")


def personal_number_token(text: str) -> str | None:
    """A mobile, resident ID or bank card number typed in a search box, as "#" + its blind index.

    Searches carry the token, never the number, in their URLs (links, the browser's history,
    access logs) and in the export's audit row; None when the text is no such number.
    """
    for normalize in (normalize_cn_mobile, normalize_id_number, normalize_card_number):
        try:
            return "#" + blind_index(normalize(text.strip()))
        except ValidationError:
            continue
    return None


def is_number_token(text: str) -> bool:
    return bool(_TOKEN_RE.match(text))


@dataclass(frozen=True)
class Sla:
    """How long an application has waited for a decision, against the target."""

    hours_waiting: float
    target_hours: int

    @property
    def level(self) -> str:
        if self.hours_waiting >= self.target_hours:
            return "bad"
        if self.hours_waiting >= 0.75 * self.target_hours:
            return "warn"
        return "ok"

    @property
    def breached(self) -> bool:
        return self.level == "bad"


WAITING_FOR_REVIEW = (Status.SUBMITTED, Status.IN_REVIEW)


def sla_of(application: MerchantApplication, *, now: datetime | None = None) -> Sla | None:
    """None when the application is not waiting for a reviewer."""
    if application.status not in WAITING_FOR_REVIEW:
        return None
    since = application.submitted_at or application.status_changed_at
    waited = ((now or timezone.now()) - since).total_seconds() / 3600
    return Sla(hours_waiting=waited, target_hours=sla_hours())


# Pages reached by number are read by OFFSET up to here; further pages by Next (a keyset).
MAX_OFFSET_PAGE = 100


def queue_page(
    qs: QuerySet[MerchantApplication], *, page: int, after: str = "", before: str = "", per_page: int = 25
) -> "QueuePage":
    """One page without COUNT(*): reads one row more than it shows to know if there is a next page.

    Next and Previous carry the last (first) row's place in the order (`after` / `before`), so a
    deep page reads 26 rows through the index, not every row before it (a keyset, not an OFFSET).
    A page number alone is read by OFFSET only up to MAX_OFFSET_PAGE: page 10^9 reads nothing.
    """
    page = max(page, 1)
    if after and (key := _key(after)):
        rows = list(qs.filter(_past(key))[: per_page + 1])
        return QueuePage(rows=rows[:per_page], number=page, has_next=len(rows) > per_page)
    if before and (key := _key(before)):
        rows = list(qs.filter(_past(key, backwards=True)).reverse()[: per_page + 1])
        earlier = len(rows) > per_page
        return QueuePage(rows=rows[:per_page][::-1], number=page if earlier else 1, has_next=True)
    if page > MAX_OFFSET_PAGE:
        return QueuePage(rows=[], number=page, has_next=False, too_deep=True)
    start = (page - 1) * per_page
    rows = list(qs[start : start + per_page + 1])
    return QueuePage(rows=rows[:per_page], number=page, has_next=len(rows) > per_page)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_KEY_RE = re.compile(r"^(\d{1,17})\.(\d{1,12})$")


def key_of(application: MerchantApplication) -> str:
    """The row's place in the queue's order (status_changed_at, id), for a link: no personal data."""
    at = application.status_changed_at
    micros = (at - _EPOCH) // timedelta(microseconds=1)
    return f"{micros}.{application.pk}"


def _key(text: str) -> tuple[datetime, int] | None:
    match = _KEY_RE.match(text)
    if not match:
        return None
    at = _EPOCH + timedelta(microseconds=int(match[1]))
    return at, int(match[2])


def _past(key: tuple[datetime, int], *, backwards: bool = False) -> Q:
    at, pk = key
    if backwards:
        return Q(status_changed_at__lte=at) & (Q(status_changed_at__lt=at) | Q(id__lt=pk))
    # The redundant bound lets the database start the index scan at the key.
    return Q(status_changed_at__gte=at) & (Q(status_changed_at__gt=at) | Q(id__gt=pk))


@dataclass
class QueuePage:
    rows: list[MerchantApplication]
    number: int
    has_next: bool
    too_deep: bool = False

    @property
    def has_previous(self) -> bool:
        return self.number > 1 and bool(self.rows)

    @property
    def after(self) -> str:
        return key_of(self.rows[-1]) if self.rows else ""

    @property
    def before(self) -> str:
        return key_of(self.rows[0]) if self.rows else ""


# --- Duplicates ----------------------------------------------------------------------------

DUPLICATE_KEYS = ("id_number", "card_number", "mobile")


@dataclass(frozen=True)
class Duplicate:
    application: MerchantApplication
    matches: tuple[str, ...]  # which of DUPLICATE_KEYS are the same


def duplicates_of(application: MerchantApplication, *, limit: int = 20) -> list[Duplicate]:
    """Other applications with the same resident ID number, bank card or mobile (one query)."""
    condition = Q()
    for key in DUPLICATE_KEYS:
        value = getattr(application, key)
        if value:
            condition |= Q(**{key: value})
    if not condition:
        return []
    others = (
        MerchantApplication.objects.filter(condition)
        .exclude(pk=application.pk)
        .exclude(status=Status.DRAFT)  # a draft is not the reviewers' to open
        .only("reference", "status", "legal_name", "business_name", "created_at", *DUPLICATE_KEYS)
        .order_by("-created_at")[:limit]
    )
    return [
        Duplicate(
            other,
            tuple(
                k for k in DUPLICATE_KEYS if getattr(application, k) and getattr(other, k) == getattr(application, k)
            ),
        )
        for other in others
    ]


# --- Dashboard figures ---------------------------------------------------------------------


def status_counts() -> dict[str, int]:
    """How many applications are in each state, every state present (the funnel)."""
    counts = dict(
        MerchantApplication.objects.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in Status.values}


DAILY_STATES = (Status.SUBMITTED, Status.APPROVED, Status.REJECTED)


def daily_transitions(*, days: int = 30, today: date | None = None) -> list[dict[str, object]]:
    """Per day of the last `days` (local time): how many were submitted, approved, rejected."""
    today = today or timezone.localdate()
    first = today - timedelta(days=days - 1)
    since = timezone.make_aware(datetime.combine(first, time.min))
    rows = (
        StateLog.objects.filter(
            content_type=ContentType.objects.get_for_model(MerchantApplication),
            timestamp__gte=since,
            state__in=DAILY_STATES,
        )
        .annotate(day=TruncDate("timestamp", tzinfo=timezone.get_current_timezone()))
        .order_by()
        .values_list("day", "state")
        .annotate(n=Count("id"))
    )
    by_day: dict[date, dict[str, int]] = {}
    for day, state, n in rows:
        by_day.setdefault(day, {})[state] = n
    return [
        {
            "day": first + timedelta(days=i),
            **{s: by_day.get(first + timedelta(days=i), {}).get(s, 0) for s in DAILY_STATES},
        }
        for i in range(days)
    ]


_MEDIANS_SQL = """
    SELECT source_state,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM ("timestamp" - entered)) / 3600)
    FROM (
        SELECT source_state, state, "timestamp",
               LAG("timestamp") OVER (PARTITION BY object_id ORDER BY "timestamp", id) AS entered
        FROM django_fsm_log_statelog
        WHERE content_type_id = %(ct)s AND object_id IN (
            SELECT object_id FROM django_fsm_log_statelog WHERE content_type_id = %(ct)s AND "timestamp" >= %(since)s
        )
    ) AS moves
    WHERE "timestamp" >= %(since)s AND entered IS NOT NULL AND source_state <> state
    GROUP BY source_state
"""


def median_hours_in_state(*, days: int = 30) -> dict[str, float]:
    """For each state left during the last `days`: the median hours spent in it.

    The time in a state runs from the transition that entered it to the one that left it,
    both read from the history (django-fsm-log). Only the applications that moved during
    the period are read, whole, so that a long stay that began earlier is measured in full.
    PostgreSQL computes it in one statement; elsewhere (SQLite) Python pairs the rows.
    """
    content_type = ContentType.objects.get_for_model(MerchantApplication)
    since = timezone.now() - timedelta(days=days)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_MEDIANS_SQL, {"ct": content_type.pk, "since": since})
            return {state: float(hours) for state, hours in cursor.fetchall() if state}
    moved = StateLog.objects.filter(content_type=content_type, timestamp__gte=since).values("object_id")
    logs = (
        StateLog.objects.filter(content_type=content_type, object_id__in=moved)
        .order_by("object_id", "timestamp", "id")
        .values_list("object_id", "source_state", "state", "timestamp")
    )
    spent: dict[str, list[float]] = {}
    previous: tuple[int, datetime] | None = None
    for object_id, source, state, at in logs.iterator(chunk_size=5000):
        if previous and previous[0] == object_id and at >= since and source and source != state:
            spent.setdefault(source, []).append((at - previous[1]).total_seconds() / 3600)
        previous = (object_id, at)
    return {state: median(values) for state, values in spent.items()}


def sla_breaches(*, limit: int = 10) -> tuple[int, list[MerchantApplication]]:
    """Applications waiting for a decision longer than the target: how many, and the oldest."""
    deadline = timezone.now() - timedelta(hours=sla_hours())
    qs = MerchantApplication.objects.filter(status__in=WAITING_FOR_REVIEW, submitted_at__lte=deadline)
    oldest = list(qs.select_related("reviewer").order_by("submitted_at")[:limit])
    return qs.count(), oldest


def reviewers_open_work() -> list[dict[str, object]]:
    """Each reviewer holding applications: how many, and since when the oldest."""
    return list(
        MerchantApplication.objects.filter(status=Status.IN_REVIEW, reviewer__isnull=False)
        .order_by()
        .values("reviewer", "reviewer__first_name", "reviewer__last_name", "reviewer__email")
        .annotate(open=Count("id"), oldest=Min("claimed_at"))
        .order_by("-open", "reviewer")
    )
