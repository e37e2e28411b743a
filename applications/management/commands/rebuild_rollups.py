"""Recompute the dashboard's rollups from the applications and their history.

Needed only after rows were written without the model's save (a bulk load, a manual SQL fix):
every change of state through the model keeps them current on its own.
"""

import time

from django.core.management.base import BaseCommand

from applications import rollups


class Command(BaseCommand):
    help = "Recompute the staff dashboard's rollups from the applications and their history."

    def handle(self, *args: object, **options: object) -> None:
        started = time.monotonic()
        rows = rollups.rebuild()
        self.stdout.write(f"{rows} rollup rows in {time.monotonic() - started:.1f} s")
