"""Indexes for the inventory with a fleet (issue 15), on PostgreSQL only.

A search by serial number is `UPPER(serial) LIKE UPPER('%…%')` (Django's icontains): a trigram
GIN index on `UPPER(serial_number)` serves it from three characters on; fewer search the start of
the serial, served by a pattern index on the same expression. The serial's own unique index with
the id included lets a far page of the inventory (its ids first, core.paging) be read from the
index alone. None is part of the models' state: SQLite, the embedded default, has none of these
kinds, and a later migration that remakes the table on SQLite must not try to recreate them.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import migrations, models
from django.db.models.functions import Upper


def _indexes() -> list[models.Index]:
    return [
        GinIndex(OpClass(Upper("serial_number"), name="gin_trgm_ops"), name="terminal_serial_trgm"),
        models.Index(OpClass(Upper("serial_number"), name="text_pattern_ops"), name="terminal_serial_prefix"),
        models.Index(fields=["serial_number"], include=["id"], name="terminal_serial_ids"),
    ]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("terminals", "Terminal")
    for index in _indexes():
        schema_editor.add_index(model, index)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("terminals", "Terminal")
    for index in _indexes():
        schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    dependencies = [
        ("terminals", "0006_fleet_indexes"),
        # pg_trgm is created there.
        ("applications", "0008_search_indexes"),
    ]

    operations = [migrations.RunPython(create, drop)]
