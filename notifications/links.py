"""The link registry: how a message's subject opens for each kind of reader.

A message (or a history line) stores its subject as a kind and an id ("application" +
"PA-…", "case" + "SC-…"). notifications knows no page of the apps above it, so the app
that owns a page registers at start-up, in its AppConfig.ready, an opener for a
(kind, role) pair. An opener takes the reader and the ids on the page and answers the
URL of each id that reader may open: an id it leaves out (gone, someone else's) renders
as text. One call per kind and page, so an inbox costs the same with 1 or 20 items.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from accounts.models import User
from accounts.roles import Role, has_role

Opener = Callable[[User, list[str]], dict[str, str]]

# The order a reader's roles are tried in: a superuser holds every role and reads
# through the first opener that gives a link.
READERS: tuple[Role, ...] = (Role.APPLICANT, Role.INSTALLER, Role.REVIEWER, Role.SUPPORT)


@dataclass(frozen=True)
class Subject:
    """What a message is about: a kind the registry knows and the context key holding its id."""

    kind: str
    key: str = "reference"


_openers: dict[str, dict[Role, Opener]] = {}


def register(kind: str, role: Role, opener: Opener) -> None:
    """Called from AppConfig.ready by the app that owns the page. One opener per (kind, role)."""
    _openers.setdefault(kind, {})[role] = opener


def kinds() -> list[str]:
    return sorted(_openers)


def readers_of(kind: str) -> list[Role]:
    return [role for role in READERS if role in _openers.get(kind, {})]


def links_for(user: User, subjects: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """The URL of each (kind, id) this reader may open; the others are absent (render as text)."""
    wanted: dict[str, list[str]] = {}
    for kind, ident in subjects:
        if ident and ident not in wanted.setdefault(kind, []):
            wanted[kind].append(ident)
    found: dict[tuple[str, str], str] = {}
    for kind, idents in wanted.items():
        for role in READERS:
            opener = _openers.get(kind, {}).get(role)
            remaining = [i for i in idents if (kind, i) not in found]
            if opener is None or not remaining or not has_role(user, role):
                continue
            for ident, url in opener(user, remaining).items():
                found[(kind, ident)] = url
    return found
