"""Periodic jobs that need installation data: visit reminders and the staff digest.

As in applications.reminders, what is due is read from the database when the job runs,
and each message carries a key so that a doubled run sends nothing twice.
"""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.roles import STAFF_ROLES
from applications.choices import Status
from applications.models import MerchantApplication
from applications.reminders import WAITING_FOR_A_DECISION
from notifications.models import DeliveryStatus, Notification
from notifications.services import notify

from .models import Visit, VisitPurpose, VisitStatus

VISIT_REMINDER_AHEAD = timedelta(hours=24)
# (to the merchant, to the installer) for each purpose.
REMINDERS = {
    VisitPurpose.INSTALLATION: ("visit.reminder", "visit.reminder_installer"),
    VisitPurpose.SERVICE: ("visit.reminder_service", "visit.reminder_service_installer"),
}


def visits_to_remind(*, now: datetime) -> QuerySet[Visit]:
    """Booked visits of every purpose starting within the next 24 h that were booked more than 24 h ahead.

    A visit booked for the next few hours needs no reminder: its booking message is one.
    """
    return (
        Visit.objects.filter(
            Q(purpose=VisitPurpose.SERVICE) | Q(application__status=Status.INSTALLATION_SCHEDULED),
            status=VisitStatus.BOOKED,
            starts_at__gt=now,
            starts_at__lte=now + VISIT_REMINDER_AHEAD,
            created_at__lt=F("starts_at") - VISIT_REMINDER_AHEAD,
        )
        .select_related("application__applicant", "installer")
        .order_by("starts_at", "pk")
    )


def remind_upcoming_visits(*, now: datetime | None = None) -> int:
    """Remind the applicant and the installer of each visit once. Returns reminders sent."""
    now = now or timezone.now()
    sent = 0
    for visit in visits_to_remind(now=now):
        app = visit.application
        context = {
            "reference": app.reference,
            "when": visit.starts_at,
            "address": app.installation_place(),
        }
        context["visit"] = str(visit.pk)
        key = f"visit:{visit.pk}"
        templates = REMINDERS[visit.purpose]
        with transaction.atomic():
            for person, template in ((app.applicant, templates[0]), (visit.installer, templates[1])):
                if person.is_active:
                    sent += bool(notify(recipient=person, template=template, context=context, key=key))
    return sent


def staff() -> QuerySet[User]:
    return (
        User.objects.filter(Q(groups__name__in=[str(r) for r in STAFF_ROLES]) | Q(is_superuser=True))
        .filter(is_active=True)
        .distinct()
    )


def digest_figures(*, now: datetime) -> dict[str, int | str]:
    """What staff read each morning: the queue, what is late, today's visits, failed messages."""
    by_status = dict(
        MerchantApplication.objects.filter(status__in=[Status.SUBMITTED, Status.IN_REVIEW, Status.CHANGES_REQUESTED])
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    sla_cutoff = now - timedelta(hours=settings.REVIEW_SLA_HOURS)
    today = timezone.localtime(now).date()
    return {
        "date": today.isoformat(),
        "submitted": by_status.get(Status.SUBMITTED, 0),
        "overdue": MerchantApplication.objects.filter(
            status__in=WAITING_FOR_A_DECISION, submitted_at__lte=sla_cutoff
        ).count(),
        "in_review": by_status.get(Status.IN_REVIEW, 0),
        "changes_requested": by_status.get(Status.CHANGES_REQUESTED, 0),
        "visits_today": Visit.objects.filter(status=VisitStatus.BOOKED, starts_at__date=today).count(),
        "failed": Notification.objects.filter(
            status=DeliveryStatus.FAILED, created_at__gt=now - timedelta(days=1)
        ).count(),
    }


def send_staff_digest(*, now: datetime | None = None) -> int:
    """One digest per staff member per day, whatever the number of runs. Returns digests sent."""
    now = now or timezone.now()
    figures = digest_figures(now=now)
    sent = 0
    with transaction.atomic():
        for person in staff():
            sent += bool(
                notify(
                    recipient=person,
                    template="staff.digest",
                    context={**figures, "date": date.fromisoformat(figures["date"])},
                    key=f"digest:{figures['date']}",
                )
            )
    return sent
