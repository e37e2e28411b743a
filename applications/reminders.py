"""Periodic jobs of the applications context: who is reminded, and the reminding.

Each job reads what is due from the database at the time it runs (`now`), so beat only
has to start it now and then: a run missed is made up by the next one, and a run
doubled sends nothing twice (each message carries a key naming what it is about, see
notifications.services.notify).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from notifications.services import notify

from .choices import Status
from .models import MerchantApplication

IDLE_AFTER = timedelta(days=3)
WAITING_FOR_A_DECISION = (Status.SUBMITTED, Status.IN_REVIEW)
# An application idle for longer than this was reminded already (the job runs hourly)
# or was abandoned long before this job existed: leave it be.
IDLE_REMINDER_WINDOW = timedelta(days=7)


def idle_applications(*, now: datetime) -> QuerySet[MerchantApplication]:
    """Drafts and requested changes that nobody has touched for IDLE_AFTER (within the window)."""
    cutoff = now - IDLE_AFTER
    return (
        MerchantApplication.objects.filter(
            status__in=[Status.DRAFT, Status.CHANGES_REQUESTED],
            updated_at__lte=cutoff,
            updated_at__gt=cutoff - IDLE_REMINDER_WINDOW,
            applicant__is_active=True,
        )
        .select_related("applicant")
        .order_by("updated_at", "pk")
    )


def remind_idle_applications(*, now: datetime | None = None) -> int:
    """Remind each applicant once per idle spell: an edit starts a new spell. Returns reminders sent."""
    now = now or timezone.now()
    sent = 0
    for app in idle_applications(now=now):
        idle_days = (now - app.updated_at).days
        if app.status == Status.DRAFT:
            template, context = "application.idle_draft", {"reference": app.reference, "days": idle_days}
        else:
            template = "application.idle_changes"
            context = {"reference": app.reference, "days": idle_days, "message": app.decision_message}
        with transaction.atomic():
            rows = notify(
                recipient=app.applicant,
                template=template,
                context=context,
                key=f"idle:{app.pk}:{app.updated_at.isoformat()}",
            )
        sent += bool(rows)
    return sent


def reviewers() -> QuerySet[User]:
    return User.objects.filter(groups__name=Role.REVIEWER, is_active=True).distinct()


def waiting_past_sla(*, now: datetime) -> QuerySet[MerchantApplication]:
    """Applications waiting for a decision (in the queue or held) since longer than REVIEW_SLA_HOURS
    after their submission: the same rule as the reviewers' queue and dashboard."""
    cutoff = now - timedelta(hours=settings.REVIEW_SLA_HOURS)
    return (
        MerchantApplication.objects.filter(status__in=WAITING_FOR_A_DECISION, submitted_at__lte=cutoff)
        .select_related("reviewer")
        .order_by("submitted_at", "pk")
    )


def alert_review_sla_breaches(*, now: datetime | None = None) -> int:
    """Once per submission, tell of each application past its SLA: every reviewer while it is
    in the queue, the reviewer holding it once claimed. Returns alerts sent."""
    now = now or timezone.now()
    everyone = list(reviewers())
    sent = 0
    for app in waiting_past_sla(now=now):
        context = {
            "reference": app.reference,
            "hours": settings.REVIEW_SLA_HOURS,
            "submitted": app.submitted_at,
        }
        people = [app.reviewer] if app.status == Status.IN_REVIEW and app.reviewer else everyone
        with transaction.atomic():
            for person in people:
                rows = notify(
                    recipient=person,
                    template="review.sla_breached",
                    context=context,
                    key=f"sla:{app.pk}:{app.submitted_at.isoformat()}",
                )
                sent += bool(rows)
    return sent
