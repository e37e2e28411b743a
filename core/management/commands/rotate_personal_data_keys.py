"""Re-encrypt every personal number with the newest key and recompute its blind index.

Rotation, step by step (docs/security.md): put a new key first in FIELD_ENCRYPTION_KEYS
(and/or BLIND_INDEX_KEYS), keep the old ones after it, deploy, run this command, then drop
the old keys. Until it has run, the old keys still decrypt and searches still find.
"""

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection

from core.crypto import ROTATIONS, reseal_rows
from core.fields import sealed_fields


class Command(BaseCommand):
    help = "Re-encrypt personal numbers with the newest key and re-index them (safe to run twice)."

    def handle(self, *args: Any, **options: Any) -> None:
        for model in apps.get_models():
            fields = sealed_fields(model)
            if not fields:
                continue
            columns = {f.column: model._meta.get_field(f.blind_index).column for f in fields}
            rows = reseal_rows(connection, model._meta.db_table, columns)
            self.stdout.write(f"{model._meta.label}: {rows} rows re-encrypted ({', '.join(columns)})")
        for rewrite in ROTATIONS:
            what, rows = rewrite()
            self.stdout.write(f"{what}: {rows} rows re-encrypted")
