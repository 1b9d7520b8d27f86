"""The results page with auditor and moderator agreement, in the browser: axe-core finds nothing to fix."""

import pytest

from common import roles
from tests.audits.test_moderation_agreement import moderated_audit
from tests.browser_fixtures import log_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_agreement_and_its_poor_agreement_tag_are_accessible(live_server, page, assert_accessible):
    UserFactory.create(username="manager-mia", roles=[roles.MANAGER])
    audit = moderated_audit()

    log_in(page, live_server, "manager-mia")
    page.goto(f"{live_server.url}/audits/{audit.uuid}/results/")

    d2 = page.get_by_role("row").filter(has_text="D2")
    assert "Poor agreement" in d2.inner_text()
    assert (
        page.locator("#moderation-agreement")
        .inner_text()
        .startswith("Auditor and moderator agreement: kappa 0.58")
    )
    assert_accessible(page)
