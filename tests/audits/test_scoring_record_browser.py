"""The scoring page's case record in chromium: beside the questions and in view while scrolling at desktop
width, folded in a closed details on a phone; an override of the record's answer autosaved once its reason
is typed, and read back from the database. axe checks the page at both widths.

Set SCREENSHOT_DIR (e.g. /work/wt/shots) to keep record-scoring-1280.png and record-scoring-390.png."""

import datetime
import os

import pytest
from playwright.sync_api import expect

from audits.models import Answer, CaseAudit
from common import roles
from tests.audits.test_services_scoring import S47, case_audit_for
from tests.browser_fixtures import log_in
from tests.factories import ReferralFactory, S47EnquiryFactory, StrategyDiscussionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
D = datetime.date
REASON = "Explain why your answer differs from the case record"


@pytest.fixture
def case_audit() -> CaseAudit:
    auditor = UserFactory.create(username="auditor-record", roles=[roles.AUDITOR])
    discussion = StrategyDiscussionFactory.create(date=D(2026, 3, 2), child__child_id="C-REC-BROWSER")
    ReferralFactory.create(
        child=discussion.child, received_date=D(2026, 2, 27), acknowledgement_date=D(2026, 2, 28)
    )
    enquiry = S47EnquiryFactory.create(
        child=discussion.child, strategy_discussion=discussion, start_date=D(2026, 3, 2),
        end_date=D(2026, 3, 12), consent="given", chronology_on_file=True,
        management_oversight_date=D(2026, 3, 4),
    )  # fmt: skip
    return case_audit_for(S47, auditor, child=enquiry.child, record_id=enquiry.pk, in_subsample=True)


def shoot(page, width: int) -> None:
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=f"{folder}/record-scoring-{width}.png", full_page=True)


def test_the_case_record_stays_in_view_and_an_override_is_saved_with_its_reason(
    live_server, page, case_audit, assert_accessible
):
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "auditor-record")
    url = f"{live_server.url}/audits/case/{case_audit.uuid}/"
    page.goto(url)
    panel = page.locator("#case-record")
    details = panel.locator("details")
    expect(details).to_have_attribute("open", "")
    expect(panel.locator("summary")).to_be_hidden()
    expect(panel.get_by_role("heading", name="The case record")).to_be_visible()
    assert panel.evaluate("e => getComputedStyle(e).position") == "sticky"
    assert_accessible(page)

    # Scrolled down to the last questions, the panel is still at the top of the window.
    page.locator("#q-R4").scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, 1500)")
    page.wait_for_function("window.scrollY > 800")
    box = panel.bounding_box()
    assert box is not None and 0 <= box["y"] < 50, box

    # The record says Yes; the auditor answers No: not saved until the reason is given.
    r4 = page.locator("#q-R4")
    expect(r4.locator("#q-R4-record")).to_contain_text("The case record says: Yes")
    # The reason is asked for only once the answer differs from the record's.
    expect(page.locator("#q-R4-override-reason")).to_be_hidden()
    r4.get_by_label("No", exact=True).check()
    expect(page.locator("#q-R4-override-reason")).to_be_visible()
    expect(page.locator("#q-R4-status")).to_have_text(f"Not saved: {REASON}")
    expect(page.locator("#q-R4-override-reason-error")).to_have_text(f"Error: {REASON}")
    expect(r4.get_by_label("No", exact=True)).to_be_checked()  # the choice stays on the page
    assert not Answer.objects.filter(case_audit=case_audit, question__code="R4").exists()

    reason = page.locator("#q-R4-override-reason")
    reason.click()
    reason.press_sequentially("The end date was back-dated")
    expect(page.locator("#q-R4-status")).to_contain_text("Saved at")
    expect(page.locator("#q-R4-override-reason-error")).to_have_count(0)
    saved = Answer.objects.get(case_audit=case_audit, question__code="R4")
    assert (saved.value, saved.record_value, saved.override_reason) == (
        "no",
        "yes",
        "The end date was back-dated",
    )
    page.evaluate("window.scrollTo(0, 0)")
    panel.evaluate("e => { e.scrollTop = 0; }")
    shoot(page, 1280)

    # On a phone the case record is a closed details above the questions.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(url)
    details = page.locator("#case-record details")
    expect(details).not_to_have_attribute("open", "")
    summary = details.locator("summary")
    expect(summary).to_be_visible()
    expect(summary).to_have_text("The case record")
    summary_box, question_box = summary.bounding_box(), page.locator("#q-S1").bounding_box()
    assert summary_box and question_box and summary_box["y"] < question_box["y"]
    assert page.locator("#case-record").evaluate("e => getComputedStyle(e).position") != "sticky"
    assert_accessible(page)
    shoot(page, 390)
    summary.click()
    expect(details.get_by_text("S47 started")).to_be_visible()
