"""The Celery application. Configuration comes from Django settings (CELERY_*)."""

import os

from celery import Celery, bootsteps

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pos_portal.settings")

app = Celery("pos_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

HEARTBEAT_INTERVAL = 15.0


class WorkerHeartbeat(bootsteps.StartStopStep):
    """Every few seconds, the worker notes in Redis that it is alive, for /healthz.

    Celery's own heartbeats are events, which need a monitor listening; a key in Redis
    can be read by the web process in one round trip.
    """

    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs) -> None:
        super().__init__(worker, **kwargs)
        self.tref = None

    def start(self, worker) -> None:
        from .health import record_worker_heartbeat

        record_worker_heartbeat(worker.hostname)
        self.tref = worker.timer.call_repeatedly(HEARTBEAT_INTERVAL, record_worker_heartbeat, (worker.hostname,))

    def stop(self, worker) -> None:
        if self.tref is not None:
            self.tref.cancel()
            self.tref = None


app.steps["worker"].add(WorkerHeartbeat)
