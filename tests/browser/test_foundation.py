"""A manager logs in, imports the example Annex A extract and sees the cases; axe-core on every page."""

from pathlib import Path

import pytest

from common import roles
from tests.browser_fixtures import log_in
from tests.factories import UserFactory

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "annex_a_list5.csv"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_manager_imports_the_example_extract_and_sees_the_cases(live_server, page, assert_accessible):
    UserFactory(username="manager-browser", roles=[roles.MANAGER])

    page.goto(f"{live_server.url}/")
    assert "/login/" in page.url
    assert_accessible(page)

    log_in(page, live_server, "manager-browser")
    assert page.get_by_role("heading", level=1).inner_text() == "Your work"  # the home page: their tasks
    assert_accessible(page)

    page.get_by_role("link", name="Import").first.click()
    assert_accessible(page)
    page.get_by_label("Upload a case extract").set_input_files(str(EXAMPLE))
    page.get_by_role("button", name="Upload and check").click()
    assert "/cases/import/" in page.url
    assert page.get_by_text("5 S47 enquiries").count() or page.get_by_text("S47 enquir").count()
    assert_accessible(page)

    page.get_by_role("button", name="Import").click()
    assert_accessible(page)

    page.goto(f"{live_server.url}/cases/")
    assert page.get_by_text("5 enquiries.").is_visible()
    rows = page.locator("table.govuk-table tbody tr")
    assert rows.count() == 5
    assert_accessible(page)

    rows.first.get_by_role("link").click()
    assert page.get_by_role("heading", name="Timeline").is_visible()
    assert page.get_by_text("S47 enquiry:").first.is_visible()
    assert_accessible(page)


def test_a_wrong_password_shows_the_error_summary(live_server, page, assert_accessible):
    UserFactory(username="someone", roles=[roles.MANAGER])
    log_in(page, live_server, "someone", password="not-the-password")
    assert page.get_by_text("There is a problem").is_visible()
    assert "/login/" in page.url
    assert_accessible(page)
