"""Settings of the Celery workers that the real-worker tests start (see test_worker.py)."""

from pos_portal.settings import *  # noqa: F403
from pos_portal.settings import CELERY_BROKER_TRANSPORT_OPTIONS

EMAIL_BACKEND = "tests.notifications.backends.GatedCountingEmailBackend"
SMS_BACKEND = "notifications.sms.LocmemSmsBackend"
# Look for messages abandoned by a killed worker every second (the visibility timeout
# itself comes from CELERY_VISIBILITY_TIMEOUT, set by the test).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
