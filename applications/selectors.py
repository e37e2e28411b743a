"""Reads of the applications context for pages, dashboards and the admin."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django_fsm_log.models import StateLog

from accounts.models import User

from .models import MerchantApplication


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
