"""An auditor scores a case in chromium under a strict Content Security Policy: htmx autosaves each answer,
a gating answer brings its dependent questions in, and someone else's save is shown, not overwritten."""

import re

import pytest
from playwright.sync_api import expect

from audits import services
from audits.models import Answer, CaseAudit
from common import roles
from tests.audits.test_services_scoring import DOMESTIC_ABUSE, answer, case_audit_for, questions
from tests.browser_fixtures import log_in
from tests.factories import S47EnquiryFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:"


@pytest.fixture
def strict_page(page):
    """Every page served with a CSP that forbids inline script and style; any violation is recorded."""
    violations: list[str] = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and violations.append(message.text),
    )

    def with_csp(route):
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": CSP})

    page.route(re.compile(r".*/audits/.*"), with_csp)
    page.csp_violations = violations
    return page


@pytest.fixture
def case_audit() -> CaseAudit:
    auditor = UserFactory(username="auditor-browser", roles=[roles.AUDITOR])
    enquiry = S47EnquiryFactory(child__child_id="C-BROWSER")
    return case_audit_for(DOMESTIC_ABUSE, auditor, child=enquiry.child, record_id=enquiry.pk)


def stored(case_audit: CaseAudit, code: str) -> Answer | None:
    return Answer.objects.filter(case_audit=case_audit, question__code=code).first()


def test_an_auditor_scores_a_case_with_autosave(live_server, strict_page, case_audit, assert_accessible):
    page = strict_page
    log_in(page, live_server, "auditor-browser")
    page.goto(f"{live_server.url}/audits/mine/")
    assert_accessible(page)
    page.get_by_role("link", name="Score").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Case C-BROWSER"
    assert_accessible(page)

    d1 = page.locator("#q-D1")
    d1.get_by_label("Partly").check()
    d1.get_by_text("Saved at").wait_for()
    assert stored(case_audit, "D1").value == "partly"

    evidence = page.locator("#q-D1-evidence")
    evidence.click()
    evidence.press_sequentially("Police checks were late")
    expect(page.locator("#q-D1 input[name=revision]")).to_have_value("2")
    assert stored(case_audit, "D1").evidence == "Police checks were late"
    assert evidence.input_value() == "Police checks were late"

    assert page.locator("#q-D5").count() == 0
    page.locator("#q-D4").get_by_label("Yes").check()
    page.locator("#q-D5").wait_for()
    assert page.locator("#q-D6").is_visible()
    assert page.locator("#q-D1-evidence").input_value() == "Police checks were late"
    assert_accessible(page)

    # Someone else saves D2 after this page loaded: this auditor's save is refused and theirs shown.
    services.answer_save(
        case_audit=case_audit,
        question=questions(case_audit)["D2"],
        user=UserFactory(username="auditor-other"),
        value="no",
        evidence="Risk not considered",
        revision=0,
    )
    page.locator("#q-D2").get_by_label("Yes").check()
    page.locator("#q-D2").get_by_text("auditor-other saved question D2").wait_for()
    assert page.locator("#q-D2-evidence").input_value() == "Risk not considered"
    assert stored(case_audit, "D2").value == "no"
    assert_accessible(page)

    assert page.csp_violations == []


def test_the_save_buttons_work_without_javascript(live_server, browser, case_audit):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server, "auditor-browser")
    answer(case_audit, "D3", case_audit.auditor, "yes")
    page.goto(f"{live_server.url}/audits/case/{case_audit.uuid}/")
    page.locator("#q-D1").get_by_label("No", exact=True).check()
    page.locator("#q-D1-evidence").fill("No strategy discussion")
    page.locator("#q-D1").get_by_role("button", name="Save").click()
    assert page.url.endswith("#q-D1")
    assert (stored(case_audit, "D1").value, stored(case_audit, "D1").evidence) == (
        "no",
        "No strategy discussion",
    )
    page.get_by_role("button", name="Submit case audit").click()
    assert page.get_by_text("This case audit cannot be submitted yet").is_visible()
    assert page.get_by_role("link", name=re.compile("Answer question D2")).is_visible()
    context.close()
