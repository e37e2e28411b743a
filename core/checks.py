"""Deployment checks (`manage.py check --deploy`): the keys that seal personal data, and a cache
shared by the web processes for the limits."""

import os
from typing import Any

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.core.checks import Tags as CheckTags


@register(CheckTags.security, deploy=True)
def personal_data_keys(app_configs: Any = None, **kwargs: Any) -> list[Warning | Error]:
    problems: list[Warning | Error] = []
    for name in ("FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEYS"):
        if not os.environ.get(name):
            problems.append(
                Warning(
                    f"{name} is not set in the environment: the key was generated into a file of this "
                    "checkout, which a second server, a restore or a fresh deployment will not have.",
                    hint=f"Set {name} (see docs/security.md, key rotation).",
                    id="core.W001",
                )
            )
    if set(settings.FIELD_ENCRYPTION_KEYS) & set(settings.BLIND_INDEX_KEYS):
        problems.append(
            Error("A key is both an encryption key and a blind-index key: give each its own.", id="core.E002")
        )
    return problems


@register(CheckTags.security, deploy=True)
def shared_limits(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    # Without Redis the login throttle's and the device API's counters live in each process's
    # memory: fine for `make run` (one process), N times looser behind N gunicorn workers.
    workers = int(os.environ.get("WEB_CONCURRENCY", "4"))  # pos_portal/gunicorn_conf.py's default
    if settings.REDIS_URL or workers <= 1:
        return []
    return [
        Warning(
            f"REDIS_URL is not set: the sign-in and device API limits are counted in each of the "
            f"{workers} web processes (WEB_CONCURRENCY) apart, so each limit is {workers} times looser.",
            hint="Set REDIS_URL (docs/deploy.md), or run one web process (WEB_CONCURRENCY=1).",
            id="core.W003",
        )
    ]
