"""Thin Celery wrappers: load by id, call the service. Safe to run twice."""

from datetime import timedelta

from celery import shared_task

from . import services


@shared_task(bind=True, acks_late=True, max_retries=None)
def deliver_notification(self, notification_id: int) -> None:
    # The row counts the attempts and fails itself after the last one; the broker only
    # brings the retry back at the due time the row holds (the re-dispatch is the net).
    try:
        services.deliver(notification_id=notification_id)
    except services.DeliveryFailed as exc:
        if self.request.is_eager:
            # In-process (no broker): a retry would block the request that caused it.
            # The row stays pending with its due time for a re-dispatch.
            return
        raise self.retry(exc=exc, countdown=exc.retry_in) from exc


@shared_task(acks_late=True)
def redispatch_pending_notifications(older_than_seconds: int = 120) -> int:
    return services.redispatch_pending(older_than=timedelta(seconds=older_than_seconds))
