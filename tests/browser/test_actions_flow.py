"""From an audit finding to a signed-off action in the browser: a QA lead creates the plan, issue and action
from the audit's results; the owner posts an update with a file; a manager signs it off. axe-core on every
page."""

import datetime
import re

import pytest
import time_machine

from actions.models import Action, Evidence
from common import roles
from tests.actions.conftest import PDF_BYTES
from tests.audits.test_results import reference_cases, scored_case
from tests.browser_fixtures import fill_date, log_in
from tests.factories import AuditFactory, UserFactory, tool_version

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Username").wait_for()


def sign_in(page, live_server, username: str) -> None:
    log_in(page, live_server, username)
    page.get_by_role("button", name="Sign out").wait_for()  # signed in before the next page is opened


@time_machine.travel(datetime.datetime(2024, 6, 3, 9, 0, tzinfo=datetime.UTC), tick=True)
def test_a_finding_becomes_an_action_that_is_updated_and_signed_off(
    live_server, page, assert_accessible, tmp_path, settings
):
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "evidence")},
        },
    }
    UserFactory.create(username="lead-lee", roles=[roles.MANAGER])
    UserFactory.create(username="owner-olu", first_name="Olu", last_name="Owner", roles=[roles.AUDITOR])
    UserFactory.create(username="manager-mia", roles=[roles.MANAGER])
    audit = AuditFactory.create(title="Domestic abuse audit", tool_version=tool_version("Domestic abuse"))
    for answers in reference_cases():
        scored_case(audit, answers)
    evidence_file = tmp_path / "training-register.pdf"
    evidence_file.write_bytes(PDF_BYTES)

    # The QA lead turns the weak finding D8 (22%, 4 of 18) into an issue with an action.
    sign_in(page, live_server, "lead-lee")
    page.goto(f"{live_server.url}/audits/{audit.uuid}/results/")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"^Add to an action plan\W*D8$")).click()
    assert_accessible(page)
    fill_date(page, "Review date", "02/09/2024")
    page.get_by_role("button", name="Save the plan").click()

    assert page.get_by_role("heading", name="Add an issue identified").is_visible()
    assert page.get_by_label("D8", exact=False).first.is_checked()
    assert "22% (4 of 18)" in page.get_by_label("Issue identified").input_value()
    assert_accessible(page)
    page.get_by_role("button", name="Add the issue").click()

    assert page.get_by_role("heading", name="Add an action").is_visible()
    assert_accessible(page)
    page.get_by_label("Action to be taken").fill("Train staff on CIN plans with perpetrators")
    page.get_by_label("Owner").select_option(label="Olu Owner")
    page.get_by_label("Lead", exact=True).fill("Domestic violence co-ordinator")
    page.get_by_label("High").check()
    fill_date(page, "Due date", "28/06/2024")
    page.get_by_role("button", name="Save the action").click()

    assert page.get_by_text("0 of 1 action complete").is_visible()
    assert page.get_by_text("22% (4 of 18)").first.is_visible()
    assert_accessible(page)
    sign_out(page)

    # The owner posts an update with the evidence and asks for sign-off.
    sign_in(page, live_server, "owner-olu")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Actions").click()
    assert_accessible(page)
    page.get_by_role("link", name="Train staff on CIN plans with perpetrators").click()
    assert_accessible(page)
    page.get_by_label("What has been done").fill("All practitioners trained; register attached.")
    page.get_by_label("Evidence files (optional)").set_input_files(str(evidence_file))
    page.get_by_label("The action is complete: ask a manager to sign it off").check()
    page.get_by_role("button", name="Post the update").click()
    assert page.get_by_text("Update posted.").is_visible()
    assert page.get_by_role("link", name="training-register.pdf").is_visible()
    assert_accessible(page)
    sign_out(page)

    # A manager checks the evidence and signs the action off.
    sign_in(page, live_server, "manager-mia")
    action = Action.objects.get()
    page.goto(f"{live_server.url}/actions/{action.uuid}/")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="training-register.pdf").click()
    assert download.value.suggested_filename == "training-register.pdf"
    page.get_by_role("button", name="Sign off as complete").click()
    # A confirmation page says what signing off does; nothing is changed until its button is pressed.
    assert page.get_by_role("heading", level=1).inner_text() == "Sign off the action as complete"
    assert page.get_by_text("A signed-off action cannot be reopened.").is_visible()
    assert_accessible(page)
    assert Action.objects.get().status == Action.Status.AWAITING_SIGN_OFF
    page.get_by_role("button", name="Sign off", exact=True).click()
    assert page.get_by_text("Action signed off as complete.").is_visible()
    assert_accessible(page)

    action.refresh_from_db()
    assert action.status == Action.Status.COMPLETE
    assert action.signed_off_by is not None and action.signed_off_by.username == "manager-mia"
    assert Evidence.objects.get().uploaded_by.username == "owner-olu"
    page.goto(f"{live_server.url}/actions/{action.uuid}/history/")
    assert page.get_by_text("Signed off as complete").is_visible()
    assert_accessible(page)


@time_machine.travel(datetime.datetime(2024, 6, 3, 9, 0, tzinfo=datetime.UTC), tick=True)
def test_a_manager_reviews_plans_filters_by_rag_and_reads_the_overdue_view(
    live_server, page, assert_accessible, tmp_path, settings
):
    from demo.plan import demo_action_plan_load

    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "evidence")},
        },
    }
    lead = UserFactory.create(username="lead-lee", roles=[roles.MANAGER])
    owners = [
        UserFactory.create(username="owner-olu", roles=[roles.AUDITOR]),
        UserFactory.create(username="owner-max", roles=[roles.MODERATOR]),
    ]
    audit = AuditFactory.create(
        title="S47 audit", theme="S47", tool_version=tool_version("S47 and information sharing")
    )
    plan = demo_action_plan_load(audit=audit, lead=lead, owners=owners)
    assert plan is not None

    sign_in(page, live_server, "lead-lee")
    page.goto(f"{live_server.url}/actions/plans/")
    assert_accessible(page)
    page.get_by_role("link", name=plan.title).click()
    assert page.get_by_text("0 of 4 actions complete").is_visible()
    page.get_by_text("Filter the actions").click()
    page.get_by_label("RAG").select_option("red")
    page.get_by_role("button", name="Apply filters").click()
    assert page.get_by_text("Showing the actions that match the filters.").is_visible()
    assert page.get_by_role(
        "link", name="Standard letters of acknowledgement sent to all NHS hospitals"
    ).is_visible()
    assert page.get_by_role("link", name=re.compile("Chronology days")).count() == 0
    assert_accessible(page)
    page.get_by_role("link", name="History of changes").click()
    assert_accessible(page)
    page.goto(f"{live_server.url}/actions/overdue/")
    assert page.get_by_role("cell", name="10").is_visible()  # days overdue
    assert_accessible(page)
