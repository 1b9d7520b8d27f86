"""Browser-test fixtures (made available to every test by tests/conftest.py): Playwright driving Debian's
chromium (never a downloaded browser), and axe-core, which runs offline."""

import os
from collections.abc import Callable, Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.db import DEFAULT_DB_ALIAS, connections
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

# Playwright's sync API runs an event loop in this thread; the test's own database calls are still sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make test` installs it with apt-get.")
    # Playwright's sync API runs the tests in a greenlet where Django opens new connection objects; without
    # the snapshot taken when the test database was made, serialized_rollback would restore nothing (roles
    # and audit tools come from data migrations) once any earlier test had flushed the database.
    # For the same reason the connections opened before are closed first and the greenlet's own at the end:
    # one left open outside it made PostgreSQL wait 5 s to drop the test database after the last test, and
    # then refuse ("being accessed by other users").
    snapshot = getattr(connections[DEFAULT_DB_ALIAS], "_test_serialized_contents", None)
    connections.close_all()
    with sync_playwright() as playwright:
        if snapshot is not None:
            # Django's test-database snapshot is private: django-stubs leave it out
            connections[DEFAULT_DB_ALIAS]._test_serialized_contents = snapshot  # type: ignore[attr-defined]
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()
        connections.close_all()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page; the test fails if the page broke the Content Security Policy (inline script or style)."""
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    violations: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    page.on("console", on_console)
    yield page
    context.close()
    assert not violations, f"Content Security Policy violations: {violations}"


@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()


@pytest.fixture
def assert_accessible(axe: Axe) -> Callable[[Page], None]:
    """Runs axe-core on the page and fails on any WCAG 2.0/2.1/2.2 A or AA violation."""

    def check(page: Page) -> None:
        results = axe.run(
            page,
            options={
                "runOnly": {
                    "type": "tag",
                    "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
                },
                # Every node of every violation, as before; of the rules passed or not applicable (never read
                # here) one node each, not all of them, which axe would otherwise gather and send back.
                "resultTypes": ["violations"],
            },
        )
        violations = results.response["violations"]
        assert not violations, f"{page.url}: " + "; ".join(
            f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes, e.g. {v['nodes'][0]['html'][:120]})"
            for v in violations
        )

    return check


def log_in(page, live_server, username: str, password: str = "correct-horse-battery") -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    # The click returns once the form is sent; wait for the answer, which may be the same /login/ page, so
    # that what a test reads next is the page the server sent back, not the form before it.
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def fill_date(page, legend: str, typed: str) -> None:
    """Types a date as dd/mm/yyyy into GOV.UK's date input whose fieldset's legend is `legend`."""
    day, month, year = typed.split("/")
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)
