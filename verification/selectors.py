"""Reads of the verification context: the senior queue, an application's evidence, the dashboard panel."""

from datetime import timedelta
from statistics import median
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django_fsm_log.models import StateLog

from accounts.models import User
from applications.choices import Status
from applications.models import MerchantApplication

from .choices import Route, Verdict
from .models import Assessment, Evidence
from .rules import reason_text


def _latest_route() -> Subquery:
    return Subquery(
        Assessment.objects.filter(application=OuterRef("pk")).order_by("-started_at", "-id").values("route")[:1]
    )


def senior_queue(qs: QuerySet[MerchantApplication], user: User) -> QuerySet[MerchantApplication]:
    """Waiting applications whose latest assessment sent them to a senior reviewer."""
    return qs.filter(status=Status.SUBMITTED).alias(route=_latest_route()).filter(route=Route.SENIOR)


def without_senior(qs: QuerySet[MerchantApplication]) -> QuerySet[MerchantApplication]:
    """ "Unassigned" without them: they wait for a senior reviewer."""
    senior = Assessment.objects.filter(route=Route.SENIOR, application=OuterRef("pk"))
    newer = Assessment.objects.filter(application=OuterRef("application"), started_at__gt=OuterRef("started_at"))
    return qs.exclude(pk__in=senior.exclude(Exists(newer)).values("application"))


def evidence_of(assessment: Assessment) -> list[Evidence]:
    """The latest answer of each check for this application, up to the assessment's decision."""
    rows = Evidence.objects.filter(application_id=assessment.application_id).order_by("kind", "-asked_at", "-id")
    if assessment.decided_at:
        rows = rows.filter(asked_at__lte=assessment.decided_at)
    latest: dict[str, Evidence] = {}
    for row in rows[:40]:
        latest.setdefault(row.kind, row)
    return list(latest.values())


def worded_reasons(assessment: Assessment) -> list[dict[str, Any]]:
    return [{"text": reason_text(r), "weight": r.get("weight", 0), "code": r.get("code")} for r in assessment.reasons]


# --- The dashboard panel ----------------------------------------------------------------------

PANEL_CACHE_KEY = "verification:dashboard"
PANEL_DAYS = 30


def dashboard_figures() -> dict[str, Any]:
    """Cached for a minute: the panel never costs the dashboard more than one cache read.
    The labels are added after the cache, in the reader's language."""
    figures = cache.get_or_set(PANEL_CACHE_KEY, _figures, 60)
    shown = [(Route(code).label, n) for code, n in figures["routes"].items() if code in Route.values]
    return {**figures, "routes_shown": shown}


def _figures() -> dict[str, Any]:
    since = timezone.now() - timedelta(days=PANEL_DAYS)
    routes: dict[str, int] = {}
    for route in Assessment.objects.filter(decided_at__gte=since).values_list("route", flat=True).iterator():
        routes[route] = routes.get(route, 0) + 1
    automatic = routes.get(Route.AUTO_APPROVED, 0) + routes.get(Route.AUTO_REJECTED, 0)
    routed = automatic + routes.get(Route.QUEUE, 0) + routes.get(Route.SENIOR, 0)
    auto_minutes = [
        (decided - submitted).total_seconds() / 60
        for decided, submitted in Assessment.objects.filter(
            decided_at__gte=since, route__in=[Route.AUTO_APPROVED, Route.AUTO_REJECTED], submitted_at__isnull=False
        ).values_list("decided_at", "submitted_at")[:5000]
    ]
    ct = ContentType.objects.get_for_model(MerchantApplication)
    decisions = (
        StateLog.objects.filter(content_type=ct, timestamp__gte=since, transition__in=["approve", "reject"])
        .exclude(by__username="verification-robot")
        .values_list("object_id", "timestamp")[:5000]
    )
    submitted = dict(
        MerchantApplication.objects.filter(pk__in=[pk for pk, _ in decisions]).values_list("pk", "submitted_at")
    )
    person_hours = [
        (at - submitted[pk]).total_seconds() / 3600 for pk, at in decisions if submitted.get(int(pk)) is not None
    ]
    looks = dict.fromkeys(Verdict.values, 0)
    for verdict in Assessment.objects.filter(sampled=True, second_look_at__gte=since).values_list(
        "second_look", flat=True
    ):
        looks[verdict] = looks.get(verdict, 0) + 1
    looked = looks[Verdict.AGREE] + looks[Verdict.DISAGREE]
    return {
        "days": PANEL_DAYS,
        "routed": routed,
        "routes": routes,
        "automatic_share": round(100 * automatic / routed, 1) if routed else None,
        "auto_median_minutes": round(median(auto_minutes), 1) if auto_minutes else None,
        "person_median_hours": round(median(person_hours), 1) if person_hours else None,
        "sampled_waiting": Assessment.objects.filter(sampled=True, second_look="").count(),
        "looked": looked,
        "agreement": round(100 * looks[Verdict.AGREE] / looked, 1) if looked else None,
        "computed_at": timezone.now(),
    }
