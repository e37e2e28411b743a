"""Gunicorn's settings: `gunicorn -c python:pos_portal.gunicorn_conf pos_portal.wsgi`.

Gunicorn logs through its own loggers (gunicorn.error, gunicorn.access), outside Django's
LOGGING: they get the same masking filter, so a personal number in a request line (an old
bookmark, a hand-typed query string) or an error never reaches the log whole.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
accesslog = "-"
# The client address as the trusted proxy saw it, then the request line and the answer.
access_log_format = '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(b)s %(L)ss'
# A request larger than Django would accept never reaches a worker whole.
limit_request_line = 8190

logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal_data": {"()": "core.masking.MaskPersonalDataFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s [%(process)d] %(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "error_console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "plain",
            "filters": ["mask_personal_data"],
        },
        "access_console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["mask_personal_data"],
        },
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["error_console"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["access_console"], "level": "INFO", "propagate": False},
    },
}
