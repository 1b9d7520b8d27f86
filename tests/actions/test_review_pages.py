"""The action plan pages as QA leads read them: owners by name, tables that scroll on a phone, and plain
words when a filter leaves an issue with no actions."""

import re

import pytest
from django.urls import reverse

from common import roles
from tests.actions.factories import ActionFactory, ActionPlanFactory, PlanIssueFactory
from tests.audits.test_results import reference_cases, scored_case
from tests.dates import date_parts
from tests.factories import AuditFactory, UserFactory, tool_version

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


@pytest.fixture
def named_owner(db):
    return UserFactory.create(username="aokafor", first_name="Ada", last_name="Okafor", roles=[roles.AUDITOR])


def test_the_plan_page_names_each_owner(client, manager, named_owner):
    action = ActionFactory.create(owner=named_owner)
    client.force_login(manager)
    page = client.get(reverse("actions-plan-detail", args=[action.issue.plan.uuid])).content.decode()
    assert '<td class="govuk-table__cell">Ada Okafor</td>' in page
    assert re.search(r'<div class="app-table-scroll">\s*<table', page)


def test_the_overdue_view_names_each_owner(client, manager, named_owner):
    ActionFactory.create(owner=named_owner, due_date="2024-05-01")
    client.force_login(manager)
    page = client.get(reverse("actions-overdue")).content.decode()
    assert '<td class="govuk-table__cell">Ada Okafor</td>' in page
    assert re.search(r'<div class="app-table-scroll">\s*<table', page)


def test_the_plan_list_names_the_lead_and_scrolls(client, manager, named_owner):
    issue = PlanIssueFactory.create(plan__lead=named_owner)
    client.force_login(manager)
    page = client.get(reverse("actions-plan-list")).content.decode()
    assert issue.plan.title in page and '<td class="govuk-table__cell">Ada Okafor</td>' in page
    assert re.search(r'<div class="app-table-scroll">\s*<table', page)


def test_an_issue_with_no_matching_action_says_so_plainly(client, manager):
    action = ActionFactory.create()
    client.force_login(manager)
    url = reverse("actions-plan-detail", args=[action.issue.plan.uuid])
    page = client.get(url, {"status": "complete"}).content.decode()
    assert "No actions for this issue match the filters." in page
    page = client.get(
        reverse("actions-plan-detail", args=[PlanIssueFactory.create().plan.uuid])
    ).content.decode()
    assert "No actions have been added to this issue yet." in page


def test_cancelling_is_a_warning_button_and_each_missing_reason_is_named(client, manager, owner):
    action = ActionFactory.create(owner=owner)
    client.force_login(manager)
    page = client.get(reverse("actions-action-cancel", args=[action.uuid])).content.decode()
    assert re.search(r'<button[^>]*class="govuk-button govuk-button--warning"[^>]*>\s*Cancel action', page)
    response = client.post(reverse("actions-action-cancel", args=[action.uuid]), {"cancel-reason": ""})
    assert "Enter the reason the action is cancelled" in response.content.decode()


def test_sending_back_without_a_reason_names_what_is_missing(client, manager, owner):
    action = ActionFactory.create(owner=owner, status="awaiting_sign_off")
    client.force_login(manager)
    response = client.post(reverse("actions-action-refuse", args=[action.uuid]), {"refuse-reason": ""})
    assert "Enter the reason the action is not yet complete" in response.content.decode()


def test_the_issue_form_gives_each_questions_figure_in_brackets(client, manager):
    """It read "Was risk considered ...?: 56% (10 of 18)"."""
    audit = AuditFactory.create(title="Domestic abuse audit", tool_version=tool_version("Domestic abuse"))
    for answers in reference_cases():
        scored_case(audit, answers)
    plan = ActionPlanFactory.create(audit=audit)
    client.force_login(manager)
    page = client.get(reverse("actions-issue-create", args=[plan.uuid])).content.decode()
    assert "(56% (10 of 18))" in page and "?: " not in page


def test_the_owner_list_asks_for_a_choice(client, manager):
    issue = PlanIssueFactory.create()
    client.force_login(manager)
    page = client.get(reverse("actions-action-create", args=[issue.uuid])).content.decode()
    assert '<option value="" selected>Select the owner</option>' in page


def test_the_plan_history_shortens_long_subjects_with_an_ellipsis_and_says_where_back_goes(client, manager):
    action = ActionFactory.create(
        description="Chronology days: protected time for every team to bring all chronologies up to date"
    )
    client.force_login(manager)
    page = client.get(reverse("actions-plan-history", args=[action.issue.plan.uuid])).content.decode()
    assert "Chronology days: protected time for every team to bring all chronologies up to …" in page
    assert ">Back to the plan</a>" in page
    page = client.get(reverse("actions-action-history", args=[action.uuid])).content.decode()
    assert ">Back to the action</a>" in page


def test_the_action_page_gives_the_issues_figure_its_own_row(client, manager):
    """It read "Chronologies missing (Chronology on file (last year's audit): 55% (11 of 20))"."""
    action = ActionFactory.create(
        issue__description="Chronologies missing",
        issue__figure_label="Chronology on file (last year's audit)",
        issue__figure_numerator=11,
        issue__figure_denominator=20,
    )
    client.force_login(manager)
    page = client.get(reverse("actions-action-detail", args=[action.uuid])).content.decode()
    assert '<dd class="govuk-summary-list__value">Chronologies missing</dd>' in page
    figure = re.search(r"Figure at the time</dt>\s*<dd[^>]*>(.*?)</dd>", page, re.S)
    assert figure is not None
    row = figure.group(1)
    assert row == "Chronology on file (last year&#x27;s audit): 55% (11 of 20)"


def test_an_action_awaiting_sign_off_does_not_offer_to_ask_again(client, owner):
    action = ActionFactory.create(owner=owner, status="awaiting_sign_off")
    client.force_login(owner)
    page = client.get(reverse("actions-action-detail", args=[action.uuid])).content.decode()
    assert "Post an update" in page and 'name="mark_complete"' not in page
    response = client.post(
        reverse("actions-action-update", args=[action.uuid]),
        {**date_parts("written_on", "03/06/2024"), "note": "Minutes of the team meeting added"},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (
        action.status == "awaiting_sign_off"
        and action.updates.get().note == "Minutes of the team meeting added"
    )


def test_an_action_in_progress_still_offers_to_ask_for_sign_off(client, owner):
    action = ActionFactory.create(owner=owner, status="in_progress")
    client.force_login(owner)
    page = client.get(reverse("actions-action-detail", args=[action.uuid])).content.decode()
    assert 'name="mark_complete"' in page
