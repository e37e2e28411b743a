"""Reads of the applications context for pages, dashboards and the admin."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django_fsm_log.models import StateLog

from accounts.models import User

from .choices import Status
from .models import ApplicationDocument, MerchantApplication


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
        message = row.description if row.transition in _MESSAGES_FOR_APPLICANT else ""
        try:
            label = Status(row.state).label
        except ValueError:
            label = row.state
        entries.append(TimelineEntry(row.state, label, row.timestamp, message or ""))
    return entries
