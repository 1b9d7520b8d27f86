"""Each role's main journey, from the sign-in page to its end, measured: the number of interactions it takes
(clicks, checks, key presses, choices and fills) is held to a stated limit, axe-core finds no WCAG 2.2 AA
violation on any page the journey reaches, and the end state is read back from the database.

What is counted: every interaction from the first page after signing in. Signing in (typing the username
and password, and the Sign in button) is not counted: it is the same for every role, and not part of the
journey. Each journey goes to the sign-in page and starts from the home page it lands on."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Frame, Locator, Page, expect

from actions.models import Action
from audits.models import Answer, CaseAudit
from cases.models import ImportBatch
from common import roles
from reporting import services as report_services
from reporting.models import PanelReport, ReportVersion
from tests.actions.factories import ActionFactory
from tests.actions.test_services import awaiting
from tests.audits.test_services_moderation import submitted
from tests.factories import (
    CaseAuditFactory,
    ChildFactory,
    S47EnquiryFactory,
    UserFactory,
    rating_tool_version,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct-horse-battery"  # tests/factories.py


class Journey:
    """A user's interactions, counted, and every page they reach checked by axe-core.

    Each method is one interaction. `reached` is called on each page the journey arrives at; `finished`
    checks the count against its limit and that no page the browser showed went unchecked."""

    def __init__(self, page: Page, live_server, assert_accessible) -> None:
        self.page = page
        self.url = live_server.url
        self.count = 0
        self._axe = assert_accessible
        self.checked: set[str] = set()
        self.shown: list[str] = []
        page.on("framenavigated", self._shown)

    def _shown(self, frame: Frame) -> None:
        if frame == self.page.main_frame:
            self.shown.append(frame.url)

    def sign_in(self, username: str) -> None:
        """Not counted (see the module's docstring)."""
        self.page.goto(f"{self.url}/login/")
        self.reached("Sign in")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(PASSWORD)
        with self.page.expect_navigation():
            self.page.get_by_role("button", name="Sign in").click()
        self.reached("Your work")

    def click(self, locator: Locator) -> None:
        self.count += 1
        locator.click()

    def check(self, locator: Locator) -> None:
        self.count += 1
        locator.check()

    def press(self, locator: Locator, key: str) -> None:
        self.count += 1
        locator.press(key)

    def select(self, locator: Locator, value: str) -> None:
        self.count += 1
        locator.select_option(value)

    def fill(self, locator: Locator, text: str) -> None:
        self.count += 1
        locator.fill(text)

    def reached(self, heading: str | re.Pattern[str]) -> None:
        """The page with this main heading is shown: axe-core checks it."""
        expect(self.page.get_by_role("heading", level=1)).to_have_text(heading)
        self._axe(self.page)
        self.checked.add(_path(self.page.url))

    def finished(self, limit: int) -> None:
        assert self.count <= limit, f"{self.count} interactions, more than {limit}"
        unchecked = {_path(url) for url in self.shown} - self.checked
        assert not unchecked, f"pages not checked by axe-core: {unchecked}"


def _path(url: str) -> str:
    return url.split("#")[0]


def task(page: Page, title: str) -> Locator:
    """A task's card on the home page, by its title (the count follows it)."""
    return page.locator(
        ".app-home-task", has=page.get_by_role("heading", name=re.compile(f"^{re.escape(title)}"))
    )


@pytest.fixture
def journey(page: Page, live_server, assert_accessible) -> Journey:
    return Journey(page, live_server, assert_accessible)


def test_an_auditor_scores_a_ten_question_case_and_submits_it(journey: Journey):
    """From the home page to submitted: one click opens the case, then 10 answers, the grade and Submit (the
    answers and the grade save themselves as they are chosen; Submit asks no confirmation) - 12 on the
    scoring page, 13 in all."""
    auditor = UserFactory.create(username="auditor-journey", roles=[roles.AUDITOR])
    enquiry = S47EnquiryFactory.create(child__child_id="C-JOURNEY")
    case_audit = CaseAuditFactory.create(
        audit__title="Ten-question audit", audit__tool_version=rating_tool_version(10), auditor=auditor,
        child=enquiry.child, record_id=enquiry.pk, due_date=timezone.localdate() + datetime.timedelta(days=7),
    )  # fmt: skip
    page = journey.page
    labels = {"yes": "Yes", "partly": "Partly", "no": "No", "na": "Not applicable"}
    chosen = {f"Q{n}": list(labels)[n % 4] for n in range(1, 11)}

    journey.sign_in("auditor-journey")
    journey.click(task(page, "Case audits to score").get_by_role("link", name=re.compile(r"^Case C-JOURNEY")))
    journey.reached("Case C-JOURNEY")
    opened = journey.count
    for code, value in chosen.items():
        journey.check(page.locator(f"#q-{code}").get_by_label(labels[value], exact=True))
    expect(page.locator("#scoring-progress")).to_have_text("10 of 10 answered", timeout=15_000)
    journey.check(page.locator("#grade").get_by_label("Good", exact=True))
    # Submit waits for any save still on its way, then sends the case audit for moderation.
    journey.click(page.get_by_role("button", name="Submit case audit"))
    page.wait_for_url(re.compile(r".*/audits/mine/$"))
    journey.reached("My audits")
    expect(page.get_by_text("Case audit of child C-JOURNEY submitted for moderation.")).to_be_visible()

    assert journey.count - opened <= 12  # on the scoring page: 10 answers, the grade and Submit
    journey.finished(limit=13)
    case_audit.refresh_from_db()
    assert (case_audit.status, case_audit.grade) == (CaseAudit.Status.SUBMITTED, "good")
    answers = dict(Answer.objects.filter(case_audit=case_audit).values_list("question__code", "value"))
    assert answers == chosen


def test_a_manager_signs_off_an_action_from_the_home_page(journey: Journey, settings, tmp_path):
    """Home page (actions awaiting your sign-off) -> the action -> Sign off as complete -> the confirmation's
    Sign off: 3 clicks, within the limit of 5."""
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "evidence")},
        },
    }
    UserFactory.create(username="manager-journey", roles=[roles.MANAGER])
    owner = UserFactory.create(username="owner-journey", roles=[roles.AUDITOR])
    action = awaiting(ActionFactory.create(owner=owner, description="Train staff on chronologies"), owner)
    page = journey.page

    journey.sign_in("manager-journey")
    journey.click(
        task(page, "Actions awaiting your sign-off").get_by_role("link", name="Train staff on chronologies")
    )
    journey.reached("Action")
    journey.click(page.get_by_role("button", name="Sign off as complete"))
    journey.reached("Sign off the action as complete")
    journey.click(page.get_by_role("button", name="Sign off", exact=True))
    expect(page.get_by_text("Action signed off as complete.")).to_be_visible()
    journey.reached("Action")

    journey.finished(limit=5)
    action.refresh_from_db()
    assert action.status == Action.Status.COMPLETE
    assert action.signed_off_by is not None and action.signed_off_by.username == "manager-journey"


def test_a_moderator_accepts_a_submitted_case_from_the_home_page(journey: Journey):
    """Home page (cases awaiting moderation) -> the case -> Mark as moderated: 2 clicks."""
    auditor = UserFactory.create(username="auditor-moderated", roles=[roles.AUDITOR])
    UserFactory.create(username="moderator-journey", roles=[roles.MODERATOR])
    case_audit = submitted(auditor, child=ChildFactory.create(child_id="C-ACCEPT"))
    page = journey.page

    journey.sign_in("moderator-journey")
    journey.click(
        task(page, "Cases awaiting moderation").get_by_role("link", name=re.compile(r"^Case C-ACCEPT"))
    )
    journey.reached("Moderate case C-ACCEPT")
    journey.click(page.get_by_role("button", name="Mark as moderated"))
    journey.reached("Moderation")
    expect(page.get_by_text("Case audit of child C-ACCEPT is moderated.")).to_be_visible()

    journey.finished(limit=2)
    case_audit.refresh_from_db()
    assert case_audit.status == CaseAudit.Status.MODERATED


def done_version(officer, title: str) -> ReportVersion:
    report = report_services.panel_report_create(
        user=officer, report_type="quality_assurance", title=title, meeting_name="Scrutiny Panel",
        meeting_date=datetime.date(2014, 3, 6), authorised_by="Director of Children's Services",
        period_start=datetime.date(2014, 1, 1), period_end=datetime.date(2014, 2, 28),
    )  # fmt: skip
    version = report_services.report_version_request(report=report, user=officer)
    report_services.report_version_render(version_id=version.pk)
    version.refresh_from_db()
    assert version.status == ReportVersion.Status.DONE
    return version


def test_a_report_officer_issues_a_version_from_the_home_page(journey: Journey, settings, tmp_path):
    """Home page (versions ready to issue) -> the version, to check -> Issue to panel -> the confirmation's
    Issue to panel: 3 clicks."""
    settings.REPORTS_ROOT = tmp_path / "reports"
    officer = UserFactory.create(username="officer-journey", roles=[roles.REPORT_OFFICER])
    version = done_version(officer, "QA report for March")
    page = journey.page

    journey.sign_in("officer-journey")
    ready = task(page, "Versions ready to issue to the panel")
    journey.click(ready.get_by_role("link", name=re.compile(r"^QA report for March, version 1")))
    journey.reached("Version 1")
    journey.click(page.get_by_role("button", name=re.compile(r"^Issue to panel")))
    journey.reached("Issue version 1 to the panel")
    journey.click(page.get_by_role("button", name="Issue to panel"))
    expect(page.get_by_text("Version 1 issued: panel members can now read it.")).to_be_visible()
    journey.reached("QA report for March")

    journey.finished(limit=3)
    version.refresh_from_db()
    assert version.issued_at is not None and version.issued_by == officer
    assert version.report.status == PanelReport.Status.ISSUED


def test_a_panel_member_opens_an_issued_report_from_the_home_page(journey: Journey, settings, tmp_path):
    """Home page (reports issued to the panel) -> the version, with its download: 1 click."""
    settings.REPORTS_ROOT = tmp_path / "reports"
    officer = UserFactory.create(username="officer-issued", roles=[roles.REPORT_OFFICER])
    UserFactory.create(username="panel-journey", roles=[roles.PANEL_MEMBER])
    version = done_version(officer, "QA report as issued")
    report_services.report_version_issue(version=version, user=officer)
    page = journey.page

    journey.sign_in("panel-journey")
    issued = task(page, "Reports issued to the panel")
    journey.click(issued.get_by_role("link", name=re.compile(r"^QA report as issued, version 1")))
    journey.reached("Version 1")
    expect(page.get_by_role("link", name=re.compile(r"^Download the PDF"))).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Issue to panel"))).to_have_count(0)

    journey.finished(limit=1)
    assert page.url.endswith(f"/reports/versions/{version.uuid}/")
    version.refresh_from_db()
    assert version.issued_at is not None  # reading it changed nothing


def test_an_administrator_sees_a_failed_import_on_the_home_page(journey: Journey):
    """Signing in lands on the home page, which lists the refused import: no interaction at all."""
    administrator = UserFactory.create(username="admin-journey", roles=[roles.ADMINISTRATOR])
    batch = ImportBatch.objects.create(
        file_name="s47-extract-march.csv", file_format="s47_csv", sha256="0" * 64,
        status=ImportBatch.Status.REJECTED, rows=40, error_count=3, imported_by=administrator,
    )  # fmt: skip
    page = journey.page

    journey.sign_in("admin-journey")
    card = task(page, "Imports refused")
    expect(card.get_by_role("link", name=re.compile(r"^s47-extract-march\.csv"))).to_be_visible()
    expect(card.get_by_text("3 errors")).to_be_visible()

    journey.finished(limit=0)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.REJECTED
