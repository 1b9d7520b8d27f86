"""RAG, the effect check after a re-audit, the panel report's issue/action table and the exports."""

import csv
import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from actions import selectors, services
from actions.models import Action, ProgressUpdate
from common.figures import Figure
from common.models import AccessLogEntry
from metrics.models import MetricSnapshot
from tests.actions.factories import ActionFactory, ActionPlanFactory, PlanIssueFactory
from tests.audits.test_results import columns, reference_cases, scored_case
from tests.factories import AuditFactory, tool_version

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2024, 6, 3)
D = datetime.timedelta


# RAG ------------------------------------------------------------------------------------------------------

RAG_TABLE = [
    # status, due relative to today, RAG
    ("not_started", D(days=-1), "red"),  # overdue is red whatever the status
    ("in_progress", D(days=-1), "red"),
    ("awaiting_sign_off", D(days=-1), "red"),
    ("not_started", D(days=0), "amber"),  # due today is not yet overdue
    ("not_started", D(days=14), "amber"),  # due within 14 days and not started
    ("not_started", D(days=15), "green"),
    ("in_progress", D(days=3), "green"),  # started: not amber however close
    ("awaiting_sign_off", D(days=3), "green"),
    ("complete", D(days=-30), "complete"),  # done is never red
    ("cancelled", D(days=-30), "cancelled"),
]


@pytest.mark.parametrize(("status", "offset", "rag"), RAG_TABLE)
def test_rag_from_status_and_due_date(status, offset, rag, manager):
    extra = {}
    if status == "complete":
        extra = {"signed_off_by": manager, "signed_off_at": timezone.now()}
    if status == "cancelled":
        extra = {"cancelled_reason": "Merged"}
    action = ActionFactory.create(status=status, due_date=TODAY + offset, **extra)
    assert action.rag_on(TODAY) == rag
    # The database expression used for filters and counts agrees with the model's method.
    assert selectors.with_rag(Action.objects.filter(pk=action.pk), TODAY).get().rag == rag


# The effect check ---------------------------------------------------------------------------------------


@pytest.fixture
def audited_plan(manager):
    """The reference cases: D4 10 of 18 (56%), D8 4 of 18 (22%)."""
    audit = AuditFactory.create(title="Domestic abuse", tool_version=tool_version("Domestic abuse"))
    for answers in reference_cases():
        scored_case(audit, answers)
    plan = services.plan_create(user=manager, title="Plan", lead=manager, review_date=TODAY, audit=audit)
    d4 = services.issue_create(plan=plan, user=manager, description="Plans", question_codes=["D4"])
    d8 = services.issue_create(plan=plan, user=manager, description="CIN plans", question_codes=["D8"])
    return plan, d4, d8


def test_no_after_figure_until_the_reaudit_has_results(audited_plan):
    plan, d4, _d8 = audited_plan
    AuditFactory.create(reaudit_of=plan.audit, tool_version=plan.audit.tool_version)
    assert selectors.effects(plan, plan.issues.all()) == {}


def test_after_a_reaudit_each_issue_shows_before_and_after(audited_plan, client, manager):
    """Re-audit of 10 cases: D4 9 Yes of 10 (90%, up 34 points from 56%); D8 not answered -> no after."""
    plan, d4, d8 = audited_plan
    reaudit = AuditFactory.create(
        title="Domestic abuse (re-audit)", reaudit_of=plan.audit, tool_version=plan.audit.tool_version
    )
    for answers in columns(10, D4=["yes"] * 9 + ["no"]):
        scored_case(reaudit, answers)
    effects = selectors.effects(plan, plan.issues.prefetch_related("questions"))
    assert str(effects[d4.pk].before) == "56% (10 of 18)"
    assert str(effects[d4.pk].after) == "90% (9 of 10)"
    assert effects[d4.pk].change == 34
    assert d8.pk not in effects
    client.force_login(manager)
    page = client.get(reverse("actions-plan-detail", args=[plan.uuid])).content.decode()
    assert "90% (9 of 10) (Re-audit: Domestic abuse (re-audit)): up 34 points" in page


def test_a_metric_issue_shows_the_latest_figure_computed_since(manager):
    """Consent recorded 7 of 17 (41%) when identified; recomputed later: 15 of 18 (83%)."""
    MetricSnapshot.objects.create(
        metric="consent_recorded", period=datetime.date(2024, 4, 1), numerator=7, denominator=17,
        computed_at=timezone.now(),
    )  # fmt: skip
    plan = ActionPlanFactory.create(audit=None, theme="Consent")
    issue = services.issue_create(plan=plan, user=manager, description="Consent", metric="consent_recorded")
    assert selectors.effects(plan, [issue]) == {}  # nothing newer yet
    with time_machine.travel(timezone.now() + D(days=40)):
        MetricSnapshot.objects.create(
            metric="consent_recorded", period=datetime.date(2024, 5, 1), numerator=15, denominator=18,
            computed_at=timezone.now(),
        )  # fmt: skip
    effect = selectors.effects(plan, [issue])[issue.pk]
    assert (str(effect.before), str(effect.after), effect.change) == ("41% (7 of 17)", "83% (15 of 18)", 42)


# The panel report's table and the exports ---------------------------------------------------------------


@pytest.fixture
def plan(manager):
    plan = ActionPlanFactory.create(title="S47 plan")
    chronology = PlanIssueFactory.create(
        plan=plan, order=1, description="Chronologies need to be in place on all files",
        figure_label="Chronology on file", figure_numerator=7, figure_denominator=17,
    )  # fmt: skip
    consent = PlanIssueFactory.create(plan=plan, order=2, description='=HYPERLINK("http://evil")')
    ActionFactory.create(
        issue=chronology, description="Chronology days", lead="Head of service", due_date=TODAY - D(days=1)
    )
    ActionFactory.create(
        issue=chronology, description="Service training", due_date=TODAY + D(days=30), status="in_progress"
    )
    ActionFactory.create(
        issue=chronology, description="Dropped", status="cancelled", cancelled_reason="Merged"
    )
    ActionFactory.create(
        issue=consent, description="+Consent mandatory in the workflow", due_date=TODAY + D(days=5)
    )
    return plan


def test_plan_table_rows_give_issue_then_actions_without_cancelled(plan):
    rows = selectors.plan_table_rows(plan, today=TODAY)
    assert [r.issue_description for r in rows] == [
        "Chronologies need to be in place on all files",
        '=HYPERLINK("http://evil")',
    ]
    assert rows[0].figure_text == "Chronology on file: 41% (7 of 17)"
    assert [(a.description, a.lead, a.status_label, a.rag) for a in rows[0].actions] == [
        ("Chronology days", "Head of service", "Not started", "red"),
        ("Service training", "Domestic violence co-ordinator", "In progress", "green"),
    ]
    assert rows[1].figure_text == "" and rows[1].actions[0].rag == "amber"
    assert rows[0].figure == Figure(7, 17) and rows[1].figure is None


def test_each_action_in_the_plan_table_carries_its_latest_update(plan, manager):
    action = Action.objects.get(issue__plan=plan, description="Service training")
    ProgressUpdate.objects.create(action=action, written_on=TODAY - D(days=9), note="Booked", author=manager)
    ProgressUpdate.objects.create(action=action, written_on=TODAY - D(days=2), note="Held", author=manager)
    rows = selectors.plan_table_rows(plan, today=TODAY)
    updates = {a.description: a.latest_update for a in rows[0].actions}
    assert updates == {"Chronology days": "", "Service training": f"{TODAY - D(days=2):%d/%m/%Y}: Held"}


def test_the_plan_exports_as_csv_with_formulas_neutralised(client, manager, plan):
    client.force_login(manager)
    with time_machine.travel(datetime.datetime(2024, 6, 3, 9, 0, tzinfo=datetime.UTC), tick=False):
        response = client.get(reverse("actions-plan-csv", args=[plan.uuid]))
    assert response["Content-Disposition"] == f'attachment; filename="action-plan-{plan.uuid}.csv"'
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["Issue identified", "Figure at the time", "Action"]
    assert len(rows) == 1 + 4
    assert (
        rows[-1][0] == '\'=HYPERLINK("http://evil")' and rows[-1][2] == "'+Consent mandatory in the workflow"
    )
    assert AccessLogEntry.objects.get(object_type="action plan").detail == "csv"


def test_the_panel_table_csv_has_the_reference_reports_columns(client, manager, plan):
    client.force_login(manager)
    with time_machine.travel(datetime.datetime(2024, 6, 3, 9, 0, tzinfo=datetime.UTC), tick=False):
        response = client.get(reverse("actions-plan-panel-csv", args=[plan.uuid]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:2] == ["Issue identified", "Action taken by the service"]
    assert rows[1][:2] == [
        "Chronologies need to be in place on all files (Chronology on file: 41% (7 of 17))",
        "Chronology days",
    ]
    assert rows[2][:2] == ["", "Service training"]  # the issue is written once


def test_the_plan_exports_as_a_workbook_with_the_panel_table(client, manager, plan):
    client.force_login(manager)
    response = client.get(reverse("actions-plan-xlsx", args=[plan.uuid]))
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Action plan", "Panel table"]
    sheet = workbook["Action plan"]
    assert sheet.cell(row=5, column=1).value == '\'=HYPERLINK("http://evil")'
    assert sheet.cell(row=5, column=1).data_type == "s"
    assert workbook["Panel table"].cell(row=1, column=2).value == "Action taken by the service"


def test_an_outsider_cannot_export(client, auditor, plan):
    client.force_login(auditor)
    assert client.get(reverse("actions-plan-xlsx", args=[plan.uuid])).status_code == 404


def test_plan_progress_rounds_half_away_from_zero_like_every_figure():
    """5 of 8 complete = 62.5% -> 63% (Python's round() gives 62); no actions -> 0%."""
    assert selectors.Progress(complete=5, total=8).percent == 63
    assert selectors.Progress(complete=1, total=8).percent == 13
    assert selectors.Progress(complete=0, total=0).percent == 0
