"""Thin Celery wrappers: load by id, call the service. Safe to run twice."""

from datetime import timedelta

from celery import shared_task

from . import services
from .models import DeliveryStatus


@shared_task(bind=True, acks_late=True)
def deliver_notifications(self, notification_ids: list[int]) -> int:
    """Deliver a batch of outbox rows; returns how many were sent."""
    return _deliver(notification_ids, retry_through_broker=not self.request.is_eager)


@shared_task(bind=True, acks_late=True)
def deliver_notification(self, notification_id: int) -> int:
    # Messages published before batches existed may still wait in the broker after a deploy.
    return _deliver([notification_id], retry_through_broker=not self.request.is_eager)


def _deliver(notification_ids: list[int], *, retry_through_broker: bool) -> int:
    # Each row counts its attempts and fails itself after the last one. The rows to try again
    # go back to the broker, one message per waiting time; if that publish fails they stay
    # pending with their due time and the periodic re-dispatch sends them. In-process (no
    # broker) a retry would block the request that caused it: they wait for a re-dispatch.
    report = services.deliver_many(notification_ids=notification_ids)
    if retry_through_broker:
        for delay, ids in report.retry_groups().items():
            services.dispatch(ids, countdown=delay)
    return sum(row.status == DeliveryStatus.SENT for row in report.rows.values())


@shared_task(acks_late=True)
def redispatch_pending_notifications(older_than_seconds: int = 120) -> int:
    return services.redispatch_pending(older_than=timedelta(seconds=older_than_seconds))
