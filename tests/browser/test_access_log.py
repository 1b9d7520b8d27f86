"""An administrator asks "who looked at this child?" from the navigation; axe-core on the page."""

import pytest

from common import roles
from tests.browser_fixtures import log_in
from tests.factories import ChildFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_an_administrator_finds_who_looked_at_a_child(live_server, page, assert_accessible):
    UserFactory.create(username="manager-looks", roles=[roles.MANAGER])
    UserFactory.create(username="admin-searches", roles=[roles.ADMINISTRATOR])
    child = ChildFactory.create(child_id="C-SEEN")

    log_in(page, live_server, "manager-looks")
    page.goto(f"{live_server.url}/cases/children/{child.uuid}/")
    page.context.clear_cookies()

    log_in(page, live_server, "admin-searches")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Access log").click()
    assert_accessible(page)
    page.get_by_label("Child ID").fill("c-seen")
    page.get_by_role("button", name="Apply filters").click()
    row = page.get_by_role("row").filter(has_text="manager-looks")
    assert row.get_by_text("Viewed child").is_visible()
    assert row.get_by_text("C-SEEN").first.is_visible()
    assert_accessible(page)
