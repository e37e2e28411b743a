"""What the contexts above may add to an application's life without applications importing them.

Like the link registry (notifications/links.py) and terminals/reports.py: the app that cares
registers at start-up (its `AppConfig.ready`), and applications calls whatever is registered.

- `on_submitted(handler)`: called after the commit of each submit and resubmit, with the
  application, who submitted it and where from (`Origin`: keyed digests, never an address).
- `refuse_unless(action, rule)`: a rule that may refuse an action in words: a claim (a senior
  reviewer's case), an approval (the automatic checks still running).
- `queue_tab(...)`: an extra tab of the reviewer queue, and what it takes out of "Unassigned".
- `panel(place, render)`: a block of HTML drawn at one place of a page ("review", "status").
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import Promise

from accounts.models import User

from .models import MerchantApplication


@dataclass(frozen=True)
class Origin:
    """Where a submission came from, as keyed digests (core.crypto's blind index): the
    velocity of submissions per address or device can be counted, the address never read back."""

    address: str = ""
    device: str = ""


SubmittedHandler = Callable[[MerchantApplication, User, Origin], None]
_submitted: list[SubmittedHandler] = []


def on_submitted(handler: SubmittedHandler) -> None:
    """Call `handler(application, by, origin)` after each submit commits (registering twice is harmless)."""
    if handler not in _submitted:
        _submitted.append(handler)


def submitted(application: MerchantApplication, by: User, origin: Origin | None = None) -> None:
    """Schedule every handler for after the current transaction commits: a handler's failure
    never undoes the submission (robust: Django logs it)."""
    for handler in _submitted:
        transaction.on_commit(partial(handler, application, by, origin or Origin()), robust=True)


@dataclass(frozen=True)
class Refusal:
    """Why a rule refuses: `tag`, a few words a page draws where the button would be ("Senior
    review"); `why`, the sentence a refused attempt is told."""

    tag: str
    why: str

    def __str__(self) -> str:
        return self.why


Rule = Callable[[MerchantApplication, User], Refusal | None]
# The actions a rule may refuse; the application's services ask before they fire them.
CLAIM, APPROVE = "claim", "approve"
_rules: dict[str, list[Rule]] = {}


def refuse_unless(action: str, rule: Rule) -> None:
    """`rule(application, user)` answers why this user may not take `action` on it now, or None."""
    assert action in (CLAIM, APPROVE), f"no hook for {action}"
    if rule not in _rules.setdefault(action, []):
        _rules[action].append(rule)


def refusal(action: str, application: MerchantApplication, user: User) -> Refusal | None:
    for rule in _rules.get(action, []):
        if why := rule(application, user):
            return why
    return None


@dataclass(frozen=True)
class QueueTab:
    name: str
    label: str | Promise
    # The tab's rows, from the queryset of every application past its draft.
    narrow: Callable[[QuerySet[MerchantApplication], User], QuerySet[MerchantApplication]]
    # What the tab takes out of "Unassigned" (its applications wait for other people).
    leave_out: Callable[[QuerySet[MerchantApplication]], QuerySet[MerchantApplication]] | None = None


_tabs: dict[str, QueueTab] = {}


def queue_tab(tab: QueueTab) -> None:
    _tabs[tab.name] = tab


def queue_tabs() -> list[QueueTab]:
    return list(_tabs.values())


def extra_tab(name: str) -> QueueTab | None:
    return _tabs.get(name)


PanelRender = Callable[[HttpRequest, MerchantApplication], str]
_panels: dict[str, list[PanelRender]] = {}


def panel(place: str, render: PanelRender) -> None:
    """Draw `render(request, application)` (safe HTML) at `place` of a page: "review", "status"."""
    if render not in _panels.setdefault(place, []):
        _panels[place].append(render)


def panels(place: str, request: HttpRequest, application: MerchantApplication) -> list[str]:
    return [render(request, application) for render in _panels.get(place, [])]
