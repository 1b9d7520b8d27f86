"""An auditor scores a case in chromium under a strict Content Security Policy: autosave.mjs saves each
answer, a gating answer brings its dependent questions in, and someone else's save is shown, not overwritten.

The fast sequences a person makes (notes typed then an answer clicked at once, two answers in a row, typing
while a save is slow) are driven for real, and every answer is read back from the database."""

import re
import time

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import ConsoleMessage, Request, expect

from audits import services
from audits.models import Answer, CaseAudit
from common import roles
from tests.audits.test_services_scoring import DOMESTIC_ABUSE, answer, answer_all, case_audit_for, questions
from tests.browser_fixtures import log_in
from tests.factories import S47EnquiryFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:"


@pytest.fixture
def strict_page(page):
    """Every page served with a CSP that forbids inline script and style; any violation is recorded."""
    violations: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    page.on("console", on_console)

    def with_csp(route):
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": CSP})

    page.route(re.compile(r".*/audits/.*"), with_csp)
    page.csp_violations = violations
    return page


@pytest.fixture
def case_audit() -> CaseAudit:
    auditor = UserFactory.create(username="auditor-browser", roles=[roles.AUDITOR])
    enquiry = S47EnquiryFactory.create(child__child_id="C-BROWSER")
    return case_audit_for(DOMESTIC_ABUSE, auditor, child=enquiry.child, record_id=enquiry.pk)


def stored(case_audit: CaseAudit, code: str) -> Answer | None:
    return Answer.objects.filter(case_audit=case_audit, question__code=code).first()


def stored_answer(case_audit: CaseAudit, code: str) -> Answer:
    """The stored answer, which the test expects there."""
    answer = stored(case_audit, code)
    assert answer is not None, f"no answer to {code}"
    return answer


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
    assert stored_answer(case_audit, "D1").value == "partly"

    evidence = page.locator("#q-D1-evidence")
    evidence.click()
    evidence.press_sequentially("Police checks were late")
    expect(page.locator("#q-D1 input[name=revision]")).to_have_value("2")
    assert stored_answer(case_audit, "D1").evidence == "Police checks were late"
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
        user=UserFactory.create(username="auditor-other"),
        value="no",
        evidence="Risk not considered",
        revision=0,
    )
    page.locator("#q-D2").get_by_label("Yes").check()
    page.locator("#q-D2").get_by_text("auditor-other saved question D2").wait_for()
    assert page.locator("#q-D2-evidence").input_value() == "Risk not considered"
    assert stored_answer(case_audit, "D2").value == "no"
    assert_accessible(page)

    # Having read theirs, the auditor answers again: saved over it, and the warning goes.
    page.locator("#q-D2").get_by_label("Yes").check()
    expect(page.locator("#q-D2-status")).to_have_text(re.compile(r"^Saved at"))
    expect(page.locator("#q-D2").get_by_text("saved question D2")).to_have_count(0)
    assert saved_state(case_audit, "D2") == ("yes", "Risk not considered")

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
    assert (stored_answer(case_audit, "D1").value, stored_answer(case_audit, "D1").evidence) == (
        "no",
        "No strategy discussion",
    )
    expect(page.locator("#q-D1-status")).to_have_text(re.compile(r"^Last saved .* at \d\d:\d\d$"))
    page.locator("#grade").get_by_label("Good", exact=True).check()
    page.locator("#grade-note").fill("Sound plan")
    page.locator("#grade").get_by_role("button", name="Save").click()
    assert page.url.endswith("#grade")
    case_audit.refresh_from_db()
    assert (case_audit.grade, case_audit.grade_note, case_audit.status) == (
        "good",
        "Sound plan",
        "in_progress",
    )
    expect(page.locator("#case-status")).to_have_text("In progress")
    page.get_by_role("button", name="Submit case audit").click()
    assert page.get_by_text("This case audit cannot be submitted yet").is_visible()
    assert page.get_by_role("link", name=re.compile("Answer question D2")).is_visible()
    context.close()


ANSWER_POSTS = re.compile(r".*/audits/case/[^/]+/answer/\d+/$")


def open_scoring_page(page, live_server, case_audit: CaseAudit) -> list[str]:
    """Signs the auditor in and opens the page; returns the list that every answer POST is added to."""
    log_in(page, live_server, "auditor-browser")
    page.goto(f"{live_server.url}/audits/case/{case_audit.uuid}/")
    posts: list[str] = []

    def on_request(request: Request) -> None:
        if request.method == "POST" and ANSWER_POSTS.match(request.url):
            posts.append(request.url)

    page.on("request", on_request)
    return posts


def saved_state(case_audit: CaseAudit, code: str) -> tuple[str, str] | None:
    answer = stored(case_audit, code)
    return (answer.value, answer.evidence) if answer else None


def test_notes_then_an_answer_clicked_at_once_are_both_saved(live_server, strict_page, case_audit):
    """The click that takes the focus out of the notes box saves the notes (blur) and then the answer: the
    notes' save is sent first, without the answer, and must not win."""
    page = strict_page
    open_scoring_page(page, live_server, case_audit)
    expect(page.locator("#case-status")).to_have_text("Not started")
    page.evaluate(
        """() => {
            window.lastInputAt = 0;
            document.addEventListener("input", () => { window.lastInputAt = performance.now(); });
            document.addEventListener("click", () => { window.clickedAt = performance.now(); });
        }"""
    )
    page.locator("#q-D1-evidence").click()
    partly = page.locator("#q-D1").get_by_label("Partly").bounding_box()  # where it is once scrolled to
    page.keyboard.type("Police checks were late")
    page.mouse.click(partly["x"] + partly["width"] / 2, partly["y"] + partly["height"] / 2)
    assert page.evaluate("window.clickedAt - window.lastInputAt") < 50

    expect(page.locator("#q-D1-status")).to_have_text(re.compile(r"^Saved at \d\d:\d\d$"))
    assert saved_state(case_audit, "D1") == ("partly", "Police checks were late")
    expect(page.locator("#q-D1").get_by_label("Partly")).to_be_checked()
    expect(page.locator("#case-status")).to_have_text("In progress")  # without a reload
    assert page.csp_violations == []


def test_two_answers_clicked_in_a_row_keep_the_second(live_server, page, case_audit):
    open_scoring_page(page, live_server, case_audit)
    d1 = page.locator("#q-D1")
    d1.get_by_label("Yes").click()
    d1.get_by_label("No", exact=True).click()
    expect(page.locator("#q-D1-status")).to_have_text(re.compile(r"^Saved at"))
    assert saved_state(case_audit, "D1") == ("no", "")
    expect(d1.get_by_label("No", exact=True)).to_be_checked()
    expect(d1.get_by_text("saved question D1")).to_have_count(0)  # no conflict with its own first save

    # And across questions: D1 and D2 saved one after the other, each with its own answer.
    page.locator("#q-D2").get_by_label("Partly").click()
    d1.get_by_label("Yes").click()
    expect(page.locator("#q-D2-status")).to_have_text(re.compile(r"^Saved at"))
    expect(page.locator("#q-D1-status")).to_have_text(re.compile(r"^Saved at"))
    assert (saved_state(case_audit, "D1"), saved_state(case_audit, "D2")) == (("yes", ""), ("partly", ""))


def test_what_is_typed_and_clicked_while_a_save_is_slow_is_sent_after_it(
    live_server, strict_page, case_audit
):
    """One save of a question at a time: while the first is held, the notes and a new answer wait, then
    go in one save with the revision the first returned."""
    page = strict_page
    posts = open_scoring_page(page, live_server, case_audit)
    held = []

    def hold(route):
        held.append(route)

    page.route(ANSWER_POSTS, hold)  # answered by hand below, after the typing

    d1 = page.locator("#q-D1")
    d1.get_by_label("Partly").click()
    expect(page.locator("#q-D1-status")).to_have_text("Saving...")
    page.locator("#q-D1-evidence").click()
    page.keyboard.type("Police checks were late")
    d1.get_by_label("No", exact=True).click()
    time.sleep(1)  # longer than the pause after typing that starts a save
    assert (len(held), len(posts)) == (1, 1)  # nothing sent beside the slow save

    page.unroute(ANSWER_POSTS, hold)
    held[0].fallback()
    expect(page.locator("#q-D1-status")).to_have_text(re.compile(r"^Saved at"))
    assert saved_state(case_audit, "D1") == ("no", "Police checks were late")
    assert len(posts) == 2  # the slow save, then one save with everything changed meanwhile
    assert stored_answer(case_audit, "D1").revision == 2
    assert page.locator("#q-D1-evidence").input_value() == "Police checks were late"
    assert page.csp_violations == []


def test_a_failed_save_says_so_and_try_again_saves_it(live_server, page, case_audit, assert_accessible):
    open_scoring_page(page, live_server, case_audit)
    page.route(ANSWER_POSTS, lambda route: route.abort("connectionfailed"))
    d1 = page.locator("#q-D1")
    d1.get_by_label("Partly").click()
    expect(page.locator("#q-D1-status")).to_have_text("Not saved - try again")
    assert stored(case_audit, "D1") is None
    assert_accessible(page)

    page.unroute(ANSWER_POSTS)
    d1.get_by_role("button", name="Try again to save question D1").click()
    expect(page.locator("#q-D1-status")).to_have_text(re.compile(r"^Saved at"))
    expect(d1.get_by_role("button", name=re.compile("Try again"))).to_have_count(0)
    assert saved_state(case_audit, "D1") == ("partly", "")


def test_a_server_error_is_not_shown_as_saved(live_server, page, case_audit):
    open_scoring_page(page, live_server, case_audit)
    page.route(ANSWER_POSTS, lambda route: route.fulfill(status=500, body="Server Error"))
    page.locator("#q-D1").get_by_label("Yes").click()
    expect(page.locator("#q-D1-status")).to_have_text("Not saved - try again")
    assert stored(case_audit, "D1") is None


def test_a_grade_note_then_a_grade_clicked_at_once_are_both_saved(live_server, page, case_audit):
    open_scoring_page(page, live_server, case_audit)
    page.locator("#grade-note").click()
    good = page.locator("#grade").get_by_label("Good", exact=True).bounding_box()
    page.keyboard.type("Sound plan")
    page.mouse.click(good["x"] + good["width"] / 2, good["y"] + good["height"] / 2)
    expect(page.locator("#grade-status")).to_have_text(re.compile(r"^Saved at \d\d:\d\d$"))
    case_audit.refresh_from_db()
    assert (case_audit.grade, case_audit.grade_note) == ("good", "Sound plan")
    expect(page.locator("#case-status")).to_have_text("In progress")

    revision = page.locator("#grade input[name=revision]")
    after = str(int(revision.input_value()) + 1)
    page.locator("#grade").get_by_label("Inadequate").click()
    expect(revision).to_have_value(after)
    case_audit.refresh_from_db()
    assert (case_audit.grade, case_audit.grade_note) == ("inadequate", "Sound plan")


def test_submitting_while_a_save_is_slow_waits_for_it(live_server, page, case_audit):
    """The last answer is still on its way when the auditor clicks Submit: the page sends the case audit
    for moderation only once that answer is saved, so the submission is not refused for a missing answer."""
    answer_all(case_audit, case_audit.auditor, skip=("D1",), override_reason="The chronology is on paper")
    services.grade_save(case_audit=case_audit, user=case_audit.auditor, grade="good", revision=0)
    posts = open_scoring_page(page, live_server, case_audit)
    held = []

    def hold(route):
        held.append(route)

    page.route(ANSWER_POSTS, hold)
    page.locator("#q-D1").get_by_label("Yes").click()
    page.get_by_role("button", name="Submit case audit").click()
    time.sleep(0.5)
    assert page.url.endswith(f"/audits/case/{case_audit.uuid}/")  # still here, waiting for the save
    case_audit.refresh_from_db()
    assert case_audit.status == CaseAudit.Status.IN_PROGRESS

    page.unroute(ANSWER_POSTS, hold)
    held[0].fallback()
    page.wait_for_url(re.compile(r".*/audits/mine/$"))
    case_audit.refresh_from_db()
    assert (case_audit.status, stored_answer(case_audit, "D1").value, len(posts)) == (
        CaseAudit.Status.SUBMITTED,
        "yes",
        1,
    )


def test_a_gating_answer_changed_twice_shows_the_questions_of_the_last(live_server, page, case_audit):
    """D4 Yes brings D5 and D6 in, No takes them out again; notes being typed in D1 meanwhile stay."""
    open_scoring_page(page, live_server, case_audit)
    page.locator("#q-D1-evidence").fill("Still typing")
    d4 = page.locator("#q-D4")
    d4.get_by_label("Yes").click()
    d4.get_by_label("No", exact=True).click()
    expect(page.locator("#q-D4-status")).to_have_text(re.compile(r"^Saved at"))
    expect(page.locator("#q-D5")).to_have_count(0)
    assert saved_state(case_audit, "D4") == ("no", "")
    assert page.locator("#q-D1-evidence").input_value() == "Still typing"

    d4.get_by_label("Yes").click()
    expect(page.locator("#q-D6")).to_be_visible()
    page.locator("#q-D6").get_by_label("Partly").click()
    expect(page.locator("#q-D6-status")).to_have_text(re.compile(r"^Saved at"))
    assert (saved_state(case_audit, "D4"), saved_state(case_audit, "D6")) == (("yes", ""), ("partly", ""))
    assert saved_state(case_audit, "D1") == ("", "Still typing")


def test_a_save_after_the_session_ended_says_so_and_try_again_works_once_signed_in(
    live_server, page, case_audit
):
    """Sessions end after 30 idle minutes: the save is refused (the log-in page comes back), the page says
    to sign in again, and Try again then saves, with the new sign-in's CSRF token."""
    open_scoring_page(page, live_server, case_audit)
    page.locator("#q-D1-evidence").fill("Read the whole file first")
    Session.objects.all().delete()  # as when the idle timeout ends it: the cookies stay, the session is gone
    page.locator("#q-D1").get_by_label("Partly").click()
    expect(page.locator("#q-D1-status")).to_have_text(re.compile(r"^Not saved - you were signed out"))
    assert stored(case_audit, "D1") is None

    other_tab = page.context.new_page()
    log_in(other_tab, live_server, "auditor-browser")
    other_tab.close()
    page.locator("#q-D1").get_by_role("button", name="Try again to save question D1").click()
    expect(page.locator("#q-D1-status")).to_have_text(re.compile(r"^Saved at"))
    assert saved_state(case_audit, "D1") == ("partly", "Read the whole file first")


def test_progress_goes_up_without_a_reload_when_an_answer_is_saved(live_server, strict_page, case_audit):
    page = strict_page
    open_scoring_page(page, live_server, case_audit)
    progress = page.locator("#scoring-progress")
    asked = page.locator(".govuk-radios--inline").count()
    expect(progress).to_have_text(f"0 of {asked} answered")
    page.evaluate("window.notReloaded = true")
    page.locator("#q-D1").get_by_label("Yes").check()
    expect(progress).to_have_text(f"1 of {asked} answered")
    assert page.evaluate("window.notReloaded") is True
    # Autosave runs, so no Save button is shown (the test without JavaScript clicks them).
    expect(page.locator("#q-D1").get_by_role("button", name="Save")).to_be_hidden()
    expect(page.locator("#grade").get_by_role("button", name="Save")).to_be_hidden()
    assert page.csp_violations == []


def test_the_progress_counts_every_answer_when_two_saves_would_have_crossed(live_server, page, case_audit):
    """Each save's answer carries the progress as the server counted it. The first save's answer is held on
    its way back: the second save waits for it (sent beside it, it would answer first, and the first's
    older count, arriving last, would leave the page saying one answer fewer than is saved)."""
    posts = open_scoring_page(page, live_server, case_audit)
    progress = page.locator("#scoring-progress")
    asked = page.locator(".govuk-radios--inline").count()
    held: list[tuple] = []

    def hold_the_first(route):
        if held:
            route.fallback()
        else:
            held.append((route, route.fetch()))  # saved and counted by the server; not yet given to the page

    page.route(ANSWER_POSTS, hold_the_first)
    page.locator("#q-D2").get_by_label("Yes").check()
    expect(page.locator("#q-D2-status")).to_have_text("Saving...")
    page.locator("#q-D3").get_by_label("No", exact=True).check()
    expect(page.locator("#q-D3-status")).to_have_text("Saving...")
    time.sleep(0.5)
    assert len(posts) == 1  # the second waits for the first's answer

    route, response = held[0]
    route.fulfill(response=response)
    expect(page.locator("#q-D3-status")).to_have_text(re.compile(r"^Saved at"))
    expect(page.locator("#q-D2-status")).to_have_text(re.compile(r"^Saved at"))
    assert len(posts) == 2
    expect(progress).to_have_text(f"2 of {asked} answered")
    assert Answer.objects.filter(case_audit=case_audit).count() == 2


def test_an_error_summary_link_moves_the_focus_to_its_field(live_server, page, case_audit):
    open_scoring_page(page, live_server, case_audit)
    page.get_by_role("button", name="Submit case audit").click()
    page.get_by_text("This case audit cannot be submitted yet").wait_for()
    page.get_by_role("link", name=re.compile("Answer question D2")).click()
    expect(page.locator("#q-D2-value-yes")).to_be_focused()
