"""The dashboard's figures as rollups, kept up to date as applications move.

Every save of an application that creates it or changes its state writes, in the same
transaction and in one statement (`record`): the count of its old state minus one and of its
new state plus one, one more entry into the new state on this day, and the length of the stay
that ended, in a 5 % wide bucket (for the median). The dashboard reads a few hundred rollup rows
(`figures`) instead of aggregating over the applications and their history.

Rows written without the model's save (bulk loads, `QuerySet.update`) are not counted:
`rebuild()` (`manage.py rebuild_rollups`, and the migration that made the table) recomputes
everything from the applications and their history, off the request.
"""

import math
from collections import Counter
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

COUNT, ENTERED, STAY = "count", "entered", "stay"
# The `count` rows have no day; a fixed one keeps the unique key free of NULLs.
NO_DAY = date(2000, 1, 1)
# Stays are kept in buckets 5 % wide: the median read from them is within 2.5 % of the true one.
_STEP = math.log(1.05)


def bucket_of(hours: float) -> int:
    return max(0, int(math.log1p(max(hours, 0.0) * 60) / _STEP))


def hours_of(bucket: int) -> float:
    """The middle of a bucket (geometric), in hours."""
    return math.expm1((bucket + 0.5) * _STEP) / 60


def _local_day(at: datetime) -> date:
    return timezone.localtime(at).date() if timezone.is_aware(at) else at.date()


def _upsert(deltas: Counter) -> None:
    """Add each delta to its row, creating it if need be: one statement, rows in key order.

    The fixed order matters on PostgreSQL: two transitions touching the same two count rows
    lock them in the same order, so they wait for each other instead of deadlocking.
    """
    rows = sorted((k, n) for k, n in deltas.items() if n)
    if not rows:
        return
    from .models import FigureRollup

    table = connection.ops.quote_name(FigureRollup._meta.db_table)
    values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(rows))
    params: list[object] = []
    for (metric, day, state, bucket), n in rows:
        params += [metric, day, state, bucket, n]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (metric, day, state, bucket, n) VALUES {values} "  # noqa: S608 (no input)
            f"ON CONFLICT (metric, day, state, bucket) DO UPDATE SET n = {table}.n + excluded.n",
            params,
        )


def record(*, before: str | None, since: datetime | None, after: str, at: datetime | None) -> None:
    """One application created (`before` None) or moved from `before` to `after` at `at`."""
    at = at or timezone.now()
    day = _local_day(at)
    deltas: Counter = Counter()
    deltas[(COUNT, NO_DAY, after, 0)] += 1
    deltas[(ENTERED, day, after, 0)] += 1
    if before is not None:
        deltas[(COUNT, NO_DAY, before, 0)] -= 1
        if since is not None:
            deltas[(STAY, day, before, bucket_of((at - since).total_seconds() / 3600))] += 1
    _upsert(deltas)


# --- Reading ---------------------------------------------------------------------------------


def figures(*, days: int = 30, today: date | None = None) -> dict[str, object]:
    """Counts per state and entries per day for the last `days`: one query of a hundred rows or so."""
    from .choices import Status
    from .models import FigureRollup

    today = today or timezone.localdate()
    first = today - timedelta(days=days - 1)
    counts = dict.fromkeys(Status.values, 0)
    entered: dict[date, dict[str, int]] = {}
    rows = FigureRollup.objects.filter(metric=COUNT) | FigureRollup.objects.filter(metric=ENTERED, day__gte=first)
    for metric, day, state, n in rows.values_list("metric", "day", "state", "n"):
        if metric == COUNT:
            counts[state] = n
        else:
            entered.setdefault(day, {})[state] = n
    return {"counts": counts, "entered": entered, "first": first}


def median_hours(*, days: int = 30) -> dict[str, float]:
    """The median hours spent in each state, over the stays that ended in the last `days`.

    Sums the buckets of every day of the period (about 10,000 rollup rows with 100,000
    applications, ~20 ms): read by the periodic job into the dashboard's snapshot, not per view.
    """
    from .models import FigureRollup

    since = _local_day(timezone.now() - timedelta(days=days))
    stays: dict[str, list[tuple[int, int]]] = {}
    for state, bucket, n in (
        FigureRollup.objects.filter(metric=STAY, day__gte=since)
        .values_list("state", "bucket")
        .annotate(total=Sum("n"))
        .order_by("state", "bucket")
    ):
        if n:
            stays.setdefault(state, []).append((bucket, n))
    return _medians(stays)


def _medians(stays: dict[str, list[tuple[int, int]]]) -> dict[str, float]:
    medians = {}
    for state, buckets in stays.items():
        total = sum(n for _, n in buckets)
        half, seen = total / 2, 0
        for bucket, n in buckets:
            seen += n
            if seen >= half:
                medians[state] = round(hours_of(bucket), 2)
                break
    return medians


# --- Rebuilding from the applications and their history (off the request) ---------------------


def rebuild(*, models: object = None) -> int:
    """Recompute every rollup from the applications and their history; the number of rows.

    `models` is an app registry (a migration's `apps`); the project's own by default. Reads
    the whole history once, in order, so it belongs in a command or a migration, not a page.
    """
    from django.apps import apps as global_apps

    registry = models or global_apps
    Application = registry.get_model("applications", "MerchantApplication")
    Rollup = registry.get_model("applications", "FigureRollup")
    StateLog = registry.get_model("django_fsm_log", "StateLog")
    Type = registry.get_model("contenttypes", "ContentType")
    deltas: Counter = Counter()
    for state, created_at in Application.objects.values_list("status", "created_at").iterator(chunk_size=5000):
        deltas[(COUNT, NO_DAY, state, 0)] += 1
        deltas[(ENTERED, _local_day(created_at), "draft", 0)] += 1
    content_type = Type.objects.filter(app_label="applications", model="merchantapplication").first()
    if content_type is not None:
        logs = (
            StateLog.objects.filter(content_type_id=content_type.pk)
            .order_by("object_id", "timestamp", "id")
            .values_list("object_id", "source_state", "state", "timestamp")
        )
        created = dict(Application.objects.values_list("pk", "created_at").iterator(chunk_size=5000))
        previous: tuple[int, datetime] | None = None
        for object_id, source, state, at in logs.iterator(chunk_size=5000):
            day = _local_day(at)
            if source != state:
                deltas[(ENTERED, day, state, 0)] += 1
                entered_at = previous[1] if previous and previous[0] == object_id else created.get(object_id)
                if source and entered_at is not None:
                    deltas[(STAY, day, source, bucket_of((at - entered_at).total_seconds() / 3600))] += 1
            previous = (object_id, at)
    with transaction.atomic():
        Rollup.objects.all().delete()
        Rollup.objects.bulk_create(
            [Rollup(metric=m, day=d, state=s, bucket=b, n=n) for (m, d, s, b), n in deltas.items() if n],
            batch_size=2000,
        )
    return sum(1 for n in deltas.values() if n)
