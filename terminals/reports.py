"""What a stored device report starts in the contexts above terminals.

Terminals sits below support, so it cannot call support's incident scan. Like the link
registry, the app that cares registers at start-up (`AppConfig.ready`) a handler that
`device_report_store` calls once per new report, after the commit: a handler's work (or
failure) never undoes or delays a stored report, and a terminal's retry of the same report
starts nothing twice.
"""

from collections.abc import Callable
from functools import partial

from django.db import transaction

from .models import DeviceEvent

ReportHandler = Callable[[DeviceEvent], None]
_handlers: list[ReportHandler] = []


def on_report_stored(handler: ReportHandler) -> None:
    """Call `handler(event)` after each newly stored report (registering twice is harmless)."""
    if handler not in _handlers:
        _handlers.append(handler)


def stored(event: DeviceEvent) -> None:
    """Schedule every registered handler for after the current transaction commits."""
    for handler in _handlers:
        # robust: a failing handler is logged by Django and never turns the stored report into a 500.
        transaction.on_commit(partial(handler, event), robust=True)
