"""Lists shown a page at a time, with the GOV.UK pagination partial (templates/includes/pagination.html)."""

from functools import cached_property

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 50
COUNT_LIMIT = 10_000  # 200 pages of 50: beyond it a list says "more than 10,000" and asks for a filter


class CappedPaginator(Paginator):
    """A paginator that counts no further than `limit` rows.

    Counting every row of a table of millions (the S47 enquiries of a region, a year of the access log)
    costs more than the page itself, on every request; above the limit the list says "More than 10,000"
    and pages only that far, and a filter narrows it. Counting stops at the limit and ignores the order
    (`SELECT COUNT(*) FROM (SELECT ... LIMIT 10001)`), so it reads at most that many rows."""

    def __init__(self, object_list: QuerySet, per_page: int, limit: int = COUNT_LIMIT) -> None:
        super().__init__(object_list, per_page)
        self.queryset = object_list
        self.limit = limit

    @cached_property
    def _counted(self) -> int:
        return self.queryset.order_by()[: self.limit + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.limit)

    @property
    def capped(self) -> bool:
        """Whether there are more rows than the limit (and than `count` says)."""
        return self._counted > self.limit

    @property
    def shown_count(self) -> str:
        """The count as a list's heading gives it: "37", or "More than 10,000"."""
        return f"More than {self.limit:,}" if self.capped else str(self.count)


def page_of(request: HttpRequest, queryset: QuerySet, per_page: int = PAGE_SIZE) -> Page:
    """The page asked for by `?page=`; the first for a missing or bad number, the last for one too high."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def page_of_many(request: HttpRequest, queryset: QuerySet, per_page: int = PAGE_SIZE) -> Page:
    """`page_of` for a list that may hold millions of rows: counted up to COUNT_LIMIT (CappedPaginator).
    Not for a list whose count is itself a figure (a drill-down's records)."""
    return CappedPaginator(queryset, per_page, COUNT_LIMIT).get_page(request.GET.get("page"))


def query_without(request: HttpRequest, *names: str) -> str:
    """The request's query string less `names`: the partial's links add `page=` to it."""
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()
