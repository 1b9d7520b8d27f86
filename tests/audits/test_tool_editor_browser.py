"""A QA lead adds a conditional question to a tool in chromium, is told why a wrong condition is refused,
saves it as a new version and sees it in the preview as auditors will; axe-core on every page."""

import pytest

from common import roles
from tests.browser_fixtures import log_in
from tests.factories import UserFactory, tool_version

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_lead_adds_a_conditional_question_and_sees_it_in_the_preview(live_server, page, assert_accessible):
    UserFactory.create(username="lead-tool-editor", roles=[roles.MANAGER])
    v1 = tool_version()

    log_in(page, live_server, "lead-tool-editor")
    page.goto(f"{live_server.url}/audits/tools/versions/{v1.uuid}/")
    assert_accessible(page)
    page.get_by_role("link", name="Add a question to section Protection and CIN plans").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Add a question"
    assert_accessible(page)

    page.get_by_label("Code").fill("D15")
    page.get_by_label("Question", exact=True).fill("Is the child's own view of the plan recorded?")
    page.get_by_label("Guidance for auditors (optional)").fill(
        "Look for the child's words, not the worker's."
    )
    page.get_by_label("Position in the section").fill("1")
    page.get_by_label("Condition").select_option("D4")
    page.get_by_label("Yes", exact=True).check()
    page.get_by_label("What changed, and why").fill("The voice of the child, asked where there is a plan.")
    page.get_by_role("button", name="Add question").click()
    # D4 is the section's first question: put first, D15 would come before the question it depends on.
    assert page.get_by_text("There is a problem").is_visible()
    assert page.get_by_role(
        "link", name="Select an earlier question for D15 to depend on: D4 is not before it"
    ).is_visible()
    assert_accessible(page)

    page.get_by_label("Position in the section").fill("2")
    page.get_by_role("button", name="Add question").click()
    assert page.get_by_text("Saved as version 2").is_visible()
    assert page.get_by_text("asked only where D4 is Yes").first.is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Preview the questions as auditors see them").click()
    assert page.get_by_role("heading", name="D15. Is the child's own view of the plan recorded?").is_visible()
    assert page.get_by_text("Asked only if the answer to question D4 is Yes.").first.is_visible()
    assert page.locator("#q-D15 input[type=radio]").first.is_disabled()
    assert_accessible(page)
