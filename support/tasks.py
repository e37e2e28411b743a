"""Thin Celery wrappers. Each job reads the database afresh and is safe to run twice."""

from celery import shared_task

from . import selectors, services


@shared_task(acks_late=True)
def scan_incidents() -> None:
    services.incident_scan()


@shared_task(acks_late=True)
def scan_no_heartbeat() -> None:
    services.warnings_scan_no_heartbeat()


@shared_task(acks_late=True)
def scan_idle_terminals() -> None:
    services.warnings_scan_idle()


@shared_task(acks_late=True)
def scan_configuration_drift() -> None:
    services.warnings_scan_drift()


@shared_task(acks_late=True)
def refresh_terminal_health() -> None:
    """Count the error codes per day for the staff dashboard, so that no page view counts them."""
    selectors.refresh_terminal_health()
