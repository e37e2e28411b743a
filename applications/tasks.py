"""Thin Celery wrappers of the applications context's periodic jobs (beat: settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from . import reminders


@shared_task(acks_late=True)
def remind_idle_applications() -> int:
    return reminders.remind_idle_applications()


@shared_task(acks_late=True)
def alert_review_sla_breaches() -> int:
    return reminders.alert_review_sla_breaches()
