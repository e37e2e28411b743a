"""One way to act on an object: each context declares its actions once, in `<app>/actions.py`.

An action has a name, a label, a form (what it needs typed), the service it calls, who may
(a role check from accounts) and from which states. Every caller goes through here:

- the generic POST view (core.views.act) runs an action with the state the page showed,
  and refuses a stale page with a Conflict that names what changed;
- the admin adapter (core.admin.ActionsAdminMixin) shows the same actions as buttons;
- templates ask `available_actions(obj, user)` (the `actions` template tag) which buttons to
  draw, instead of testing status strings.

The checks here only explain a refusal early and keep a page honest; the service checks
again under its lock, so a race still ends in a refusal, never a half-done action.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from .errors import ConditionsNotMet, Conflict, InvalidState, RoleRefused, WorkflowError

Who = Callable[[Any], bool]


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    # The service call: (object, person, cleaned form data) -> whatever the service returns.
    run: Callable[[Any, Any, dict], object]
    form: type[forms.Form] | None = None
    # Who may: a predicate on the person (accounts.roles.anyone_of(...) says which roles, in words).
    who: Who | None = None
    # From which states (values of the set's state); empty: any.
    states: tuple[str, ...] = ()
    # A finer check of the context (a workflow transition's own conditions, "holds the case"):
    # raises a WorkflowError when the action does not apply to this object for this person.
    guard: Callable[[Any, Any], None] | None = None
    # Shown as a button in the admin; an action only for a page (a note, a sign-in test) says False.
    in_admin: bool = True
    danger: bool = False
    # What to say when it is done ("%(ref)s" is the object's reference) ...
    done: str = ""
    # ... or, when what to say depends on the answer (a sign-in's code), who says it.
    tell: Callable[[HttpRequest, object], None] | None = None


@dataclass
class ActionSet:
    """The actions of one kind of object, and how the generic view finds and shows that object."""

    kind: str
    model: type
    # Get the object for this person or raise Http404 (access.py's rule: never a 403 that confirms it exists).
    load: Callable[[Any, str], Any]
    ident: Callable[[Any], str]
    # The state a page shows and posts back as `seen`; the label says it to a person.
    state: Callable[[Any], str]
    state_label: Callable[[str], str]
    # Where the person goes back to after the action (the page of the object for them).
    page: Callable[[Any, Any], str]
    actions: list[Action] = field(default_factory=list)
    # Redraw the object's page with the refusal and the form as typed (status 400/403/409);
    # None: the generic refusal page.
    refused: Callable[[HttpRequest, Any, Action, forms.Form | None, str, int], HttpResponse] | None = None
    # Contexts above add their own: the page of their actions, the page a reader of theirs goes back to.
    refused_hooks: dict[str, Callable[..., HttpResponse]] = field(default_factory=dict)
    page_hooks: list[Callable[[Any, Any], str | None]] = field(default_factory=list)
    # How the context says "changed since your page was loaded" (who holds it now...);
    # None: the generic words, naming the state now and the state the page showed.
    changed: Callable[[Any, str, Any], str] | None = None

    def get(self, name: str) -> Action | None:
        return next((a for a in self.actions if a.name == name), None)

    def page_for(self, obj: Any, user: Any) -> str:
        for hook in self.page_hooks:
            if url := hook(obj, user):
                return url
        return self.page(obj, user)


_sets: dict[str, ActionSet] = {}


def register(action_set: ActionSet) -> None:
    _sets[action_set.kind] = action_set


def extend(
    kind: str,
    actions: Iterable[Action],
    *,
    refused: Callable[..., HttpResponse] | None = None,
    page: Callable[[Any, Any], str | None] | None = None,
) -> None:
    """A context above adds its actions to a kind declared below (installations' visit steps on an
    application), with the page that redraws them on a refusal and the page its people go back to.
    Called from its AppConfig.ready (apps are readied in INSTALLED_APPS order, the owner first)."""
    target = _sets[kind]
    added = list(actions)
    target.actions.extend(added)
    if refused is not None:
        target.refused_hooks.update({a.name: refused for a in added})
    if page is not None:
        target.page_hooks.append(page)


def action_set(kind: str) -> ActionSet | None:
    return _sets.get(kind)


def action_set_for(obj: object) -> ActionSet | None:
    return next((s for s in _sets.values() if isinstance(obj, s.model)), None)


def kinds() -> list[str]:
    return sorted(_sets)


def _obstacle(
    action_set: ActionSet, action: Action, obj: Any, user: Any, seen: str | None
) -> WorkflowError | Callable[[], WorkflowError] | None:
    """What stops this person taking this action now: None, the guard's own refusal, or a function
    that words the refusal. A page asks for each of its object's actions (25 on the review page)
    and shows no refusal's words: building them was most of the time `available_actions` took."""
    if action.who is not None and not action.who(user):
        return lambda: RoleRefused(
            _("You cannot do this: %(action)s needs the role of %(who)s.")
            % {"action": action.label, "who": getattr(action.who, "label", _("someone else"))}
        )
    now = action_set.state(obj)
    if seen is not None and seen != now:
        if action_set.changed is not None:
            return lambda: Conflict(action_set.changed(obj, seen, user))  # type: ignore[misc]
        return lambda: Conflict(
            _(
                "Nothing was done: %(ref)s changed since your page was loaded. It is now “%(now)s” "
                "(your page showed “%(seen)s”). Look at it again before you act."
            )
            % {"ref": action_set.ident(obj), "now": action_set.state_label(now), "seen": action_set.state_label(seen)}
        )
    if action.states and now not in action.states:
        return lambda: InvalidState(
            _("%(action)s is not possible while %(ref)s is “%(now)s”.")
            % {"action": action.label, "ref": action_set.ident(obj), "now": action_set.state_label(now)}
        )
    if action.guard is not None:
        try:
            action.guard(obj, user)
        except WorkflowError as exc:
            return exc
    return None


def refusal(
    action_set: ActionSet, action: Action, obj: Any, user: Any, seen: str | None = None
) -> WorkflowError | None:
    """Why this person cannot take this action on this object now, or None. Changes nothing."""
    why = _obstacle(action_set, action, obj, user, seen)
    return why() if callable(why) else why


def available_actions(obj: Any, user: Any, *, admin: bool = False) -> list[Action]:
    """The actions this person has on this object now: what a page or the admin draws as buttons.

    An action whose only obstacle is something missing (ConditionsNotMet) stays: pressing it
    says what is missing.
    """
    from_set = action_set_for(obj)
    if from_set is None:
        return []
    shown = []
    for action in from_set.actions:
        if admin and not action.in_admin:
            continue
        why = _obstacle(from_set, action, obj, user, None)
        if why is None or isinstance(why, ConditionsNotMet):
            shown.append(action)
    return shown


def run(action_set: ActionSet, action: Action, obj: Any, user: Any, data: dict, *, seen: str | None) -> object:
    """Check, then call the service. Raises the refusal (a WorkflowError) and changes nothing then."""
    why = refusal(action_set, action, obj, user, seen)
    if why is not None:
        raise why
    return action.run(obj, user, data)


def status_of(exc: WorkflowError) -> int:
    """409 when someone else changed it meanwhile; 400 for every other refusal (the request was wrong)."""
    return 409 if isinstance(exc, Conflict) else 400
