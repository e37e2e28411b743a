"""A paginator that applies the page's LIMIT before the joins (issue 15).

`select_related` lists with a page of 50 out of a large table: PostgreSQL may join every row
(every terminal of a fleet, say) before it sorts and cuts the page. Reading the page's ids
first walks only the order's index; the rows, with their joins, are then read by id.
"""

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


class IdsFirstPaginator(Paginator):
    """Paginator whose page is two queries: the ids of the page, then those rows with their joins.

    `count`, when given (from figures already read, such as counts per status), saves the
    COUNT(*) that the page numbers need.
    """

    def __init__(self, object_list: QuerySet, per_page: int, *, count: int | None = None, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        if count is not None:
            self.__dict__["count"] = count  # Paginator.count is a cached_property

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        by_id = {row.pk: row for row in self.object_list.filter(pk__in=ids).order_by()} if ids else {}
        return self._get_page([by_id[pk] for pk in ids if pk in by_id], number, self)
