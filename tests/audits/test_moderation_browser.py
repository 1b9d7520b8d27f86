"""A moderator works through the queue in chromium: changes a grade with a reason, marks the case moderated and
locks the audit; axe-core on every page."""

import pytest

from audits.models import Audit
from common import roles
from tests.audits.test_services_moderation import submitted
from tests.browser_fixtures import log_in
from tests.factories import ChildFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_moderator_changes_a_grade_and_locks_the_audit(live_server, page, assert_accessible):
    auditor = UserFactory.create(username="auditor-for-moderation", roles=[roles.AUDITOR])
    UserFactory.create(username="moderator-browser", roles=[roles.MODERATOR])
    case_audit = submitted(auditor, child=ChildFactory.create(child_id="C-MODERATE"))

    log_in(page, live_server, "moderator-browser")
    page.goto(f"{live_server.url}/audits/moderation/")
    assert_accessible(page)
    page.get_by_role("link", name="Moderate").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Moderate case C-MODERATE"
    assert_accessible(page)

    page.get_by_role("button", name="Change grade").click()
    assert page.get_by_text("There is a problem").is_visible()
    assert_accessible(page)
    page.get_by_label("Inadequate").check()
    page.get_by_label("Reason for the change").last.fill("Risk to the child was missed")
    page.get_by_role("button", name="Change grade").click()
    assert page.get_by_role("cell", name="Risk to the child was missed").is_visible()

    page.get_by_role("button", name="Mark as moderated").click()
    page.get_by_role("button", name="Lock").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Lock the audit"
    assert page.get_by_text("makes its results final").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Lock audit").click()
    assert page.get_by_text("is locked and complete").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="See its results").click()
    assert page.url.endswith(f"/audits/{case_audit.audit.uuid}/results/")
    assert Audit.objects.get(pk=case_audit.audit_id).status == Audit.Status.COMPLETE
