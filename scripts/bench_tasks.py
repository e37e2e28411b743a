"""The no-op task that `make bench` runs on the delivery worker: the cost of a task itself."""

from celery import shared_task


@shared_task(name="bench.noop", acks_late=True)
def noop() -> None:
    return None
