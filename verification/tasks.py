"""Thin Celery wrappers: the checks of one submission, asked again with backoff while a service is down."""

from celery import shared_task
from django.conf import settings

from . import services
from .choices import Route


@shared_task(bind=True, acks_late=True, max_retries=None)
def verify_application(self, assessment_id: int) -> str:
    attempt = self.request.retries + 1
    last = attempt > settings.VERIFICATION_MAX_RETRIES
    assessment = services.assess(assessment_id=assessment_id, attempt=attempt, final=last)
    if assessment.route == Route.RUNNING and not last:
        # A service was down or slow: ask again later (2 s, 4 s, 8 s… capped), then a person decides.
        delay = min(settings.VERIFICATION_RETRY_BACKOFF_SECONDS * 2 ** (attempt - 1), 300)
        raise self.retry(countdown=delay)
    return assessment.route


@shared_task(acks_late=True)
def resume_stalled_checks() -> int:
    from .jobs import resume_stalled

    return resume_stalled()
