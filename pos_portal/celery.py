"""The Celery application. Configuration comes from Django settings (CELERY_*)."""

import os

from celery import Celery, bootsteps
from celery.signals import after_setup_logger, after_setup_task_logger

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pos_portal.settings")

app = Celery("pos_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class WorkerHeartbeat(bootsteps.StartStopStep):
    """Every few seconds, the worker notes that it is alive, for /healthz (pos_portal.health).

    Celery's own heartbeats are events, which need a monitor listening; a note in Redis or
    in the embedded broker's folder can be read by the web process at once.
    """

    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs) -> None:
        super().__init__(worker, **kwargs)
        self.tref = None

    def start(self, worker) -> None:
        from .health import HEARTBEAT_INTERVAL, record_worker_heartbeat

        record_worker_heartbeat(worker.hostname)
        self.tref = worker.timer.call_repeatedly(HEARTBEAT_INTERVAL, record_worker_heartbeat, (worker.hostname,))

    def stop(self, worker) -> None:
        if self.tref is not None:
            self.tref.cancel()
            self.tref = None


app.steps["worker"].add(WorkerHeartbeat)


@after_setup_logger.connect
@after_setup_task_logger.connect
def mask_personal_data_in_worker_logs(logger, **kwargs) -> None:
    """Celery replaces the root logger's handlers with its own in workers and beat: give them
    the filter that Django's LOGGING gives the web process, so no log line holds a whole ID,
    card or mobile number."""
    from core.masking import MaskPersonalDataFilter

    for handler in logger.handlers:
        if not any(isinstance(f, MaskPersonalDataFilter) for f in handler.filters):
            handler.addFilter(MaskPersonalDataFilter())
