from functools import lru_cache

from django.db import connection
from django.db.models import QuerySet

from accounts.models import User
from accounts.roles import ReadWithRoles

from .models import Channel, Notification


def inbox_for(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user, channel=Channel.IN_APP)


UNREAD_ATTRIBUTE = "_unread_in_app"


@lru_cache(maxsize=4)
def _unread_sql(vendor: str, recipient: str = "%s") -> str:
    """The statement of `unread_count`, written once from the model's table and column names."""
    q, meta = connection.ops.quote_name, Notification._meta
    column = {name: q(meta.get_field(name).column) for name in ("recipient", "channel", "read_at")}
    # Names from the model's own metadata, quoted; the person and the channel are parameters.
    return (
        f"SELECT COUNT(*) FROM {q(meta.db_table)} WHERE {column['recipient']} = {recipient}"  # noqa: S608
        f" AND {column['channel']} = %s AND {column['read_at']} IS NULL"
    )


def _with_roles_sql() -> str:
    return _unread_sql(connection.vendor, f"u.{connection.ops.quote_name(User._meta.pk.column)}")


def _keep(user: User, count: object) -> None:
    setattr(user, UNREAD_ATTRIBUTE, int(count or 0))  # type: ignore[call-overload]


# The menu's badge is read with the person's roles, in one statement (accounts.roles): every
# page asks for both. Registered by NotificationsConfig.ready.
UNREAD_WITH_ROLES = ReadWithRoles("unread in-app", _with_roles_sql, lambda user: [Channel.IN_APP.value], _keep)


def unread_count(user: User) -> int:
    """The badge of every page's menu (the inbox index `notif_inbox` answers it).

    Read with the roles when the page asked for them first (what this request has read, as
    the roles are); else written once as SQL: the ORM took four times as long to build
    `inbox_for(user).filter(read_at__isnull=True).count()` as the database took to answer it.
    """
    known = getattr(user, UNREAD_ATTRIBUTE, None)
    if known is not None:
        return known
    with connection.cursor() as cursor:
        cursor.execute(_unread_sql(connection.vendor), [user.pk, Channel.IN_APP.value])
        return cursor.fetchone()[0]
