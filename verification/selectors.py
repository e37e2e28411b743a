"""Reads of the verification context: the senior queue, an application's evidence, the dashboard panel."""

from collections.abc import Callable
from datetime import timedelta
from statistics import median
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.models import User
from applications.choices import Status
from applications.models import MerchantApplication

from .choices import Route, Verdict
from .models import Assessment, Evidence
from .rules import reason_text


def _latest(field: str) -> Subquery:
    return Subquery(
        Assessment.objects.filter(application=OuterRef("pk")).order_by("-started_at", "-id").values(field)[:1]
    )


def senior_queue(qs: QuerySet[MerchantApplication], user: User) -> QuerySet[MerchantApplication]:
    """Waiting applications whose latest assessment sent them to a senior reviewer."""
    return qs.filter(status=Status.SUBMITTED).alias(route=_latest("route")).filter(route=Route.SENIOR)


def returned_queue(qs: QuerySet[MerchantApplication], user: User) -> QuerySet[MerchantApplication]:
    """Corrections back to this reviewer, who asked for them."""
    return (
        qs.filter(status=Status.SUBMITTED)
        .alias(route=_latest("route"), returned_to=_latest("returned_to"))
        .filter(route=Route.RETURNED, returned_to=user.pk)
    )


def _leave_out(route: str) -> Callable[[QuerySet[MerchantApplication]], QuerySet[MerchantApplication]]:
    """ "Unassigned" without the applications whose latest assessment routed them to `route`."""

    def narrow(qs: QuerySet[MerchantApplication]) -> QuerySet[MerchantApplication]:
        routed = Assessment.objects.filter(route=route, application=OuterRef("pk"))
        newer = Assessment.objects.filter(application=OuterRef("application"), started_at__gt=OuterRef("started_at"))
        return qs.exclude(pk__in=routed.exclude(Exists(newer)).values("application"))

    return narrow


without_senior = _leave_out(Route.SENIOR)  # they wait for a senior reviewer
without_returned = _leave_out(Route.RETURNED)  # they wait for the reviewer who asked for the changes


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
    """Three queries whatever the number of applications (the dashboard's query budget is fixed)."""
    since = timezone.now() - timedelta(days=PANEL_DAYS)
    recent = Assessment.objects.filter(decided_at__gte=since)
    counts = recent.aggregate(
        **{code: Count("pk", filter=Q(route=code)) for code in Route.values},
        sampled_waiting=Count("pk", filter=Q(sampled=True, second_look="")),
        agree=Count("pk", filter=Q(sampled=True, second_look=Verdict.AGREE)),
        disagree=Count("pk", filter=Q(sampled=True, second_look=Verdict.DISAGREE)),
    )
    routes = {code: counts[code] for code in Route.values if counts[code]}
    automatic = counts[Route.AUTO_APPROVED] + counts[Route.AUTO_REJECTED]
    routed = automatic + counts[Route.QUEUE] + counts[Route.SENIOR]
    auto_minutes = [
        (decided - submitted).total_seconds() / 60
        for decided, submitted in recent.filter(
            route__in=[Route.AUTO_APPROVED, Route.AUTO_REJECTED], submitted_at__isnull=False
        ).values_list("decided_at", "submitted_at")[:5000]
    ]
    # Routed to a person and decided by one: the decision is the application's last change of state
    # while it is still approved or rejected (a later step of the workflow moves it on; those are left out).
    person_hours = [
        (decided - submitted).total_seconds() / 3600
        for decided, submitted in recent.filter(
            route__in=[Route.QUEUE, Route.SENIOR],
            submitted_at__isnull=False,
            application__status__in=[Status.APPROVED, Status.REJECTED],
        ).values_list("application__status_changed_at", "submitted_at")[:5000]
    ]
    looked = counts["agree"] + counts["disagree"]
    return {
        "days": PANEL_DAYS,
        "routed": routed,
        "routes": routes,
        "automatic_share": round(100 * automatic / routed, 1) if routed else None,
        "auto_median_minutes": round(median(auto_minutes), 1) if auto_minutes else None,
        "person_median_hours": round(median(person_hours), 1) if person_hours else None,
        "sampled_waiting": counts["sampled_waiting"],
        "looked": looked,
        "agreement": round(100 * counts["agree"] / looked, 1) if looked else None,
        "computed_at": timezone.now(),
    }
