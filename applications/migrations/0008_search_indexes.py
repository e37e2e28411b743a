"""Indexes for the search by name (issue 15), on PostgreSQL only.

A name search is `UPPER(name) LIKE UPPER('%…%')` (Django's icontains): a trigram GIN index on
`UPPER(name)` serves it from three letters on; two letters search the start of the name, served
by a pattern index on the same expression. Neither is part of the models' state: SQLite, the
embedded default, has neither kind (it keeps a plain scan, fine at its size), and a later
migration that remakes the table on SQLite must not try to recreate them.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models
from django.db.models.functions import Upper

NAMES = ("legal_name", "business_name")


def _indexes() -> list[models.Index]:
    made: list[models.Index] = []
    for name in NAMES:
        made.append(GinIndex(OpClass(Upper(name), name="gin_trgm_ops"), name=f"app_{name}_trgm"))
        made.append(models.Index(OpClass(Upper(name), name="text_pattern_ops"), name=f"app_{name}_prefix"))
    return made


class TrigramExtensionOnPostgres(TrigramExtension):
    """pg_trgm on PostgreSQL; nothing elsewhere, both ways (Django checks the vendor only forwards)."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("applications", "MerchantApplication")
    for index in _indexes():
        schema_editor.add_index(model, index)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("applications", "MerchantApplication")
    for index in _indexes():
        schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0007_figure_rollups"),
    ]

    operations = [
        TrigramExtensionOnPostgres(),
        migrations.RunPython(create, drop),
    ]
