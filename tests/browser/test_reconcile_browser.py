"""Reconciling a double-scored case in the browser: the two scorings side by side, an error summary that
links to the missing reason, the agreed answers saved, and axe-core finding nothing to fix on the way."""

import pytest

from audits.models import ReconciledAnswer
from common import roles
from tests.audits.double_world import double_audit, pair
from tests.browser_fixtures import log_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_moderator_reconciles_a_pair_side_by_side(live_server, page, assert_accessible):
    UserFactory.create(username="moderator-meg", roles=[roles.MODERATOR])
    people = (
        UserFactory.create(first_name="Fay", last_name="First", roles=[roles.AUDITOR]),
        UserFactory.create(first_name="Sid", last_name="Second", roles=[roles.AUDITOR]),
    )
    first, second = pair(
        double_audit(), people, {"D1": "yes", "D2": "no"}, {"D1": "no", "D2": "no"}, child_id="C-BROWSE"
    )

    log_in(page, live_server, "moderator-meg")
    page.goto(f"{live_server.url}/audits/{first.audit.uuid}/pairs/")
    assert "To reconcile: 1 disagreement" in page.get_by_role("row").filter(has_text="C-BROWSE").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Reconcile case C-BROWSE").click()

    d1 = page.locator("#side-by-side").get_by_role("row").filter(has_text="Is there good information sharing")
    assert "Disagree" in d1.inner_text()
    assert "app-row--disagree" in (d1.get_attribute("class") or "")
    assert_accessible(page)

    page.get_by_role("group", name="Agreed answer to D1").get_by_label("Partly").check()
    page.get_by_role("button", name="Save the agreed answers").click()
    summary = page.locator(".govuk-error-summary")
    assert "Enter the reason for the agreed answer to question D1" in summary.inner_text()
    assert page.get_by_role("group", name="Agreed answer to D1").get_by_label("Partly").is_checked()
    assert_accessible(page)
    summary.get_by_role("link", name="Enter the reason for the agreed answer to question D1").click()
    reason = page.get_by_label("Reason for the agreed answer to D1")
    assert reason.evaluate("element => element === document.activeElement")
    reason.fill("Information was shared, but late")
    page.get_by_role("button", name="Save the agreed answers").click()

    assert "Case C-BROWSE reconciled" in page.locator(".govuk-notification-banner").inner_text()
    assert "Reconciled" in page.get_by_role("row").filter(has_text="C-BROWSE").inner_text()
    agreed = ReconciledAnswer.objects.get(case_audit=first)
    assert (agreed.value, agreed.first_value, agreed.second_value) == ("partly", "yes", "no")
    assert_accessible(page)
