"""Deployment checks of the keys that seal personal data (`manage.py check --deploy`)."""

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
