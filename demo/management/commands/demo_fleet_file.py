"""Write the fleet file for `python -m acquirer_sim.fleet`: every live terminal with a fresh token.

Issuing a token replaces the terminal's earlier one, so run this for the demo and tests,
not against terminals in the field.
"""

import json
import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from support.checks import current_configuration
from terminals.models import Terminal, TerminalStatus
from terminals.services import credential_issue, signing_secret


class Command(BaseCommand):
    help = "Issue device tokens for the live terminals and write a fleet file for acquirer_sim.fleet."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="where to write the fleet JSON (it holds tokens: keep it private)")
        parser.add_argument(
            "--scenario",
            action="append",
            default=[],
            metavar="SERIAL=SCENARIO",
            help="e.g. SN-0001=code:97; terminals not named are healthy",
        )

    def handle(self, *args: object, **options: object) -> None:
        scenarios = dict(item.split("=", 1) for item in options["scenario"])  # type: ignore[union-attr]
        fleet = []
        for terminal in Terminal.objects.filter(status=TerminalStatus.ACTIVE).order_by("serial_number"):
            configuration = current_configuration(terminal)
            if configuration is None:
                continue
            credential, token = credential_issue(terminal=terminal, by=None)
            fleet.append(
                {
                    "serial": terminal.serial_number,
                    "token": token,
                    "secret": signing_secret(credential),
                    "tid": configuration.tid,
                    "mid": configuration.mid,
                    "host": configuration.host or settings.ACQUIRER_HOST,
                    "port": configuration.port,
                    "kcv": configuration.key_check_value,
                    "scenario": scenarios.get(terminal.serial_number, "healthy"),
                }
            )
        path = Path(str(options["path"]))
        # Created private from the first byte: the file holds the terminals' tokens.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(json.dumps({"terminals": fleet}, indent=2, ensure_ascii=False))
        path.chmod(0o600)  # a file that existed before keeps its old mode through O_TRUNC
        self.stdout.write(f"{len(fleet)} terminals written to {path}")
