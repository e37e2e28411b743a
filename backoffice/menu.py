"""The site's menu and banners, composed here: base.html names no app's page itself.

Each role's entries are listed once; a person with several roles sees each page once.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role, has_role
from notifications.selectors import unread_count
from support.selectors import open_incident


@dataclass(frozen=True)
class Entry:
    label: str
    url: str
    id: str = ""
    badge: int = 0


# (role, label, URL name): the order of the menu.
ROLE_ENTRIES: list[tuple[Role, str, str]] = [
    (Role.APPLICANT, _("My applications"), "applications:mine"),
    (Role.APPLICANT, _("My terminals"), "support:my_terminals"),
    (Role.APPLICANT, _("My account"), "accounts:profile"),
    (Role.REVIEWER, _("Review queue"), "applications:review_queue"),
    (Role.INSTALLER, _("My visits"), "installations:my_visits"),
    (Role.SUPPORT, _("Support cases"), "support:queue"),
    (Role.REVIEWER, _("Dashboard"), "backoffice:dashboard"),
    (Role.SUPPORT, _("Dashboard"), "backoffice:dashboard"),
]


@lru_cache(maxsize=64)
def _url(name: str, urlconf: str, prefix: str) -> str:
    """The menu's addresses take no argument: reversed once per URLconf and script prefix."""
    return reverse(name, urlconf=urlconf)


def url(name: str) -> str:
    return _url(name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


def entries_for(request: HttpRequest) -> list[Entry]:
    user = request.user
    if not user.is_authenticated:
        return []
    shown: list[Entry] = []
    for role, label, name in ROLE_ENTRIES:
        address = url(name)
        if has_role(user, role) and all(e.url != address for e in shown):
            shown.append(Entry(str(label), address))
    shown.append(
        Entry(str(_("Notifications")), url("notifications:inbox"), id="nav-notifications", badge=unread_count(user))
    )
    if user.is_staff:
        shown.append(Entry(str(_("Administration")), url("admin:index")))
    return shown


@dataclass(frozen=True)
class Banner:
    template: str
    data: object


def banners_for(request: HttpRequest) -> list[Banner]:
    """What every page of a role shows above its content: a merchant hears of a host incident."""
    if has_role(request.user, Role.APPLICANT) and not request.user.is_superuser:
        incident = open_incident()
        if incident:
            return [Banner("support/_incident_banner.html", incident)]
    return []


def site(request: HttpRequest) -> dict[str, object]:
    """Context processor. Lazy: a page that draws no menu (a redirect, a fragment) costs no query."""
    lazy: Callable[[Callable[[HttpRequest], list]], object] = lambda build: SimpleLazyObject(lambda: build(request))  # noqa: E731
    return {"menu": lazy(entries_for), "banners": lazy(banners_for)}
