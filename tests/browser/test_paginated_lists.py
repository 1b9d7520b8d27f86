"""The case lists over several pages, for every role that may open them: axe-core on the first, the middle
and the last page at 1280 px, and on the middle page at 390 px (the pagination's "Page 2 of 3" once
failed colour contrast, #12.8)."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from audits.models import CaseAudit
from common import roles
from common.pagination import PAGE_SIZE
from tests.browser_fixtures import log_in
from tests.factories import AuditFactory, S47EnquiryFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PAGES = 3
LISTS = ("/cases/", "/cases/children/")
WIDTHS = {"desktop": 1280, "phone": 390}
# Set to a folder (e.g. /work/shots/childlog) to keep a screenshot of each page looked at.
SHOTS = os.environ.get("PAGINATION_SHOTS", "")


@pytest.fixture
def people():
    """One user per role that may open the case lists; the auditor is assigned every case."""
    users = {
        role: UserFactory.create(username=role.lower().replace(" ", "-"), roles=[role])
        for role in roles.CASE_RECORD_ROLES
    }
    audit = AuditFactory.create(title="Paginated audit")
    enquiries = [S47EnquiryFactory.create() for _ in range(PAGE_SIZE * (PAGES - 1) + 1)]
    CaseAudit.objects.bulk_create(
        CaseAudit(audit=audit, child=e.child, record_id=e.pk, record_date=e.start_date,
                  agency="social_care", auditor=users[roles.AUDITOR])
        for e in enquiries
    )  # fmt: skip
    return users


@pytest.mark.parametrize("role", roles.CASE_RECORD_ROLES)
def test_every_page_of_the_case_lists_is_accessible_for_each_role_that_sees_them(
    live_server, page, assert_accessible, people, role
):
    log_in(page, live_server, people[role].username)
    for path in LISTS:
        for width_name, width in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": 900})
            # Every page at desktop width; on a phone, the middle page (both links and the status).
            for number in range(1, PAGES + 1) if width_name == "desktop" else [2]:
                page.goto(f"{live_server.url}{path}?page={number}")
                expect(page.get_by_text(f"Page {number} of {PAGES}")).to_be_visible()
                assert (page.locator("a[rel=prev]").count() == 1) == (number > 1)
                assert (page.locator("a[rel=next]").count() == 1) == (number < PAGES)
                assert_accessible(page)
                if SHOTS and number == 2:
                    name = f"{path.strip('/').replace('/', '-')}-page-2-{width_name}-{role.lower().replace(' ', '-')}"
                    page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)
