"""Panels of the applicant's status page that contexts above applications fill in.

The status page is the merchant's page for the whole life of the application; once the terminal
is live it should show the terminal, but the terminal is `terminals`' (an app above this one).
So an app above registers, from its AppConfig.ready, a panel: a function given the application
that answers a template and its context, or None when it has nothing to show.
"""

from collections.abc import Callable
from dataclasses import dataclass

from .models import MerchantApplication


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict


PanelSource = Callable[[MerchantApplication], Panel | None]
_sources: list[PanelSource] = []


def register(source: PanelSource) -> None:
    if source not in _sources:
        _sources.append(source)


def panels_for(application: MerchantApplication) -> list[Panel]:
    return [panel for source in _sources if (panel := source(application)) is not None]
