"""The action plan pages as QA leads read them: owners by name, tables that scroll on a phone, and plain
words when a filter leaves an issue with no actions."""

import re

import pytest
from django.urls import reverse

from common import roles
from tests.actions.factories import ActionFactory, PlanIssueFactory
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


@pytest.fixture
def named_owner(db):
    return UserFactory(username="aokafor", first_name="Ada", last_name="Okafor", roles=[roles.AUDITOR])


def test_the_plan_page_names_each_owner(client, manager, named_owner):
    action = ActionFactory(owner=named_owner)
    client.force_login(manager)
    page = client.get(reverse("actions-plan-detail", args=[action.issue.plan.uuid])).content.decode()
    assert '<td class="govuk-table__cell">Ada Okafor</td>' in page
    assert re.search(r'<div class="app-table-scroll">\s*<table', page)


def test_the_overdue_view_names_each_owner(client, manager, named_owner):
    ActionFactory(owner=named_owner, due_date="2024-05-01")
    client.force_login(manager)
    page = client.get(reverse("actions-overdue")).content.decode()
    assert '<td class="govuk-table__cell">Ada Okafor</td>' in page
    assert re.search(r'<div class="app-table-scroll">\s*<table', page)


def test_the_plan_list_names_the_lead_and_scrolls(client, manager, named_owner):
    issue = PlanIssueFactory(plan__lead=named_owner)
    client.force_login(manager)
    page = client.get(reverse("actions-plan-list")).content.decode()
    assert issue.plan.title in page and '<td class="govuk-table__cell">Ada Okafor</td>' in page
    assert re.search(r'<div class="app-table-scroll">\s*<table', page)


def test_an_issue_with_no_matching_action_says_so_plainly(client, manager):
    action = ActionFactory()
    client.force_login(manager)
    url = reverse("actions-plan-detail", args=[action.issue.plan.uuid])
    page = client.get(url, {"status": "complete"}).content.decode()
    assert "No actions for this issue match the filters." in page
    page = client.get(reverse("actions-plan-detail", args=[PlanIssueFactory().plan.uuid])).content.decode()
    assert "No actions have been added to this issue yet." in page
