"""Thin Celery wrappers of the installations context's periodic jobs (beat: settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from . import reminders


@shared_task(acks_late=True)
def remind_upcoming_visits() -> int:
    return reminders.remind_upcoming_visits()


@shared_task(acks_late=True)
def send_staff_digest() -> int:
    return reminders.send_staff_digest()
