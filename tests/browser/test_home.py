"""The home page in a browser: each role lands on its work after signing in, and axe-core finds no
WCAG 2.2 AA violation at 1280 px or at 390 px (where nothing scrolls sideways)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from audits.models import CaseAudit
from common import roles
from tests.actions.factories import ActionFactory
from tests.browser_fixtures import log_in
from tests.factories import CaseAuditFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = (1280, 390)


@pytest.fixture
def people():
    auditor = UserFactory(username="auditor-home", roles=[roles.AUDITOR])
    administrator = UserFactory(username="admin-home", roles=[roles.ADMINISTRATOR])
    today = timezone.localdate()
    CaseAuditFactory(auditor=auditor, due_date=today - datetime.timedelta(days=1))
    CaseAuditFactory(auditor=auditor, status=CaseAudit.Status.SUBMITTED)
    ActionFactory(owner=auditor, due_date=today - datetime.timedelta(days=3))
    return {"auditor": auditor, "administrator": administrator}


@pytest.mark.parametrize("who", ["auditor", "administrator"])
def test_signing_in_lands_on_your_work_which_is_accessible(live_server, page, assert_accessible, people, who):
    log_in(page, live_server, people[who].username)
    expect(page.get_by_role("heading", name="Your work", level=1)).to_be_visible()
    if who == "auditor":
        expect(page.get_by_role("heading", name="Case audits to score 1")).to_be_visible()
        expect(page.get_by_text("Overdue").first).to_be_visible()
    else:
        expect(page.get_by_role("heading", name="Nothing waiting")).to_be_visible()
        expect(page.get_by_text("Accounts locked after failed sign-ins")).to_be_visible()
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert_accessible(page)
