"""The action plan pages: the path from an audit finding to a signed-off action, evidence, filters,
history, permissions, and the number of queries on the plan page."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actions import services
from actions.models import Action, ActionPlan, Evidence, PlanIssue
from common import roles
from common.models import AccessLogEntry
from tests.actions.conftest import PNG_BYTES, office_bytes, pdf_upload
from tests.actions.factories import ActionFactory, ActionPlanFactory, PlanIssueFactory
from tests.audits.test_results import reference_cases, scored_case
from tests.dates import date_parts
from tests.factories import AuditFactory, UserFactory, tool_version

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]
TODAY = datetime.date(2024, 6, 3)


@pytest.fixture
def action(owner):
    return ActionFactory.create(owner=owner, due_date=datetime.date(2024, 6, 10))


@pytest.fixture
def reference_audit():
    audit = AuditFactory.create(title="Domestic abuse audit", tool_version=tool_version("Domestic abuse"))
    for answers in reference_cases():
        scored_case(audit, answers)
    return audit


def post_update(client, action, **data):
    payload = {**date_parts("written_on", "03/06/2024"), "note": "Training delivered", **data}
    return client.post(reverse("actions-action-update", args=[action.uuid]), payload)


# From an audit finding to an action ---------------------------------------------------------------------


def test_the_results_page_offers_weak_findings_to_a_qa_lead(client, manager, reference_audit):
    """D8 is 4 of 18 (22%): weak. D10 is 18 of 18: not offered."""
    client.force_login(manager)
    page = client.get(reverse("audits-results", args=[reference_audit.uuid])).content.decode()
    assert f"?audit={reference_audit.uuid}&amp;question=D8" in page
    assert "question=D10" not in page


def test_the_results_page_offers_nothing_to_a_report_officer(client, report_officer, reference_audit):
    client.force_login(report_officer)
    page = client.get(reverse("audits-results", args=[reference_audit.uuid])).content.decode()
    assert "Add to an action plan" not in page


def test_a_lead_creates_a_plan_then_an_issue_with_the_figure_then_an_action(
    client, manager, owner, reference_audit
):
    client.force_login(manager)
    url = reverse("actions-plan-create") + f"?audit={reference_audit.uuid}&question=D4"
    response = client.post(
        url,
        {
            "title": "Domestic abuse plan",
            "lead": manager.username,
            **date_parts("review_date", "01/09/2024"),
            "theme": "",
        },
    )
    plan = ActionPlan.objects.get()
    assert plan.audit == reference_audit and plan.created_by == manager
    assert response.url == reverse("actions-issue-create", args=[plan.uuid]) + "?question=D4"

    page = client.get(response.url).content.decode()
    assert "56% (10 of 18)" in page  # D4's figure, shown beside the question and in the description
    response = client.post(
        reverse("actions-issue-create", args=[plan.uuid]),
        {"description": "Protection plans not in place", "questions": ["D4"], "metric": ""},
    )
    issue = PlanIssue.objects.get()
    assert str(issue.figure) == "56% (10 of 18)"
    assert response.url == reverse("actions-action-create", args=[issue.uuid])

    response = client.post(
        response.url,
        {
            "description": "Train staff on safety planning",
            "owner": owner.username,
            "lead": "Domestic violence co-ordinator",
            "priority": "high",
            **date_parts("due_date", "28/06/2024"),
        },
    )
    action = Action.objects.get()
    assert (action.owner, action.priority, action.due_date) == (owner, "high", datetime.date(2024, 6, 28))
    assert response.url == reverse("actions-plan-detail", args=[plan.uuid])


def test_a_second_finding_goes_to_the_audits_open_plan(client, manager, reference_audit):
    plan = ActionPlanFactory.create(audit=reference_audit)
    client.force_login(manager)
    response = client.get(reverse("actions-plan-create") + f"?audit={reference_audit.uuid}&question=D8")
    assert response.url == reverse("actions-issue-create", args=[plan.uuid]) + "?question=D8"


def test_an_action_form_with_errors_says_what_is_wrong(client, manager):
    issue = PlanIssueFactory.create()
    client.force_login(manager)
    response = client.post(
        reverse("actions-action-create", args=[issue.uuid]), {**date_parts("due_date", "31/02/2024")}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and "Enter the action to be taken" in page
    assert "Due date must be a real date" in page
    assert not Action.objects.exists()


# Progress, evidence and sign-off ------------------------------------------------------------------------


def test_the_owner_sees_the_action_in_my_actions(client, owner, action):
    client.force_login(owner)
    page = client.get(reverse("actions-mine")).content.decode()
    assert action.description in page
    assert "Amber" in page  # not started, due within 14 days


def test_the_owner_posts_an_update_with_a_file_and_asks_for_sign_off(client, owner, action):
    client.force_login(owner)
    response = post_update(client, action, files=[pdf_upload()], mark_complete="on")
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == Action.Status.AWAITING_SIGN_OFF
    assert Evidence.objects.get().original_name == "minutes.pdf"


def test_several_files_in_one_update(client, owner, action):
    client.force_login(owner)
    image = SimpleUploadedFile("photo.png", PNG_BYTES, content_type="image/png")
    sheet = SimpleUploadedFile("register.xlsx", office_bytes("xl/workbook.xml"))
    post_update(client, action, files=[pdf_upload(), image, sheet])
    assert sorted(Evidence.objects.values_list("content_type", flat=True)) == [
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "image/png",
    ]


def test_a_file_of_the_wrong_type_is_refused_with_a_form_error(client, owner, action):
    client.force_login(owner)
    script = SimpleUploadedFile("run.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = post_update(client, action, files=[script])
    assert response.status_code == 400
    assert "run.exe must be a PDF" in response.content.decode()
    assert not Evidence.objects.exists() and not action.updates.exists()


def test_a_renamed_file_is_refused(client, owner, action):
    client.force_login(owner)
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = post_update(client, action, files=[fake])
    assert response.status_code == 400
    assert "is not a real PDF file" in response.content.decode()


def test_a_file_too_large_is_refused(client, owner, action, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    client.force_login(owner)
    response = post_update(client, action, files=[pdf_upload(content=b"%PDF-1.4\n" + b"0" * 2000)])
    assert response.status_code == 400
    assert "must be smaller than" in response.content.decode()
    assert not Evidence.objects.exists()


def test_a_file_failing_the_virus_scan_is_refused(client, owner, action, settings):
    settings.EVIDENCE_SCAN_HOOK = "tests.actions.test_views.scan_says_infected"
    client.force_login(owner)
    response = post_update(client, action, files=[pdf_upload()])
    assert response.status_code == 400
    assert "did not pass the virus check" in response.content.decode()


def test_a_file_passing_the_virus_scan_is_marked_clean(client, owner, action, settings):
    settings.EVIDENCE_SCAN_HOOK = "tests.actions.test_views.scan_says_clean"
    client.force_login(owner)
    post_update(client, action, files=[pdf_upload()])
    assert Evidence.objects.get().scan == Evidence.Scan.CLEAN


def scan_says_infected(file) -> bool:
    return False


def scan_says_clean(file) -> bool:
    return file.read(5) == b"%PDF-"


def test_someone_who_may_see_but_not_update_gets_403(client, report_officer, action):
    client.force_login(report_officer)
    assert post_update(client, action).status_code == 403


def test_a_manager_signs_off(client, owner, action, manager):
    client.force_login(owner)
    post_update(client, action, files=[pdf_upload()], mark_complete="on")
    client.force_login(manager)
    page = client.get(reverse("actions-action-detail", args=[action.uuid])).content.decode()
    assert "Sign off as complete" in page
    response = client.post(reverse("actions-action-sign-off", args=[action.uuid]))
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == Action.Status.COMPLETE and action.signed_off_by == manager


def test_sign_off_asks_for_confirmation_on_get_and_changes_nothing(client, owner, action, manager):
    client.force_login(owner)
    post_update(client, action, files=[pdf_upload()], mark_complete="on")
    client.force_login(manager)
    detail = client.get(reverse("actions-action-detail", args=[action.uuid])).content.decode()
    url = reverse("actions-action-sign-off", args=[action.uuid])
    assert f'<a href="{url}" role="button"' in detail
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "records you as the manager who checked the evidence" in page
    assert ">Sign off</button>" in page and "Go back</a>" in page
    action.refresh_from_db()
    assert action.status == Action.Status.AWAITING_SIGN_OFF


def test_sign_off_confirmation_is_refused_with_the_reason_to_the_owner(client, manager):
    action = ActionFactory.create(owner=manager)
    client.force_login(manager)
    post_update(client, action, files=[pdf_upload()], mark_complete="on")
    response = client.get(reverse("actions-action-sign-off", args=[action.uuid]))
    assert (
        response.status_code == 400 and "another manager must check the evidence" in response.content.decode()
    )


def test_cancel_asks_for_the_reason_on_a_confirmation_page(client, action, manager):
    client.force_login(manager)
    url = reverse("actions-action-cancel", args=[action.uuid])
    assert (
        f'<a href="{url}" role="button"'
        in client.get(reverse("actions-action-detail", args=[action.uuid])).content.decode()
    )
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "closes it without completing it" in page and 'name="cancel-reason"' in page
    assert "Cancel action" in page and "Go back</a>" in page
    action.refresh_from_db()
    assert action.status != Action.Status.CANCELLED


def test_sign_off_is_refused_to_a_moderator(client, owner, action, moderator, manager):
    client.force_login(owner)
    post_update(client, action, files=[pdf_upload()], mark_complete="on")
    client.force_login(moderator)
    assert client.post(reverse("actions-action-sign-off", args=[action.uuid])).status_code == 403
    assert client.get(reverse("actions-action-sign-off", args=[action.uuid])).status_code == 403
    action.refresh_from_db()
    assert action.status == Action.Status.AWAITING_SIGN_OFF


def test_a_manager_who_owns_the_action_is_told_why_they_cannot_sign_it_off(client, manager):
    action = ActionFactory.create(owner=manager)
    client.force_login(manager)
    post_update(client, action, files=[pdf_upload()], mark_complete="on")
    page = client.get(reverse("actions-action-detail", args=[action.uuid])).content.decode()
    assert "another manager must check the evidence" in page
    assert "Sign off as complete" not in page
    response = client.post(reverse("actions-action-sign-off", args=[action.uuid]))
    assert response.status_code == 400
    action.refresh_from_db()
    assert action.status == Action.Status.AWAITING_SIGN_OFF


def test_a_manager_who_marked_the_action_complete_is_not_offered_the_sign_off(client, owner, action, manager):
    client.force_login(owner)
    post_update(client, action, files=[pdf_upload()])
    client.force_login(manager)
    post_update(client, action, mark_complete="on")
    page = client.get(reverse("actions-action-detail", args=[action.uuid])).content.decode()
    assert "You marked this action complete: another manager must check the evidence" in page
    assert "Sign off as complete" not in page and "Send back to the owner" not in page
    response = client.post(reverse("actions-action-sign-off", args=[action.uuid]))
    assert response.status_code == 400
    assert "You marked this action complete" in response.content.decode()
    action.refresh_from_db()
    assert action.status == Action.Status.AWAITING_SIGN_OFF and action.signed_off_by is None


def test_a_manager_who_added_evidence_is_not_offered_the_sign_off(client, owner, action, manager):
    client.force_login(manager)
    post_update(client, action, files=[pdf_upload()])
    client.force_login(owner)
    post_update(client, action, mark_complete="on")
    client.force_login(manager)
    page = client.get(reverse("actions-action-detail", args=[action.uuid])).content.decode()
    assert "You added evidence to this action: another manager must check the evidence" in page
    assert "Sign off as complete" not in page
    assert client.post(reverse("actions-action-sign-off", args=[action.uuid])).status_code == 400
    url = reverse("actions-action-refuse", args=[action.uuid])
    assert client.post(url, {"refuse-reason": "Not yet"}).status_code == 400
    action.refresh_from_db()
    assert action.status == Action.Status.AWAITING_SIGN_OFF


def test_another_manager_is_offered_the_sign_off_of_what_a_manager_marked_complete(
    client, owner, action, manager, administrator
):
    client.force_login(manager)
    post_update(client, action, files=[pdf_upload()], mark_complete="on")
    client.force_login(administrator)
    page = client.get(reverse("actions-action-detail", args=[action.uuid])).content.decode()
    assert "Sign off as complete" in page
    assert client.post(reverse("actions-action-sign-off", args=[action.uuid])).status_code == 302
    action.refresh_from_db()
    assert action.signed_off_by == administrator


def edit_payload(action, owner) -> dict:
    return {
        "description": action.description,
        "owner": owner.username,
        "lead": action.lead,
        "priority": action.priority,
        **date_parts("due_date", action.due_date),
    }


def test_the_owner_cannot_be_changed_on_the_edit_page_while_awaiting_sign_off(client, owner, action, manager):
    client.force_login(owner)
    post_update(client, action, files=[pdf_upload()], mark_complete="on")
    client.force_login(manager)
    url = reverse("actions-action-edit", args=[action.uuid])
    page = client.get(url).content.decode()
    assert "The owner cannot be changed while the action awaits sign-off" in page
    assert re.search(r'<select name="owner"[^>]*\bdisabled\b', page)
    other = UserFactory.create(username="other-owner", roles=[roles.AUDITOR])
    payload = {**edit_payload(action, other), "lead": "Head of service"}
    assert client.post(url, payload).status_code == 302
    action.refresh_from_db()
    assert action.owner == owner and action.lead == "Head of service"


def test_the_owner_of_an_action_in_progress_is_changed_on_the_edit_page(client, owner, action, manager):
    other = UserFactory.create(username="other-owner", roles=[roles.AUDITOR])
    client.force_login(manager)
    response = client.post(reverse("actions-action-edit", args=[action.uuid]), edit_payload(action, other))
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.owner == other


def test_a_manager_sends_an_action_back_with_a_reason(client, owner, action, manager):
    client.force_login(owner)
    post_update(client, action, files=[pdf_upload()], mark_complete="on")
    client.force_login(manager)
    url = reverse("actions-action-refuse", args=[action.uuid])
    assert client.post(url, {"refuse-reason": ""}).status_code == 400
    client.post(url, {"refuse-reason": "Attach the signed register"})
    action.refresh_from_db()
    assert action.status == Action.Status.IN_PROGRESS


def test_cancel_needs_a_reason_on_the_page(client, action, manager):
    client.force_login(manager)
    url = reverse("actions-action-cancel", args=[action.uuid])
    response = client.post(url, {"cancel-reason": ""})
    assert response.status_code == 400 and "Enter the reason" in response.content.decode()
    client.post(url, {"cancel-reason": "Superseded"})
    action.refresh_from_db()
    assert action.status == Action.Status.CANCELLED and action.cancelled_reason == "Superseded"


def test_an_owner_cannot_cancel(client, owner, action):
    client.force_login(owner)
    assert (
        client.post(reverse("actions-action-cancel", args=[action.uuid]), {"cancel-reason": "x"}).status_code
        == 403
    )
    assert client.get(reverse("actions-action-cancel", args=[action.uuid])).status_code == 403
    action.refresh_from_db()
    assert action.status != Action.Status.CANCELLED


# Evidence downloads -------------------------------------------------------------------------------------


@pytest.fixture
def evidence(client, owner, action):
    client.force_login(owner)
    post_update(client, action, files=[pdf_upload()])
    client.logout()
    return Evidence.objects.get()


@pytest.mark.parametrize("persona", ["owner", "manager", "report_officer"], indirect=True)
def test_permitted_users_download_evidence_as_an_attachment(client, evidence, persona):
    client.force_login(persona)
    response = client.get(reverse("actions-evidence-download", args=[evidence.uuid]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="minutes.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    entry = AccessLogEntry.objects.get(object_type="action evidence")
    assert entry.user == persona and entry.object_ref == str(evidence.uuid)


@pytest.mark.parametrize("persona", ["auditor", "partner_auditor", "panel_member", "outsider"], indirect=True)
def test_unpermitted_users_get_403_for_evidence(client, evidence, persona):
    client.force_login(persona)
    response = client.get(reverse("actions-evidence-download", args=[evidence.uuid]))
    assert response.status_code == 403
    assert not AccessLogEntry.objects.filter(object_type="action evidence").exists()


# Who sees what ------------------------------------------------------------------------------------------


def test_an_auditor_sees_the_plan_their_action_is_in_but_not_others(client, owner, action):
    other = ActionPlanFactory.create()
    client.force_login(owner)
    assert client.get(reverse("actions-plan-detail", args=[action.issue.plan.uuid])).status_code == 200
    assert client.get(reverse("actions-plan-detail", args=[other.uuid])).status_code == 404
    page = client.get(reverse("actions-plan-list")).content.decode()
    assert action.issue.plan.title in page and other.title not in page


def test_the_plan_links_to_the_audit_results_only_for_those_who_may_open_them(client, owner, action, manager):
    plan = action.issue.plan
    results_url = reverse("audits-results", args=[plan.audit.uuid])
    client.force_login(owner)  # an auditor owning an action: the plan, but not the audit's results
    page = client.get(reverse("actions-plan-detail", args=[plan.uuid])).content.decode()
    assert plan.audit.title in page and results_url not in page
    assert client.get(results_url).status_code == 403
    client.force_login(manager)
    page = client.get(reverse("actions-plan-detail", args=[plan.uuid])).content.decode()
    assert f'href="{results_url}"' in page


def test_a_partner_auditor_sees_their_own_action_but_not_the_plan(client, partner_auditor):
    action = ActionFactory.create(owner=partner_auditor)
    neighbour = ActionFactory.create(issue=action.issue)
    client.force_login(partner_auditor)
    assert client.get(reverse("actions-action-detail", args=[action.uuid])).status_code == 200
    assert client.get(reverse("actions-action-detail", args=[neighbour.uuid])).status_code == 404
    assert client.get(reverse("actions-plan-detail", args=[action.issue.plan.uuid])).status_code == 404


def test_an_auditor_cannot_open_the_plan_form(client, auditor):
    client.force_login(auditor)
    assert client.get(reverse("actions-plan-create")).status_code == 403


# The plan page ------------------------------------------------------------------------------------------


@pytest.fixture
def busy_plan(owner):
    plan = ActionPlanFactory.create(title="Busy plan")
    for n in range(3):
        issue = PlanIssueFactory.create(plan=plan, figure_numerator=7, figure_denominator=17)
        ActionFactory.create(issue=issue, owner=owner, due_date=datetime.date(2024, 5, 1 + n))  # red
        ActionFactory.create(issue=issue, due_date=datetime.date(2024, 6, 10))  # amber
        ActionFactory.create(issue=issue, due_date=datetime.date(2024, 9, 1), status="in_progress")  # green
    return plan


def test_the_plan_page_shows_progress_and_rag(client, manager, busy_plan):
    Action.objects.filter(due_date=datetime.date(2024, 9, 1)).update(
        status="complete",
        signed_off_by=manager,
        signed_off_at=datetime.datetime(2024, 6, 1, tzinfo=datetime.UTC),
    )
    client.force_login(manager)
    page = client.get(reverse("actions-plan-detail", args=[busy_plan.uuid])).content.decode()
    assert "3 of 9 actions complete" in page
    assert '<progress id="plan-progress" max="9" value="3">' in page
    assert "41% (7 of 17)" in page


def test_the_plan_page_filters_by_rag_and_owner(client, manager, owner, busy_plan):
    client.force_login(manager)
    url = reverse("actions-plan-detail", args=[busy_plan.uuid])
    red = client.get(url, {"rag": "red"}).context["issues"]
    assert [a.due_date.month for _issue, _e in red for a in _issue.shown_actions] == [5, 5, 5]
    mine = client.get(url, {"owner": owner.username}).context["issues"]
    assert {a.owner for issue, _e in mine for a in issue.shown_actions} == {owner}
    due = client.get(url, {"due_from": "01/06/2024", "due_to": "30/06/2024"}).context["issues"]
    assert {a.due_date for issue, _e in due for a in issue.shown_actions} == {datetime.date(2024, 6, 10)}


def test_the_apply_button_alone_is_not_a_filter(client, manager, busy_plan):
    client.force_login(manager)
    url = reverse("actions-plan-detail", args=[busy_plan.uuid])
    response = client.get(url, {"filter": "Apply filters"})
    assert not response.context["filtered"]
    assert client.get(url, {"filter": "Apply filters", "status": "in_progress"}).context["filtered"]


def test_the_plan_page_costs_a_fixed_number_of_queries(
    client, manager, busy_plan, django_assert_max_num_queries
):
    client.force_login(manager)
    url = reverse("actions-plan-detail", args=[busy_plan.uuid])
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200
    for n in range(5):
        ActionFactory.create(
            issue=PlanIssueFactory.create(plan=busy_plan), due_date=datetime.date(2024, 7, 1 + n)
        )
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200


def test_the_overdue_view_lists_overdue_actions_across_plans(client, manager, busy_plan):
    elsewhere = ActionFactory.create(due_date=datetime.date(2024, 6, 2), description="Late elsewhere")
    ActionFactory.create(due_date=datetime.date(2024, 6, 3), description="Due today")
    client.force_login(manager)
    page = client.get(reverse("actions-overdue")).content.decode()
    assert page.count("govuk-table__row") == 1 + 4  # header and 3 red + 1 elsewhere
    assert elsewhere.description in page and "Due today" not in page


# History ------------------------------------------------------------------------------------------------


def test_the_action_history_shows_who_when_before_and_after(client, manager, owner, action):
    client.force_login(manager)
    client.post(
        reverse("actions-action-edit", args=[action.uuid]),
        {
            "description": action.description,
            "owner": owner.username,
            "lead": "Head of service",
            "priority": "high",
            **date_parts("due_date", "12/07/2024"),
        },
    )
    entries = client.get(reverse("actions-action-history", args=[action.uuid])).context["entries"]
    latest = entries[0]
    assert latest.who == manager.username and latest.reason == "Action edited"
    changes = {c.field: (c.before, c.after) for c in latest.changes}
    assert changes["Due date"] == ("10/06/2024", "12/07/2024")
    assert changes["Lead"] == ("Domestic violence co-ordinator", "Head of service")
    assert changes["Priority"] == ("Medium", "High")


def test_the_plan_history_includes_its_actions(client, manager, owner, action):
    client.force_login(owner)
    post_update(client, action)
    client.force_login(manager)
    entries = client.get(reverse("actions-plan-history", args=[action.issue.plan.uuid])).context["entries"]
    started = [e for e in entries if e.what == "Action changed"]
    assert started[0].who == owner.username
    assert [(c.field, c.before, c.after) for c in started[0].changes] == [
        ("Status", "Not started", "In progress")
    ]


def test_the_history_shows_a_sign_off_in_london_time(client, manager, owner, action):
    """Signed off at 09:00 UTC on 3 June 2024 = 10:00 British Summer Time."""
    client.force_login(owner)
    post_update(client, action, files=[pdf_upload()], mark_complete="on")
    client.force_login(manager)
    client.post(reverse("actions-action-sign-off", args=[action.uuid]))
    latest = client.get(reverse("actions-action-history", args=[action.uuid])).context["entries"][0]
    changes = {c.field: (c.before, c.after) for c in latest.changes}
    assert changes["Signed off at"] == ("-", "03/06/2024 10:00")
    assert changes["Signed off by"] == ("-", manager.username)
    assert changes["Status"] == ("Complete, awaiting sign-off", "Complete")


def test_a_lead_rewords_an_issue_and_the_figure_at_the_time_stays(client, manager, auditor):
    issue = PlanIssueFactory.create(description="Old words", figure_numerator=7, figure_denominator=17)
    url = reverse("actions-issue-edit", args=[issue.uuid])
    client.force_login(auditor)
    assert client.post(url, {"description": "Hijack"}).status_code == 403
    client.force_login(manager)
    assert client.post(url, {"description": ""}).status_code == 200  # the form again, with the error
    response = client.post(url, {"description": "Consent decision not recorded on file"})
    assert response.url == reverse("actions-plan-detail", args=[issue.plan.uuid])
    issue.refresh_from_db()
    assert issue.description == "Consent decision not recorded on file"
    assert str(issue.figure) == "41% (7 of 17)"
    record = issue.history.first()
    assert record.history_user == manager and record.history_change_reason == "Issue reworded"


def test_a_closed_plan_offers_no_add_links_and_refuses_closing_with_open_actions(client, manager, action):
    plan = action.issue.plan
    client.force_login(manager)
    data = {
        "title": plan.title,
        "lead": manager.username,
        **date_parts("review_date", "01/09/2024"),
        "theme": "",
        "status": "closed",
    }
    response = client.post(reverse("actions-plan-edit", args=[plan.uuid]), data)
    assert response.status_code == 200 and "1 still open" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.OPEN
    services.action_cancel(action=action, user=manager, reason="Merged")
    response = client.post(reverse("actions-plan-edit", args=[plan.uuid]), data)
    assert response.status_code == 302
    page = client.get(reverse("actions-plan-detail", args=[plan.uuid])).content.decode()
    assert "This plan is closed" in page
    assert reverse("actions-issue-create", args=[plan.uuid]) not in page
    assert reverse("actions-action-create", args=[action.issue.uuid]) not in page


def test_a_learning_theme_raised_from_the_results_page_prefills_the_issue(client, manager, reference_audit):
    plan = ActionPlanFactory.create(audit=reference_audit)
    client.force_login(manager)
    url = (
        reverse("actions-plan-create")
        + f"?audit={reference_audit.uuid}&learning_theme=Voice%20of%20the%20child"
    )
    response = client.get(url)
    issue_url = reverse("actions-issue-create", args=[plan.uuid]) + "?learning_theme=Voice+of+the+child"
    assert response.url == issue_url
    page = client.get(issue_url).content.decode()
    assert "Learning theme across the audit&#x27;s findings: Voice of the child" in page
