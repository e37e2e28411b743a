"""Beat's scheduler: django_celery_beat's DatabaseScheduler, which also says it is alive.

/healthz reads the note (pos_portal.health): without it nobody would know that reminders,
SLA alerts and re-dispatches have stopped being started.
"""

import socket
import time

from django_celery_beat.schedulers import DatabaseScheduler

from .health import HEARTBEAT_INTERVAL, record_heartbeat


class HeartbeatScheduler(DatabaseScheduler):
    _last_heartbeat = 0.0

    def tick(self, *args, **kwargs) -> float:
        now = time.monotonic()
        if now - self._last_heartbeat >= HEARTBEAT_INTERVAL:
            record_heartbeat("beat", f"beat@{socket.gethostname()}")
            self._last_heartbeat = now
        return super().tick(*args, **kwargs)
