"""Personal numbers sealed at rest: Fernet encryption and a keyed blind index.

Resident ID numbers, bank card numbers and mobiles are stored as Fernet tokens
(AES-128-CBC + HMAC-SHA256, from `cryptography`), so that a copy of the database, a backup
or a stray `SELECT` shows no number. Each also has a blind index: an HMAC-SHA256 of the
number under a key of its own, so that duplicate detection and exact search still run in
SQL without decrypting anything.

Why our own field and not django-fernet-encrypted-fields (the maintained one, 0.4.0):
it derives its keys from SECRET_KEY (rotating the session secret would put the data at
stake), answers a token it cannot decrypt by handing the ciphertext back as the value
(a wrong key would show garbage instead of failing), turns "" into NULL, and has no blind
index. What is left is small: MultiFernet does the cryptography and the key rotation.

Keys come from the environment (settings.FIELD_ENCRYPTION_KEYS, BLIND_INDEX_KEYS), newest
first: the first encrypts and indexes, the others still decrypt and still find, until
`manage.py rotate_personal_data_keys` has rewritten every row with the first.
"""

import hashlib
import hmac
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper

# Every Fernet token starts with the version byte 0x80, base64 "gAAAAA": a clear number never does.
TOKEN_PREFIX = "gAAAAA"  # noqa: S105


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty: personal numbers cannot be stored.")
    return MultiFernet([Fernet(key) for key in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeEncodeError) as exc:
        # Fail loudly: a wrong or missing key must not show the ciphertext as if it were the number.
        raise ImproperlyConfigured(
            "A personal number could not be decrypted: is its key still in FIELD_ENCRYPTION_KEYS?"
        ) from exc


def reseal(value: str) -> str:
    """A secret encrypted with the newest key, whether it was clear or under an older key."""
    return encrypt(decrypt(value) if is_token(value) else value)


# Other sealed values that the rotation command re-encrypts: a higher app registers, at start-up,
# a function that rewrites its own and answers (what, how many rows).
ROTATIONS: list["Callable[[], tuple[str, int]]"] = []


def on_rotation(rewrite: "Callable[[], tuple[str, int]]") -> None:
    if rewrite not in ROTATIONS:
        ROTATIONS.append(rewrite)


def is_token(value: str) -> bool:
    return value.startswith(TOKEN_PREFIX)


def canonical(value: str) -> str:
    """The spelling the index is computed on: forms store numbers normalised already; this
    only absorbs what a search box adds (spaces, dashes, a lower-case x)."""
    return "".join(ch for ch in value if ch not in " -").upper()


def blind_index(value: str, *, key: str | None = None) -> str:
    """HMAC-SHA256 of the number under the index key (the newest unless one is named), hex."""
    key = key if key is not None else index_keys()[0]
    return hmac.new(key.encode(), canonical(value).encode(), hashlib.sha256).hexdigest()


def blind_index_candidates(value: str) -> list[str]:
    """The index of the number under every index key: a lookup finds rows not yet rotated."""
    return [blind_index(value, key=key) for key in index_keys()]


def index_keys() -> list[str]:
    keys = list(settings.BLIND_INDEX_KEYS)
    if not keys:
        raise ImproperlyConfigured("BLIND_INDEX_KEYS is empty: personal numbers cannot be indexed.")
    return keys


def reseal_rows(connection: "BaseDatabaseWrapper", table: str, columns: dict[str, str], *, batch: int = 500) -> int:
    """Encrypt every number of `table` with the newest key and recompute its index; returns rows seen.

    Written in SQL on the raw columns, so that it serves both the migration that encrypts the
    clear numbers of an older database and the key rotation (a token is decrypted with any key
    and encrypted again with the first). Safe to run twice and beside live traffic: each batch
    locks its rows (where the database can) and rewrites them in one transaction.
    """
    from django.db import transaction

    select_sql, update_sql = _sql(connection, table, columns)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    last_id, seen = 0, 0
    while True:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(f"{select_sql} WHERE id > %s ORDER BY id LIMIT %s{lock}", [last_id, batch])
            rows = cursor.fetchall()
            for row_id, *values in rows:
                clears = _clear(values)
                sealed = [encrypt(c) if c else "" for c in clears]
                indexes = [blind_index(c) if c else "" for c in clears]
                cursor.execute(update_sql, [*sealed, *indexes, row_id])
        if not rows:
            return seen
        seen += len(rows)
        last_id = rows[-1][0]


def unseal_rows(connection: "BaseDatabaseWrapper", table: str, columns: dict[str, str]) -> None:
    """The way back for the migration: clear numbers, empty indexes."""
    select_sql, update_sql = _sql(connection, table, columns)
    with connection.cursor() as cursor:
        cursor.execute(select_sql)
        for row_id, *values in cursor.fetchall():
            cursor.execute(update_sql, [*_clear(values), *([""] * len(columns)), row_id])


def _clear(values: list[str | None]) -> list[str]:
    return [(decrypt(v) if is_token(v) else v) if v else "" for v in values]


def _sql(connection: "BaseDatabaseWrapper", table: str, columns: dict[str, str]) -> tuple[str, str]:
    # Table and column names come from the migrations and models, never from input, and are quoted.
    qn = connection.ops.quote_name
    selected = ", ".join(qn(c) for c in ["id", *columns])
    assignments = ", ".join(f"{qn(c)} = %s" for c in [*columns, *columns.values()])
    select_sql = f"SELECT {selected} FROM {qn(table)}"  # noqa: S608
    update_sql = f"UPDATE {qn(table)} SET {assignments} WHERE id = %s"  # noqa: S608
    return select_sql, update_sql
