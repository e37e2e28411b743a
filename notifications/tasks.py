from celery import shared_task

from . import services


@shared_task(bind=True, max_retries=5, retry_backoff=True, retry_backoff_max=600, acks_late=True)
def deliver_notification(self, notification_id: int) -> None:
    try:
        services.deliver(notification_id=notification_id)
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            services.mark_failed(notification_id=notification_id, error=f"{type(exc).__name__}: {exc}")
            return
        raise self.retry(exc=exc, countdown=min(600, 2 ** (self.request.retries + 1))) from exc
