"""Lists shown a page at a time, with the GOV.UK pagination partial (templates/includes/pagination.html)."""

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 50


def page_of(request: HttpRequest, queryset: QuerySet, per_page: int = PAGE_SIZE) -> Page:
    """The page asked for by `?page=`; the first for a missing or bad number, the last for one too high."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def query_without(request: HttpRequest, *names: str) -> str:
    """The request's query string less `names`: the partial's links add `page=` to it."""
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()
