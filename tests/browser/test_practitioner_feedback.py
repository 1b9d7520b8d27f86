"""A practitioner in a browser: signs in, finds their audit feedback on the home page, reads it and responds
(a disagreement needs a comment), and the QA lead sees the response. axe-core finds no WCAG 2.2 AA
violation at 1280 px or at 390 px, where nothing scrolls sideways.

SCREENSHOT_DIR=/some/folder keeps a screenshot of each page at both widths."""

import os

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from audits import services
from audits.models import Feedback, PractitionerProfile
from common import roles
from tests.audits.test_feedback import ANSWERS
from tests.audits.test_results import scored_case
from tests.browser_fixtures import log_in
from tests.factories import (
    AuditFactory,
    ChildFactory,
    S47EnquiryFactory,
    UserFactory,
    WorkerFactory,
    tool_version,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
WIDTHS = (1280, 390)


def _check(page, assert_accessible, name: str) -> None:
    folder = os.environ.get("SCREENSHOT_DIR")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
        assert_accessible(page)
        if folder:
            page.screenshot(path=f"{folder}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def sent():
    worker = WorkerFactory.create(code="W-BEA", name="Bea Worker")
    user = UserFactory.create(username="bea-practitioner", roles=[roles.PRACTITIONER])
    PractitionerProfile.objects.create(user=user, worker=worker)
    moderator = UserFactory.create(username="moderator-feedback", roles=[roles.MODERATOR])
    child = ChildFactory.create(child_id="EX0042", name="Persephone Quillfeather")
    enquiry = S47EnquiryFactory.create(child=child, worker=worker, start_date=timezone.localdate())
    audit = AuditFactory.create(title="Domestic abuse audit", tool_version=tool_version("Domestic abuse"))
    case_audit = scored_case(
        audit, ANSWERS, evidence={"D2": "No risk assessment on file"}, child=child, record_id=enquiry.pk,
        record_date=enquiry.start_date, grade="requires_improvement",
    )  # fmt: skip
    services.case_audit_moderated(case_audit=case_audit, user=moderator)
    return Feedback.objects.get(case_audit=case_audit)


def test_a_practitioner_reads_their_feedback_and_disagrees_with_a_comment(
    live_server, page, assert_accessible, sent
):
    log_in(page, live_server, "bea-practitioner")
    expect(page.get_by_role("heading", name="Audit feedback to respond to 1")).to_be_visible()
    _check(page, assert_accessible, "practitioner-home")
    nav = page.get_by_role("navigation", name="Menu")
    expect(nav.get_by_role("link", name="My feedback")).to_have_count(1)
    expect(nav.get_by_role("link", name="Audits")).to_have_count(0)

    page.get_by_role("link", name="Case EX0042 in Domestic abuse audit").click()
    expect(page.get_by_role("heading", name="Audit feedback: child EX0042", level=1)).to_be_visible()
    expect(page.get_by_text("Requires improvement to be good")).to_be_visible()
    expect(page.get_by_text("Chase the police checks")).to_be_visible()
    expect(page.get_by_text("Persephone")).to_have_count(0)
    _check(page, assert_accessible, "practitioner-feedback")

    page.get_by_label("Disagree").check()
    page.get_by_role("button", name="Send your response").click()
    expect(page.get_by_role("alert").get_by_text("Enter why you partly agree or disagree")).to_be_visible()
    _check(page, assert_accessible, "practitioner-feedback-error")

    page.get_by_label("Your comment").fill("The risk assessment is on the police system.")
    page.get_by_role("button", name="Send your response").click()
    expect(page.get_by_text("Your response is sent.")).to_be_visible()
    expect(page.get_by_role("button", name="Send your response")).to_have_count(0)
    expect(page.get_by_text("The risk assessment is on the police system.")).to_be_visible()
    _check(page, assert_accessible, "practitioner-feedback-responded")
    sent.refresh_from_db()
    assert sent.response.answer == "disagree"

    page.get_by_role("link", name="My feedback").first.click()
    expect(page.get_by_role("cell", name="Disagree")).to_be_visible()
    _check(page, assert_accessible, "practitioner-my-feedback")

    UserFactory.create(username="qa-lead-feedback", roles=[roles.MANAGER])
    page.context.clear_cookies()
    log_in(page, live_server, "qa-lead-feedback")
    page.goto(f"{live_server.url}/audits/feedback/responses/")
    expect(page.get_by_role("heading", name="Feedback to practitioners", level=1)).to_be_visible()
    expect(page.get_by_text("100% (1 of 1)")).to_be_visible()
    expect(page.get_by_text("The risk assessment is on the police system.")).to_be_visible()
    _check(page, assert_accessible, "feedback-overview")
