"""Thin Celery wrappers of the installations context's periodic jobs (beat: settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from . import dashboard, reminders


@shared_task(acks_late=True)
def remind_upcoming_visits() -> int:
    return reminders.remind_upcoming_visits()


@shared_task(acks_late=True)
def send_staff_digest() -> int:
    return reminders.send_staff_digest()


@shared_task(acks_late=True)
def refresh_staff_dashboard() -> None:
    """Recompute the staff dashboard's figures, so that no page view waits for them."""
    dashboard.refresh_figures()
