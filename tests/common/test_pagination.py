"""`page_of`, `page_of_many`, `keyset_page` and `query_without`: the page asked for, and the query its
links keep."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from common import pagination
from common.models import AccessLogEntry
from common.pagination import AFTER, BEFORE, CappedPaginator, cursor_of, keyset_page, page_of, query_without
from tests.factories import ChildFactory, S47EnquiryFactory


def _entries(count: int):
    AccessLogEntry.objects.bulk_create(
        AccessLogEntry(username=f"user-{n}", action=AccessLogEntry.Action.VIEW, object_type="child")
        for n in range(count)
    )
    return AccessLogEntry.objects.order_by("pk")


def test_it_gives_the_page_asked_for(db):
    """5 entries, 2 a page: page 2 holds the 3rd and 4th."""
    entries = _entries(5)
    page = page_of(RequestFactory().get("/", {"page": "2"}), entries, per_page=2)
    assert [e.username for e in page] == ["user-2", "user-3"]
    assert (page.number, page.paginator.num_pages, page.paginator.count) == (2, 3, 5)


def test_a_missing_or_bad_page_number_gives_the_first_page(db):
    entries = _entries(3)
    for query in ({}, {"page": "x"}):
        assert page_of(RequestFactory().get("/", query), entries, per_page=2).number == 1


def test_a_page_out_of_range_gives_the_last_page(db):
    entries = _entries(3)
    for number in ("9", "0"):
        assert page_of(RequestFactory().get("/", {"page": number}), entries, per_page=2).number == 2


def test_the_default_page_holds_fifty(db):
    entries = _entries(51)
    assert len(page_of(RequestFactory().get("/"), entries)) == 50


def test_query_without_drops_only_the_names_given():
    request = RequestFactory().get("/", {"team": ["T1", "T2"], "page": "3", "format": "csv"})
    assert query_without(request, "page", "format") == "team=T1&team=T2"
    assert query_without(request, "page") == "team=T1&team=T2&format=csv"


class TestCountingStopsAtTheLimit:
    def test_under_the_limit_the_count_is_exact(self, db):
        paginator = CappedPaginator(_entries(7), 2, limit=10)
        assert (paginator.count, paginator.capped, paginator.shown_count, paginator.num_pages) == (
            7,
            False,
            "7",
            4,
        )

    def test_at_the_limit_it_is_not_capped(self, db):
        paginator = CappedPaginator(_entries(10), 2, limit=10)
        assert (paginator.count, paginator.capped, paginator.shown_count) == (10, False, "10")

    def test_above_the_limit_it_says_more_than_and_pages_only_that_far(self, db):
        entries = _entries(13)
        paginator = CappedPaginator(entries, 2, limit=10)
        assert (paginator.count, paginator.capped, paginator.num_pages) == (10, True, 5)
        assert paginator.shown_count == "More than 10"
        page = paginator.get_page("9")  # beyond the limit: its last page
        assert page.number == 5 and [e.username for e in page] == ["user-8", "user-9"]
        assert not page.has_next()

    def test_the_count_reads_no_further_than_the_limit_and_sorts_nothing(self, db):
        entries = _entries(13)
        with CaptureQueriesContext(connection) as queries:
            assert CappedPaginator(entries, 2, limit=10).count == 10
        (sql,) = [query["sql"] for query in queries]
        assert "LIMIT 11" in sql and "ORDER BY" not in sql

    def test_thousands_are_grouped(self, db):
        assert CappedPaginator(_entries(1001), 50, limit=1000).shown_count == "More than 1,000"


def test_a_long_access_log_says_more_than_and_page_of_more_than(client, administrator, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_LIMIT", 55)
    _entries(60)
    client.force_login(administrator)
    page = client.get(reverse("common-access-log")).content.decode()
    assert "More than 55 entries: search to see fewer." in page
    assert "Page 1 of more than 2" in page


def test_a_long_case_list_says_more_than(client, manager, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_LIMIT", 3)
    S47EnquiryFactory.create_batch(4)
    ChildFactory.create_batch(4)
    client.force_login(manager)
    assert (
        "More than 3 enquiries: filter them to see fewer."
        in client.get(reverse("cases-s47-list")).content.decode()
    )
    assert (
        "More than 3 children: filter them to see fewer."
        in client.get(reverse("cases-child-list")).content.decode()
    )


def test_a_short_case_list_gives_its_count(client, manager):
    S47EnquiryFactory.create_batch(4)
    client.force_login(manager)
    assert '<p class="govuk-body">4 enquiries.</p>' in client.get(reverse("cases-s47-list")).content.decode()


# Keyset pagination ---------------------------------------------------------------------------------------


def _log(usernames: list[str], action: str = AccessLogEntry.Action.VIEW) -> None:
    AccessLogEntry.objects.bulk_create(
        AccessLogEntry(username=name, action=action, object_type="child") for name in usernames
    )


def _walk(parts, keys, per_page: int, direction: str = AFTER) -> list[list[str]]:
    """Every page, following Next from the first (or, with BEFORE, Previous back from the last)."""
    query: dict[str, str] = {}
    pages = []
    while True:
        page = keyset_page(RequestFactory().get("/", query), parts, keys, per_page=per_page)
        pages.append([entry.username for entry in page])
        cursor = page.next_cursor if direction == AFTER else page.previous_cursor
        if cursor is None:
            return pages
        query = {direction: cursor}


def test_next_links_walk_every_part_in_the_order_of_its_keys_with_ties_broken_by_pk(db):
    """Two parts (views, then lists) ordered by (username, pk), with repeated usernames: each entry is on
    exactly one page, in order, the views first, and only the last page has no Next."""
    _log(["b", "a", "c", "a", "b"])
    _log(["z", "y", "y"], action=AccessLogEntry.Action.LIST)
    entries = AccessLogEntry.objects.all()
    parts = [entries.filter(action="view"), entries.filter(action="list")]

    pages = _walk(parts, ("username", "pk"), per_page=3)

    assert pages == [["a", "a", "b"], ["b", "c", "y"], ["y", "z"]]


def test_previous_links_walk_back_to_the_first_page_as_it_was(db):
    _log([f"user-{n:02d}" for n in range(7)])
    parts, keys = [AccessLogEntry.objects.all()], ("username", "pk")
    forwards = _walk(parts, keys, per_page=3)
    assert forwards == [["user-00", "user-01", "user-02"], ["user-03", "user-04", "user-05"], ["user-06"]]
    last = _page(parts, keys, {AFTER: cursor_of(0, AccessLogEntry.objects.get(username="user-05"), keys)})
    assert [e.username for e in last] == ["user-06"] and last.has_previous and not last.has_next

    backwards = []
    page = last
    while page.previous_cursor:
        page = _page(parts, keys, {BEFORE: page.previous_cursor})
        backwards.append([e.username for e in page])

    assert backwards == [forwards[1], forwards[0]]
    assert not page.has_previous and page.has_next


def test_previous_from_a_short_second_page_gives_the_whole_first_page(db):
    """Rows removed since: fewer than a page before the cursor, so Previous shows the first page."""
    _log(["a", "b", "c", "d"])
    parts, keys = [AccessLogEntry.objects.all()], ("username", "pk")
    second = _page(parts, keys, {AFTER: _page(parts, keys, {}, per_page=2).next_cursor}, per_page=2)
    AccessLogEntry.objects.filter(username="a").delete()
    first = _page(parts, keys, {BEFORE: second.previous_cursor}, per_page=2)
    assert [e.username for e in first] == ["b", "c"] and not first.has_previous


def _page(parts, keys, query: dict, per_page: int = 3):
    return keyset_page(RequestFactory().get("/", query), parts, keys, per_page=per_page)


def test_a_row_added_before_the_cursor_moves_no_row_of_the_next_page(db):
    _log(["b", "c", "d", "e"])
    parts = [AccessLogEntry.objects.all()]
    first = keyset_page(RequestFactory().get("/"), parts, ("username", "pk"), per_page=2)
    assert first.next_cursor is not None
    _log(["a"])  # OFFSET would now show "b" again on the second page
    second = keyset_page(
        RequestFactory().get("/", {AFTER: first.next_cursor}), parts, ("username", "pk"), per_page=2
    )
    assert [e.username for e in second] == ["d", "e"] and not second.has_next


@pytest.mark.parametrize("cursor", ["", "x", "0", "0_b", "5_b_1", "0_b_x", "-1_b_1", "0_b_1_2"])
def test_a_cursor_that_does_not_parse_gives_the_first_page(db, cursor):
    _log(["a", "b", "c"])
    parts = [AccessLogEntry.objects.all()]
    for direction in (AFTER, BEFORE):
        page = keyset_page(
            RequestFactory().get("/", {direction: cursor}), parts, ("username", "pk"), per_page=2
        )
        assert [e.username for e in page] == ["a", "b"] and page.has_next and not page.has_previous


def test_a_cursor_past_the_end_gives_the_first_page(db):
    _log(["a", "b", "c"])
    parts = [AccessLogEntry.objects.all()]
    last = AccessLogEntry.objects.order_by("pk").last()
    assert last is not None
    page = keyset_page(
        RequestFactory().get("/", {AFTER: cursor_of(0, last, ("username", "pk"))}),
        parts,
        ("username", "pk"),
        per_page=2,
    )
    assert [e.username for e in page] == ["a", "b"]


def test_a_keyset_page_reads_from_the_cursor_not_with_offset(db, django_assert_num_queries):
    _log(["a", "b", "c", "d"])
    parts = [AccessLogEntry.objects.all()]
    first = keyset_page(RequestFactory().get("/"), parts, ("username", "pk"), per_page=2)
    assert first.next_cursor is not None
    with django_assert_num_queries(1) as context:
        keyset_page(
            RequestFactory().get("/", {AFTER: first.next_cursor}), parts, ("username", "pk"), per_page=2
        )
    sql = context.captured_queries[0]["sql"]
    assert "OFFSET" not in sql.upper() and '"username" >= ' in sql


def test_a_cursor_is_refused_a_null_key_or_one_holding_the_separator(db):
    _log(["with_underscore"])
    entry = AccessLogEntry.objects.get()
    with pytest.raises(ValueError, match="may not hold"):
        cursor_of(0, entry, ("username", "pk"))
    with pytest.raises(ValueError, match="never null"):
        cursor_of(0, entry, ("user_id", "pk"))
