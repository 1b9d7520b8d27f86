"""The scoring page's keyboard shortcuts in chromium (static/app/shortcuts.mjs): with a question's answers in
focus, Y, P, N and A choose Yes, Partly, No and Not applicable, saved as a click is; nowhere else, and never
with Ctrl, Alt or Meta (WCAG 2.1.4). Every answer is read back from the database."""

import re

import pytest
from playwright.sync_api import Page, Request, expect

from audits.models import Answer, CaseAudit
from common import roles
from tests.browser_fixtures import log_in
from tests.factories import CaseAuditFactory, S47EnquiryFactory, UserFactory, rating_tool_version

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ANSWER_POSTS = re.compile(r".*/audits/case/[^/]+/answer/\d+/$")


@pytest.fixture
def case_audit() -> CaseAudit:
    auditor = UserFactory.create(username="auditor-keys", roles=[roles.AUDITOR])
    enquiry = S47EnquiryFactory.create(child__child_id="C-KEYS")
    return CaseAuditFactory.create(
        audit__tool_version=rating_tool_version(3), auditor=auditor, child=enquiry.child, record_id=enquiry.pk
    )


def stored(case_audit: CaseAudit, code: str) -> tuple[str, str] | None:
    answer = Answer.objects.filter(case_audit=case_audit, question__code=code).first()
    return (answer.value, answer.evidence) if answer else None


def saved(page: Page, code: str, revision: int) -> None:
    """Waits for the question's save that returned `revision` (each save adds one)."""
    expect(page.locator(f"#q-{code} input[name=revision]")).to_have_value(str(revision))
    expect(page.locator(f"#q-{code}-status")).to_have_text(re.compile(r"^Saved at"))


def test_y_p_n_and_a_answer_the_focused_question_and_are_saved(
    live_server, page: Page, case_audit: CaseAudit, assert_accessible
):
    log_in(page, live_server, "auditor-keys")
    page.goto(f"{live_server.url}/audits/case/{case_audit.uuid}/")
    hint = page.locator("#scoring-shortcuts")
    expect(hint).to_be_visible()
    expect(hint).to_contain_text("press Y for Yes, P for Partly, N for No or A for Not applicable")
    assert_accessible(page)

    page.locator("#q-Q1-value-yes").focus()
    expect(page.locator("#q-Q1-value-partly")).to_have_attribute("aria-keyshortcuts", "P")
    for revision, (key, value) in enumerate(
        [("p", "partly"), ("Shift+N", "no"), ("a", "na"), ("y", "yes")], start=1
    ):
        page.keyboard.press(key)
        saved(page, "Q1", revision)
        assert stored(case_audit, "Q1") == (value, "")
        # The focus moves to the answer chosen, as the arrow keys move it, and stays in the question.
        expect(page.locator(f"#q-Q1-value-{value}")).to_be_focused()
        expect(page.locator(f"#q-Q1-value-{value}")).to_be_checked()
    page.keyboard.press("y")  # already the answer: nothing to save
    page.keyboard.press("n")
    saved(page, "Q1", 5)
    assert stored(case_audit, "Q1") == ("no", "")
    assert_accessible(page)


def test_letters_typed_in_the_notes_or_with_a_modifier_choose_nothing(
    live_server, page: Page, case_audit: CaseAudit
):
    log_in(page, live_server, "auditor-keys")
    page.goto(f"{live_server.url}/audits/case/{case_audit.uuid}/")
    posts: list[str] = []

    def sent(request: Request) -> None:
        if request.method == "POST" and ANSWER_POSTS.match(request.url):
            posts.append(request.url)

    page.on("request", sent)

    q1 = page.locator("#q-Q1")
    q1.get_by_label("No", exact=True).check()
    saved(page, "Q1", 1)
    page.locator("#q-Q1-evidence").click()
    page.keyboard.type("yes, happily any day")  # y, p, n and a: words, not answers
    page.locator("#q-Q1-evidence").blur()
    expect(page.locator("#q-Q1-status")).to_have_text(re.compile(r"^Saved at"))
    page.wait_for_function("() => !document.querySelector('#q-Q1-status').textContent.includes('Saving')")
    assert stored(case_audit, "Q1") == ("no", "yes, happily any day")
    expect(q1.get_by_label("No", exact=True)).to_be_checked()

    # With Ctrl, Alt or Meta the key is the browser's: Q2 is not answered by them. P then is, in one save,
    # so none of the earlier keys sent a save of its own.
    page.locator("#q-Q2-value-yes").focus()
    for key in ("Control+n", "Alt+y", "Meta+a"):
        page.keyboard.press(key)
    page.keyboard.press("p")
    saved(page, "Q2", 1)
    assert stored(case_audit, "Q2") == ("partly", "")
    assert len([url for url in posts if url == posts[-1]]) == 1
    assert stored(case_audit, "Q3") is None


def test_without_javascript_the_shortcut_hint_is_not_shown(live_server, browser, case_audit: CaseAudit):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server, "auditor-keys")
    page.goto(f"{live_server.url}/audits/case/{case_audit.uuid}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Case C-KEYS")
    expect(page.locator("#scoring-shortcuts")).to_be_hidden()
    context.close()
