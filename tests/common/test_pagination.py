"""`page_of`, `page_of_many` and `query_without`: the page asked for, and the query its links keep."""

from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from common import pagination
from common.models import AccessLogEntry
from common.pagination import CappedPaginator, page_of, query_without
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
        paginator = CappedPaginator(_entries(3), 2, limit=2)
        paginator.limit = 10_000
        paginator.__dict__["_counted"] = 10_001
        assert paginator.shown_count == "More than 10,000"


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
