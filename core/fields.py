"""Model fields for personal numbers: encrypted at rest, found through a blind index.

`EncryptedCharField` reads and writes clear text in Python and a Fernet token in the
database. An exact lookup (`filter(mobile=…)`, the admin's `=mobile` search) is translated
into a lookup of its `BlindIndexField`, so callers keep writing ordinary queries; any other
lookup (contains, ordering by the number…) cannot work on ciphertext and is refused.
"""

from typing import Any

from django.core.exceptions import FieldError
from django.db import models
from django.db.models.lookups import In, Lookup

from . import crypto


class EncryptedCharField(models.CharField):
    """A number stored as a Fernet token in a text column; `max_length` validates the clear value."""

    def __init__(self, *args: Any, blind_index: str = "", **kwargs: Any) -> None:
        self.blind_index = blind_index
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[str, str, list[Any], dict[str, Any]]:
        name, path, args, kwargs = super().deconstruct()
        if self.blind_index:
            kwargs["blind_index"] = self.blind_index
        return name, path, args, kwargs

    def get_internal_type(self) -> str:
        return "TextField"  # a token is about 100 characters longer than the number

    def from_db_value(self, value: str | None, expression: object, connection: object) -> str | None:
        return crypto.decrypt(value) if value else value

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        value = super().get_db_prep_value(value, connection, prepared)
        if not value:
            return value  # "" stays "": blank is not a secret, and NOT NULL columns keep their meaning
        return crypto.encrypt(value)

    def get_lookup(self, lookup_name: str) -> type[Lookup] | None:
        if lookup_name in ("exact", "iexact"):
            return SealedExact
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None  # Django answers FieldError("Unsupported lookup"): ciphertext has no order or parts


class SealedExact(Lookup):
    """`number = value`, asked of the blind index under every index key (rows not yet rotated too)."""

    lookup_name = "exact"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        field = self.lhs.output_field
        if not isinstance(self.rhs, str):
            raise FieldError(f"{field.name} is encrypted: compare it with a string only.")
        if self.rhs == "":
            lhs_sql, params = compiler.compile(self.lhs)
            return f"{lhs_sql} = %s", (*params, "")
        if not field.blind_index:
            raise FieldError(f"{field.name} is encrypted without a blind index: it cannot be searched.")
        index_column = field.model._meta.get_field(field.blind_index).get_col(self.lhs.alias)
        return compiler.compile(In(index_column, crypto.blind_index_candidates(self.rhs)))


class BlindIndexField(models.CharField):
    """HMAC-SHA256 (hex) of another field of the row, computed at every save."""

    def __init__(self, *args: Any, source: str, **kwargs: Any) -> None:
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[str, str, list[Any], dict[str, Any]]:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key, value in (("max_length", 64), ("blank", True), ("default", ""), ("editable", False)):
            if kwargs.get(key) == value:
                del kwargs[key]
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        clear = getattr(model_instance, self.source) or ""
        value = crypto.blind_index(clear) if clear else ""
        setattr(model_instance, self.attname, value)
        return value


class SealedNumbersMixin:
    """Saves a number's blind index whenever the number itself is saved, `update_fields` included.

    A plain class, not an abstract model: placed first among a model's bases it must not put
    models.Model ahead of django-fsm's mixins in the method order."""

    _meta: Any

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            indexes = {
                field.blind_index
                for field in self._meta.concrete_fields
                if isinstance(field, EncryptedCharField) and field.blind_index and field.name in update_fields
            }
            kwargs["update_fields"] = [*update_fields, *(indexes - set(update_fields))]
        super().save(*args, **kwargs)  # type: ignore[misc]


class SealedQuerySet(models.QuerySet):
    """`update(mobile=…)` writes the number's index too, as `save()` does."""

    def update(self, **kwargs: Any) -> int:
        for field in sealed_fields(self.model):
            value = kwargs.get(field.name)
            if field.blind_index and isinstance(value, str):
                kwargs[field.blind_index] = crypto.blind_index(value) if value else ""
        return super().update(**kwargs)


def sealed_fields(model: type[models.Model]) -> list[EncryptedCharField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedCharField)]
