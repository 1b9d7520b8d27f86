"""Crawl the small demo as each demo user, following every link the app shows them.

For each role: sign in, start at "/" and follow every internal `<a href>` breadth-first (GET only, up to
a page budget). Fails on any 5xx, on any link shown to a user that answers 403 or 404 (a link to a page
someone may not open is a bug; the message names the page that showed it), and on any HTML page without
exactly one <h1> or without a <title> naming the page, and on any page or download that shows a demo
child's ID without an access-log entry of that request naming the child (every look at a child is logged).

The demo is loaded once for the module, inside a transaction rolled back at the end; each test runs in
its own savepoint within it (pytest-django's usual per-test rollback).
"""

import re
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from io import StringIO
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import transaction
from django.http import (
    HttpResponse,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseRedirect,
    HttpResponseServerError,
)
from django.test import override_settings
from django.urls import Resolver404, resolve

from common import roles
from common.models import AccessLogChild, AccessLogEntry
from demo.profiles import CHILD_PREFIX
from demo.users import demo_username
from reporting import services
from reporting.models import PanelReport

PAGE_BUDGET = 150
QUERY_VARIANTS_PER_PATH = 3  # a list's filters and pages: the first few variants of each path
PATHS_PER_VIEW = 5  # the first few objects of each kind (children, case audits ...): more views in the budget
HOST = "testserver"
DEMO_CHILD_ID = re.compile(rf"\b{re.escape(CHILD_PREFIX)}\d{{7}}\b")
SKIP_PREFIXES = ("/admin/", "/logout/", "/static/")


# A page (or the start of one) each role reaches only by following links: proof that the crawl did.
REACHES = {
    roles.AUDITOR: "/audits/mine/",
    roles.MODERATOR: "/audits/moderation/",
    roles.MANAGER: "/cases/import/",
    roles.REPORT_OFFICER: "/reports/new/",
    roles.ADMINISTRATOR: "/access-log/",
    roles.PARTNER_AUDITOR: "/audits/mine/",
    roles.PANEL_MEMBER: "/reports/versions/",  # the issued version
    roles.PRACTITIONER: "/audits/feedback/",  # the demo feedback waiting for their response
}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The 60-child demo and its metrics, loaded once; rolled back when the module ends.

    The demo's neighbour councils' benchmark packs are imported, and its draft report also gets a generated, issued version, so that panel members have something to
    open and the report's version pages and downloads are crawled too.
    """
    reports_root = tmp_path_factory.mktemp("crawl-reports")
    with django_db_blocker.unblock(), override_settings(REPORTS_ROOT=reports_root), transaction.atomic():
        with override_settings(DEBUG=True):  # load_demo refuses to run otherwise
            call_command("load_demo", "--children", "60", stdout=StringIO())
        call_command("recompute_metrics", stdout=StringIO())
        with override_settings(DEBUG=True):  # the neighbours' packs, so the regional comparison has rows
            call_command("load_demo_packs", stdout=StringIO())
        officer = User.objects.get(username=demo_username(roles.REPORT_OFFICER))
        version = services.report_version_request(report=PanelReport.objects.get(), user=officer)
        rendered = services.report_version_render(version_id=version.pk)
        assert rendered is not None
        services.report_version_issue(version=rendered, user=officer)
        yield
        transaction.set_rollback(True)


class PageParser(HTMLParser):
    """The links, the <h1> count and the <title> text of one HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.h1_count = 0
        self.titles: list[str] = []
        self._in_title = False
        self._svg_depth = 0  # an inline chart's <title> is its accessible name, not the page's

    def handle_starttag(self, tag, attrs):
        if tag == "svg":
            self._svg_depth += 1
        elif tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)
        elif tag == "h1":
            self.h1_count += 1
        elif tag == "title" and not self._svg_depth:
            self._in_title = True
            self.titles.append("")

    def handle_endtag(self, tag):
        if tag == "svg":
            self._svg_depth -= 1
        elif tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.titles[-1] += data


@dataclass
class CrawlResult:
    visited: dict[str, int] = field(default_factory=dict)  # url -> status
    problems: list[str] = field(default_factory=list)


def _internal(base: str, href: str) -> str | None:
    """The site-relative URL of a link, or None for other hosts, mailto:, fragments and skipped paths."""
    url, _fragment = urldefrag(urljoin(f"http://{HOST}{base}", href))
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.netloc != HOST or not parts.path:
        return None
    if parts.path.startswith(SKIP_PREFIXES):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _view_name(path: str) -> str | None:
    try:
        return resolve(path).view_name
    except Resolver404:
        return None  # fetched all the same: a link to no page is a 404 the crawl reports


def _children_shown_but_not_logged(response, user: User, since: int) -> set[str]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    shown = set(DEMO_CHILD_ID.findall(content.decode("utf-8", errors="replace")))
    if not shown:
        return set()
    logged = AccessLogChild.objects.filter(entry__pk__gt=since, entry__user=user)
    return shown - set(logged.values_list("child_ref", flat=True))


def _last_entry_pk() -> int:
    return AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def crawl(client, *, budget: int = PAGE_BUDGET, user: User | None = None) -> CrawlResult:
    """`user`: the signed-in user, whose access-log entries each page must write (None: not checked)."""
    result = CrawlResult()
    queue: deque[tuple[str, str]] = deque([("/", "(start)")])
    seen: set[str] = {"/"}
    variants: dict[str, int] = {}
    paths_of_view: dict[str, set[str]] = {}
    while queue and len(result.visited) < budget:
        url, linked_from = queue.popleft()
        since = _last_entry_pk() if user else 0
        response = client.get(url)
        if user and (unlogged := _children_shown_but_not_logged(response, user, since)):
            result.problems.append(f"{url} shows {sorted(unlogged)[:3]} with no access-log entry naming them")
        result.visited[url] = response.status_code
        status = response.status_code
        if status >= 500:
            result.problems.append(f"{url} answered {status} (linked from {linked_from})")
            continue
        if status in (403, 404):
            result.problems.append(f"{url} answered {status}; the link is on {linked_from}")
            continue
        if status in (301, 302, 303, 307, 308):
            target = _internal(url, response["Location"])
            if target and target.startswith("/login/"):
                result.problems.append(
                    f"{url} sends a signed-in user to log in; the link is on {linked_from}"
                )
                continue
            if target and target not in seen:
                seen.add(target)
                queue.append((target, f"{linked_from} (redirected from {url})"))
            continue
        content_type = response.get("Content-Type", "")
        if not content_type.startswith("text/html") or response.has_header("Content-Disposition"):
            continue  # a download: fetched, not parsed
        parser = PageParser()
        parser.feed(response.content.decode())
        if parser.h1_count != 1:
            result.problems.append(f"{url} has {parser.h1_count} <h1> elements (linked from {linked_from})")
        title = parser.titles[0].strip() if len(parser.titles) == 1 else ""
        if len(parser.titles) != 1 or not title or title.startswith("-"):
            result.problems.append(f"{url} has no <title> naming the page: {parser.titles!r}")
        for href in parser.links:
            target = _internal(url, href)
            if target is None or target in seen:
                continue
            path = urlsplit(target).path
            if "?" in target:
                if variants.get(path, 0) >= QUERY_VARIANTS_PER_PATH:
                    continue
                variants[path] = variants.get(path, 0) + 1
            elif path not in seen:
                view = _view_name(path)
                if view and len(paths_of_view.setdefault(view, set())) >= PATHS_PER_VIEW:
                    continue
                if view:
                    paths_of_view[view].add(path)
            seen.add(target)
            queue.append((target, url))
    return result


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("role", roles.ALL_ROLES)
def test_every_link_shown_to_a_demo_user_opens(demo, client, role):
    user = User.objects.get(username=demo_username(role))
    client.force_login(user)
    result = crawl(client, user=user)
    assert result.visited.get("/") == 200
    assert not result.problems, f"{role}: " + "\n".join(result.problems)
    # The crawl went beyond the home page: it reached a page only this role's links lead to.
    assert any(url.startswith(REACHES[role]) for url in result.visited), sorted(result.visited)


class FakeClient:
    """Answers from a dict of url -> HttpResponse: the crawler's own checks, without the app."""

    def __init__(self, pages):
        self.pages = pages

    def get(self, url):
        return self.pages.get(url) or HttpResponseNotFound()


def _page(body: str, title: str = "Home - Service - Council") -> HttpResponse:
    return HttpResponse(f"<html><head><title>{title}</title></head><body>{body}</body></html>")


def test_the_crawler_reports_each_kind_of_problem_with_the_page_that_linked_to_it():
    chart = '<svg><title>Trend</title><a href="/svg-link/">x</a></svg>'
    client = FakeClient(
        {
            "/": _page(
                '<h1>Home</h1><a href="/forbidden/">f</a> <a href="/missing/#x">m</a> <a href="/broken/">b</a>'
                '<a href="/two-headings/">t</a> <a href="https://elsewhere.example/">e</a> <a href="/logout/">o</a>'
                f'<a href="/old/">r</a> <a href="/file.csv">d</a> {chart}'
            ),
            "/forbidden/": HttpResponseForbidden(),
            "/broken/": HttpResponseServerError(),
            "/two-headings/": _page("<h1>One</h1><h1>Two</h1>", title=" - Service - Council"),
            "/old/": HttpResponseRedirect("/login/?next=/old/"),
            "/file.csv": HttpResponse("a,b", content_type="text/csv"),
            "/svg-link/": _page("<h1>Linked from a chart</h1>"),
        }
    )
    result = crawl(client)
    assert set(result.visited) == {
        "/",
        "/forbidden/",
        "/missing/",
        "/broken/",
        "/two-headings/",
        "/old/",
        "/file.csv",
        "/svg-link/",
    }
    assert result.problems == [
        "/forbidden/ answered 403; the link is on /",
        "/missing/ answered 404; the link is on /",
        "/broken/ answered 500 (linked from /)",
        "/two-headings/ has 2 <h1> elements (linked from /)",
        "/two-headings/ has no <title> naming the page: [' - Service - Council']",
        "/old/ sends a signed-in user to log in; the link is on /",
    ]
