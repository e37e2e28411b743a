"""What the contexts above the calendar do when a visit of theirs changes.

installations knows no case, but a service visit is booked for one: support registers, in its
AppConfig.ready, what a done service visit means for the case (it moves on, support is told).
The handler runs inside the visit's transaction, so the visit and the case change together.
"""

from collections.abc import Callable
from typing import Any

_done: dict[str, list[Callable[[Any, Any], None]]] = {}
_panels: dict[str, list[Callable[[Any], tuple[str, dict] | None]]] = {}


def on_visit_done(purpose: str, handler: Callable[[Any, Any], None]) -> None:
    """`handler(visit, by)` runs when a visit of this purpose is completed."""
    if handler not in _done.setdefault(purpose, []):
        _done[purpose].append(handler)


def visit_done(visit: Any, by: Any) -> None:
    for handler in _done.get(visit.purpose, []):
        handler(visit, by)


def add_visit_panel(purpose: str, panel: Callable[[Any], tuple[str, dict] | None]) -> None:
    """`panel(visit)` returns (template, context) drawn on the visit page (a case and its evidence)."""
    if panel not in _panels.setdefault(purpose, []):
        _panels[purpose].append(panel)


def visit_panels(visit: Any) -> list[tuple[str, dict]]:
    return [shown for panel in _panels.get(visit.purpose, []) if (shown := panel(visit)) is not None]
