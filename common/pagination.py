"""Lists shown a page at a time, with the GOV.UK pagination partials.

- `page_of`: numbered pages (`?page=3`, OFFSET), for lists of a few thousand rows at most
  (templates/includes/pagination.html).
- `page_of_many`: numbered pages of a list that may hold millions (the case lists, the access log),
  counted no further than 10,000 rows (CappedPaginator).
- `keyset_page`: Previous and Next pages by a cursor (`?after=...` / `?before=...`), for lists that run to
  hundreds of thousands of rows (a metric's drill-down over ten million enquiries): each page is read by
  a range of an index from the cursor on, so a late page costs what the first does, where OFFSET reads
  and throws away every row before it (templates/includes/keyset_pagination.html).
"""

import dataclasses
from collections.abc import Iterator, Sequence
from functools import cached_property

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Field, Model, Q, QuerySet
from django.http import HttpRequest

PAGE_SIZE = 50
AFTER, BEFORE = "after", "before"  # the query-string names of the cursors
CURSOR_SEPARATOR = "_"
COUNT_LIMIT = 10_000  # 200 pages of 50: beyond it a list says "more than 10,000" and asks for a filter


def count_up_to(queryset: QuerySet, limit: int) -> tuple[int, bool]:
    """(the rows, at most `limit`; whether there are more): reads at most `limit` + 1 rows, in no order."""
    found = queryset.order_by()[: limit + 1].count()
    return min(found, limit), found > limit


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
    def _counted(self) -> tuple[int, bool]:
        return count_up_to(self.queryset, self.limit)

    @cached_property
    def count(self) -> int:
        return self._counted[0]

    @property
    def capped(self) -> bool:
        """Whether there are more rows than the limit (and than `count` says)."""
        return self._counted[1]

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


# Keyset pagination ---------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class KeysetPage:
    """One page of a keyset-paginated list: its rows, and the cursors of the pages either side of it
    (None where there is none)."""

    object_list: list
    next_cursor: str | None
    previous_cursor: str | None

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_previous(self) -> bool:
        return self.previous_cursor is not None

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def __iter__(self) -> Iterator:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


def keyset_page(
    request: HttpRequest, parts: Sequence[QuerySet], keys: Sequence[str], per_page: int = PAGE_SIZE
) -> KeysetPage:
    """The page `?after=` or `?before=` a cursor names (the first page without one, or with a cursor that
    does not parse).

    The list is `parts` one after another (a drill-down: the records not met, then those met), each in
    the order of `keys` (ascending, never null, the last unique: `("end_date", "pk")`). A cursor is the
    part and the keys of the row a page ends (or starts) with, so the next page is the rows after it:
    `(end_date, pk) > (d, p)`, which an index on the keys reads from d on. A row added or removed between
    two pages moves no other row from one page to another."""
    cursor = _cursor(request, parts, keys)
    if cursor is not None and cursor[0] == BEFORE:
        rows = _rows(parts, keys, cursor[1:], per_page + 1, backwards=True)
        if len(rows) == per_page + 1:
            rows = rows[:per_page][::-1]
            return _page(rows, keys, has_previous=True, has_next=True)
        # Fewer than a page before it: the first page (which is what "Previous" from the second is).
        cursor = None
    rows = _rows(parts, keys, cursor[1:] if cursor else None, per_page + 1, backwards=False)
    if cursor is not None and not rows:  # nothing after it any more (records changed): the first page
        cursor, rows = None, _rows(parts, keys, None, per_page + 1, backwards=False)
    return _page(rows[:per_page], keys, has_previous=cursor is not None, has_next=len(rows) > per_page)


def cursor_of(part: int, row: Model, keys: Sequence[str]) -> str:
    """The cursor of a row of `parts[part]`: what `?after=` holds to list the rows that follow it."""
    values = [str(_value(row, key)) for key in keys]
    if any(CURSOR_SEPARATOR in value for value in values):
        raise ValueError(f"A keyset key's value may not hold {CURSOR_SEPARATOR!r}: {values}")
    return CURSOR_SEPARATOR.join([str(part), *values])


def _value(row: Model, key: str):
    value = row.pk if key == "pk" else getattr(row, key)
    if value is None:
        raise ValueError(f"Keyset pagination needs keys that are never null: {key} is.")
    return value


def _page(rows: list[tuple[int, Model]], keys: Sequence[str], *, has_previous: bool, has_next: bool):
    return KeysetPage(
        object_list=[row for _, row in rows],
        next_cursor=cursor_of(*rows[-1], keys) if has_next and rows else None,
        previous_cursor=cursor_of(*rows[0], keys) if has_previous and rows else None,
    )


def _field(queryset: QuerySet, key: str) -> Field:
    model = queryset.model
    if key == "pk":
        return model._meta.pk
    if key in queryset.query.annotations:
        return queryset.query.annotations[key].output_field
    return model._meta.get_field(key)


def _cursor(request: HttpRequest, parts: Sequence[QuerySet], keys: Sequence[str]) -> tuple | None:
    """(AFTER or BEFORE, part, values of the keys), or None for none or one that does not parse."""
    for direction in (AFTER, BEFORE):
        text = request.GET.get(direction)
        if text is None:
            continue
        bits = text.split(CURSOR_SEPARATOR)
        if len(bits) != len(keys) + 1 or not bits[0].isdigit() or int(bits[0]) >= len(parts):
            return None
        part = int(bits[0])
        try:
            values = tuple(
                _field(parts[part], key).to_python(bit) for key, bit in zip(keys, bits[1:], strict=True)
            )
        except (ValidationError, ValueError, TypeError):
            return None
        if any(value is None for value in values):
            return None
        return (direction, part, values)
    return None


def _beyond(keys: Sequence[str], values: Sequence, *, backwards: bool) -> Q:
    """Rows strictly after (or before) `values` in the order of `keys`. The first key's range comes first,
    on its own, so the database reads the index from there: `k1 >= v1 AND (k1 > v1 OR (k1 = v1 AND ...))`."""
    beyond = "lt" if backwards else "gt"

    def lexicographic(at: int) -> Q:
        key, value = keys[at], values[at]
        strictly = Q(**{f"{key}__{beyond}": value})
        if at == len(keys) - 1:
            return strictly
        return strictly | (Q(**{key: value}) & lexicographic(at + 1))

    return Q(**{f"{keys[0]}__{beyond}e": values[0]}) & lexicographic(0)


def _rows(
    parts: Sequence[QuerySet], keys: Sequence[str], cursor: tuple | None, limit: int, *, backwards: bool
) -> list[tuple[int, Model]]:
    """Up to `limit` rows from the cursor on (or back), as (part, row), in the order they are read."""
    start, values = cursor if cursor else ((len(parts) - 1 if backwards else 0), None)
    order = [f"-{key}" if backwards else key for key in keys]
    indexes = range(start, -1, -1) if backwards else range(start, len(parts))
    found: list[tuple[int, Model]] = []
    for index in indexes:
        queryset = parts[index]
        if index == start and values is not None:
            queryset = queryset.filter(_beyond(keys, values, backwards=backwards))
        found += [(index, row) for row in queryset.order_by(*order)[: limit - len(found)]]
        if len(found) >= limit:
            break
    return found
