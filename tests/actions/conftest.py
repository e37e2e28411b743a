"""Driving declared actions (core.actions) through the one generic POST view."""

from collections.abc import Callable

import pytest
from django.forms import Form
from django.urls import reverse

from core import actions
from tests.visit_fixtures import *  # noqa: F403 - the visit actions start from the visit's fixtures


def act_url(kind: str, ident: str, name: str) -> str:
    return reverse("core:act", args=[kind, ident, name])


def declared(kind: str) -> list[str]:
    action_set = actions.action_set(kind)
    assert action_set is not None, kind
    return [a.name for a in action_set.actions]


class Counts:
    """What an action may change, counted: a refused one must leave every count as it was."""

    def __init__(self, **counters: Callable[[], object]) -> None:
        self.counters = counters
        self.before = self.read()

    def read(self) -> dict[str, object]:
        return {name: read() for name, read in self.counters.items()}

    def assert_unchanged(self) -> None:
        assert self.read() == self.before

    def changed(self) -> set[str]:
        now = self.read()
        return {name for name in now if now[name] != self.before[name]}


@pytest.fixture
def post_action(client):
    def post(person, kind: str, ident: str, name: str, data: dict | None = None, *, seen: str | None = None):
        client.force_login(person)
        body = dict(data or {})
        if seen is not None:
            body["seen"] = seen
        return client.post(act_url(kind, ident, name), body)

    return post


def refusal_said(response) -> str:
    """The refusal as the page says it: in its error line or in its messages."""
    context = response.context
    said = [str(context.get("error") or "")]
    said += [str(m) for m in context.get("messages", [])]
    forms_shown = [v for key in context.keys() if isinstance(v := context.get(key), Form)]  # noqa: SIM118 - a ContextList iterates its contexts
    form_errors = [str(e) for form in forms_shown if form.is_bound for e in form.non_field_errors()]
    return " ".join(s for s in said + form_errors if s)
