"""Thin Celery wrappers of the terminals context's jobs: registrations at the acquirer host."""

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def send_host_registration(registration_id: int) -> bool:
    return services.registration_send(registration_id=registration_id)


@shared_task(acks_late=True)
def send_due_host_registrations() -> int:
    """Every minute (beat): the rows due again after a failure, or left by a broker that was down."""
    return sum(services.registration_send(registration_id=pk) for pk in services.registrations_due())
