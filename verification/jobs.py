"""Periodic selections of the verification context (beat: settings.CELERY_BEAT_SCHEDULE)."""

from datetime import timedelta

from django.utils import timezone

from .choices import Route
from .models import Assessment

# Longer than the whole retry ladder (2 + 4 + … s, capped at 5 min each) takes on a healthy worker.
STALLED_AFTER = timedelta(minutes=30)


def resume_stalled() -> int:
    """Checks still running long after they started lost their task (a broker or worker lost it):
    the row is the truth, so the job is queued again; a second delivery decides nothing twice."""
    from .tasks import verify_application

    stalled = list(
        Assessment.objects.filter(route=Route.RUNNING, started_at__lt=timezone.now() - STALLED_AFTER)
        .order_by("started_at")
        .values_list("pk", flat=True)[:500]
    )
    for pk in stalled:
        verify_application.apply_async((pk,), kwargs={}, retries=99)  # the last attempt: a person decides if it fails
    return len(stalled)
