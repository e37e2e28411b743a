"""`__in` on an integer column with a number no column can hold.

Django refuses such a number quietly in `exact`, `gt`, `lt`… (they match nothing) but not in
`in`: SQLite raised OverflowError and PostgreSQL "bigint out of range", a 500 for any form that
checks a list of ids (a ModelMultipleChoiceField, the admin's groups and permissions) sent
`9223372036854775808`. Here such a number is left out of the list, as it matches no row.
"""

from typing import Any

from django.db.models import IntegerField
from django.db.models.lookups import In


@IntegerField.register_lookup
class IntegerFieldIn(In):
    def process_rhs(self, compiler: Any, connection: Any) -> Any:
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int) or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)
