"""`page_of` and `query_without`: the page asked for, and the query its links keep."""

from django.test import RequestFactory

from common.models import AccessLogEntry
from common.pagination import page_of, query_without


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
