"""The action plan API: the same permissions as the pages, writes through the same services."""

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from actions.models import Action, Evidence
from common import roles
from common.models import AccessLogEntry
from tests.actions.conftest import pdf_upload
from tests.actions.factories import ActionFactory, ActionPlanFactory, PlanIssueFactory
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def action(owner):
    return ActionFactory.create(owner=owner, due_date=datetime.date(2024, 6, 1))


def test_a_manager_lists_every_plan_and_the_read_is_logged(api, manager, action):
    other = ActionPlanFactory.create()
    api.force_authenticate(manager)
    response = api.get(reverse("api-action-plan-list"))
    assert response.status_code == 200
    assert {p["uuid"] for p in response.json()["results"]} == {str(action.issue.plan.uuid), str(other.uuid)}
    assert AccessLogEntry.objects.filter(object_type="action plans", action="list").exists()


def test_an_owner_sees_only_the_plans_of_their_actions(api, owner, action):
    ActionPlanFactory.create()
    api.force_authenticate(owner)
    plans = api.get(reverse("api-action-plan-list")).json()["results"]
    assert [p["uuid"] for p in plans] == [str(action.issue.plan.uuid)]


@pytest.mark.parametrize("persona", ["panel_member", "outsider"], indirect=True)
def test_panel_members_and_people_without_a_role_are_refused(api, persona, action):
    api.force_authenticate(persona)
    for name in (
        "api-action-plan-list",
        "api-plan-issue-list",
        "api-action-list",
        "api-progress-update-list",
    ):
        assert api.get(reverse(name)).status_code == 403


def test_an_action_shows_its_rag_today(api, manager, action):
    api.force_authenticate(manager)
    data = api.get(reverse("api-action-detail", args=[action.uuid])).json()
    assert data["rag"] == "red" and data["owner"] == "owner-olu" and data["status"] == "not_started"


def test_an_issue_shows_the_figure_at_the_time(api, manager):
    issue = PlanIssueFactory.create(
        figure_label="Consent decision recorded", figure_numerator=7, figure_denominator=17
    )
    api.force_authenticate(manager)
    data = api.get(reverse("api-plan-issue-detail", args=[issue.uuid])).json()
    assert data["figure"] == "41% (7 of 17)" and data["figure_percent"] == 41


def test_a_qa_lead_adds_an_action(api, manager, owner):
    issue = PlanIssueFactory.create()
    api.force_authenticate(manager)
    response = api.post(
        reverse("api-action-list"),
        {
            "issue": str(issue.uuid),
            "description": "Train staff",
            "owner": owner.username,
            "lead": "Co-ordinator",
            "due_date": "2024-07-01",
            "status": "complete",  # read-only: ignored
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    action = Action.objects.get()
    assert action.status == Action.Status.NOT_STARTED and action.created_by == manager
    assert action.history.get().history_user == manager


def test_an_owner_cannot_add_an_action(api, owner, action):
    api.force_authenticate(owner)
    response = api.post(
        reverse("api-action-list"),
        {"issue": str(action.issue.uuid), "description": "x", "owner": owner.username, "lead": "y",
         "due_date": "2024-07-01"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 403


def test_the_owner_posts_an_update_with_evidence(api, owner, action):
    api.force_authenticate(owner)
    response = api.post(
        reverse("api-progress-update-list"),
        {
            "action": str(action.uuid),
            "written_on": "2024-06-03",
            "note": "Done",
            "mark_complete": "true",
            "files": [pdf_upload()],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    action.refresh_from_db()
    assert action.status == Action.Status.AWAITING_SIGN_OFF
    evidence = Evidence.objects.get()
    assert response.json()["evidence"][0]["download"] == reverse(
        "actions-evidence-download", args=[evidence.uuid]
    )


def test_a_bad_file_through_the_api_is_a_400(api, owner, action):
    api.force_authenticate(owner)
    response = api.post(
        reverse("api-progress-update-list"),
        {"action": str(action.uuid), "written_on": "2024-06-03", "note": "x", "files": [pdf_upload("x.exe")]},
        format="multipart",
    )
    assert response.status_code == 400
    assert not Evidence.objects.exists()


def test_marking_complete_without_evidence_through_the_api_is_a_400(api, owner, action):
    api.force_authenticate(owner)
    response = api.post(
        reverse("api-progress-update-list"),
        {"action": str(action.uuid), "written_on": "2024-06-03", "note": "x", "mark_complete": True},
        format="json",
    )
    assert response.status_code == 400 and "files" in response.json()


def test_a_report_officer_may_read_but_not_post_updates(api, report_officer, action):
    api.force_authenticate(report_officer)
    assert api.get(reverse("api-progress-update-list")).status_code == 200
    response = api.post(
        reverse("api-progress-update-list"),
        {"action": str(action.uuid), "written_on": "2024-06-03", "note": "x"},
        format="json",
    )
    assert response.status_code == 403


def test_an_auditor_cannot_post_on_an_action_they_cannot_see(api, auditor, action):
    api.force_authenticate(auditor)
    response = api.post(
        reverse("api-progress-update-list"),
        {"action": str(action.uuid), "written_on": "2024-06-03", "note": "x"},
        format="json",
    )
    assert response.status_code == 400  # the action is not among those they may choose
    assert not action.updates.exists()


def test_the_schema_describes_the_action_endpoints(api, manager):
    api.force_authenticate(manager)
    schema = api.get(reverse("api-schema")).content.decode()
    assert "/api/actions/" in schema and "/api/progress-updates/" in schema


def test_the_panel_table_through_the_api(api, manager, action, report_officer):
    action.issue.figure_label, action.issue.figure_numerator, action.issue.figure_denominator = (
        "Consent",
        7,
        17,
    )
    action.issue.save()
    api.force_authenticate(report_officer)
    response = api.get(reverse("api-action-plan-panel-table", args=[action.issue.plan.uuid]))
    assert response.status_code == 200
    [row] = response.json()
    assert row["figure_text"] == "Consent: 41% (7 of 17)"
    assert row["actions"] == [
        {
            "description": action.description,
            "lead": "Domestic violence co-ordinator",
            "due_date": "2024-06-01",
            "status_label": "Not started",
            "rag": "red",
        }
    ]
    api.force_authenticate(UserFactory.create(username="other-auditor", roles=[roles.AUDITOR]))
    assert api.get(reverse("api-action-plan-panel-table", args=[action.issue.plan.uuid])).status_code == 404


def test_the_api_offers_no_way_round_the_separation_of_duties(api, manager, owner, action):
    """A manager who marked an action complete through the API cannot then sign it off or hand the action
    to someone else there: the API has no sign-off and no edit of an action (the pages refuse both)."""
    api.force_authenticate(manager)
    url = reverse("api-progress-update-list")
    payload = {
        "action": str(action.uuid),
        "note": "Done",
        "written_on": "2024-06-03",
        "files": [pdf_upload()],
    }
    assert api.post(url, {**payload, "mark_complete": "true"}, format="multipart").status_code == 201
    detail = reverse("api-action-detail", args=[action.uuid])
    other = UserFactory.create(username="other-owner", roles=[roles.AUDITOR])
    assert api.patch(detail, {"status": "complete"}, format="json").status_code == 405
    assert api.patch(detail, {"owner": other.username}, format="json").status_code == 405
    assert api.post(f"{detail}sign-off/").status_code == 404
    action.refresh_from_db()
    assert action.status == Action.Status.AWAITING_SIGN_OFF and action.owner == owner
