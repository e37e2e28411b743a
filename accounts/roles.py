"""Roles are Django groups, created by a migration. Superusers hold every role."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from django.contrib.auth.models import AnonymousUser, Group
from django.db import connection
from django.utils.translation import gettext_lazy as _

from .models import User


class Role(StrEnum):
    APPLICANT = "Applicant"
    REVIEWER = "Reviewer"
    INSTALLER = "Installer"
    SUPPORT = "Support"


STAFF_ROLES = (Role.REVIEWER, Role.SUPPORT)

ROLE_LABELS = {
    Role.APPLICANT: _("applicant"),
    Role.REVIEWER: _("reviewer"),
    Role.INSTALLER: _("installer"),
    Role.SUPPORT: _("support"),
}


@dataclass(frozen=True)
class ReadWithRoles:
    """Something of the person that a context above reads in the statement of `role_names`.

    Every page asks for the roles (its access check, the menu) and, in the base template, for
    the unread count: two round trips that were most of what a page added to the floor's. A
    context registers a scalar subquery of its own (`sql`, with its `params`, correlated on the
    user's id column as `u.id`) and is handed its value (`keep`) when the roles are read.
    """

    name: str
    sql: Callable[[], str]
    params: Callable[[User], list[object]]
    keep: Callable[[User, object], None]


_read_with_roles: dict[str, ReadWithRoles] = {}


def read_with_roles(extra: ReadWithRoles) -> None:
    """Called from a context's AppConfig.ready (notifications: the unread count)."""
    _read_with_roles[extra.name] = extra
    _role_names_sql.cache_clear()


@lru_cache(maxsize=4)
def _role_names_sql(vendor: str) -> str:
    """The statement of `role_names`, written once from the models' own table and column names:
    one row per group (one row with no name for a person with none), each with the extra values."""
    q = connection.ops.quote_name
    link = User.groups.through._meta
    user_col, group_col = link.get_field("user").column, link.get_field("group").column
    extras = "".join(f", ({extra.sql()})" for extra in _read_with_roles.values())
    # Names from the models' own metadata, quoted; the user's id is a parameter.
    return (
        f"SELECT g.{q('name')}{extras} FROM {q(User._meta.db_table)} u"  # noqa: S608
        f" LEFT JOIN {q(link.db_table)} ug ON ug.{q(user_col)} = u.{q(User._meta.pk.column)}"
        f" LEFT JOIN {q(Group._meta.db_table)} g ON g.{q('id')} = ug.{q(group_col)}"
        f" WHERE u.{q(User._meta.pk.column)} = %s"
    )


def role_names(user: User | AnonymousUser) -> set[str]:
    """The user's group names, read once per user object (and what contexts above read with them).

    Every staff page asks on every request (its access check, the menu). Measured under load,
    the ORM's `user.groups.values_list(...)` took 1.0–1.5 ms to build a statement that the
    database answers in 0.25 ms: the statement is written once instead, from the same models.
    """
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        extras = list(_read_with_roles.values())
        params: list[object] = [p for extra in extras for p in extra.params(user)]
        with connection.cursor() as cursor:
            cursor.execute(_role_names_sql(connection.vendor), [*params, user.pk])
            rows = cursor.fetchall()
        cached = {row[0] for row in rows if row[0] is not None}
        for i, extra in enumerate(extras, start=1):
            if rows:
                extra.keep(user, rows[0][i])
        user._role_names = cached
    return cached


def has_role(user: User | AnonymousUser, *roles: Role) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return bool(role_names(user) & {str(r) for r in roles})


class anyone_of:
    """Who may take a declared action (core.actions): a person holding one of these roles."""

    def __init__(self, *roles: Role) -> None:
        self.roles = roles

    def __call__(self, user: User | AnonymousUser) -> bool:
        return has_role(user, *self.roles)

    @property
    def label(self) -> str:
        return " / ".join(str(ROLE_LABELS.get(r, r)) for r in self.roles)


def is_staff_member(user: User | AnonymousUser) -> bool:
    """Reviewers, support staff and administrators: the people who act for the company."""
    return has_role(user, *STAFF_ROLES)


# What each role may see and change in the Django admin. Workflow actions are checked
# again by the services whatever the admin allows.
ADMIN_PERMISSIONS: dict[Role, list[str]] = {
    Role.REVIEWER: [
        "applications.view_merchantapplication",
        "applications.change_merchantapplication",
        "applications.view_applicationdocument",
        "applications.view_reviewnote",
        "applications.view_auditevent",
        "installations.view_visit",
        "terminals.view_terminal",
        "terminals.view_hostregistration",
        "notifications.view_notification",
        "verification.view_evidence",
        "verification.view_assessment",
        "verification.view_riskpolicy",
    ],
    Role.SUPPORT: [
        "support.view_supportcase",
        "support.view_incident",
        "support.view_earlywarning",
        "terminals.view_terminalhealth",
        "terminals.view_deviceevent",
        "support.view_casevisit",
        "terminals.view_remotecommand",
        "applications.view_merchantapplication",
        "applications.change_merchantapplication",
        "terminals.view_terminal",
        "terminals.change_terminal",
        "terminals.view_signin",
        "terminals.view_hostregistration",
        "installations.view_visit",
        "notifications.view_notification",
    ],
    Role.INSTALLER: [],
    Role.APPLICANT: [],
}


def grant_admin_permissions(**_signal_kwargs: object) -> None:
    """Give each role group its admin permissions (idempotent).

    Runs after every migrate (accounts.apps connects it to post_migrate): setup, not a
    business effect. Permissions not created yet are skipped; the last app's run sets all.
    """
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    for role, codes in ADMIN_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        wanted = Q(pk__in=[])
        for code in codes:
            app_label, codename = code.split(".")
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.set(Permission.objects.filter(wanted))


def remember_role_names(users: Iterable[User]) -> None:
    """Read the roles of many people in one query, for role_names to answer from (a batch of
    messages, each linking to a page as its reader opens it, asks for every reader's roles)."""
    people = [user for user in users if user.pk is not None and getattr(user, "_role_names", None) is None]
    names: dict[int, set[str]] = {user.pk: set() for user in people}
    memberships = User.groups.through.objects.filter(user_id__in=list(names)).values_list("user_id", "group__name")
    for user_id, name in memberships:
        names[user_id].add(name)
    for user in people:
        user._role_names = names[user.pk]
