"""The plan as XLSX and CSV, and the panel report's issue/action table as CSV. Text cells that a spreadsheet
would run as a formula are neutralised (common.exports, OWASP CSV injection)."""

import datetime
import io

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook

from actions.models import Action, ActionPlan
from actions.selectors import plan_table_rows
from common.exports import XLSX_TYPE, csv_response, neutralise

PLAN_HEADER = [
    "Issue identified",
    "Figure at the time",
    "Action",
    "Owner",
    "Lead",
    "Priority",
    "Due date",
    "Status",
    "RAG",
    "Signed off by",
    "Signed off on",
    "Cancelled because",
    "Latest update",
]
PANEL_HEADER = ["Issue identified", "Action taken by the service", "Lead", "Due date", "Status", "RAG"]


def plan_rows(plan: ActionPlan, *, today: datetime.date) -> list[list[object]]:
    actions = (
        Action.objects.filter(issue__plan=plan)
        .select_related("issue", "owner", "signed_off_by")
        .prefetch_related("updates")
        .order_by("issue__order", "issue__pk", "due_date", "pk")
    )
    rows = []
    for action in actions:
        latest = max(action.updates.all(), key=lambda u: (u.written_on, u.pk), default=None)
        rows.append(
            [
                action.issue.description,
                action.issue.figure_text,
                action.description,
                action.owner.username,
                action.lead,
                action.get_priority_display(),
                action.due_date,
                action.get_status_display(),
                Action.Rag(action.rag_on(today)).label,
                action.signed_off_by.username if action.signed_off_by else "",
                action.signed_off_at.date() if action.signed_off_at else None,
                action.cancelled_reason,
                f"{latest.written_on:%d/%m/%Y}: {latest.note}" if latest else "",
            ]
        )
    return rows


def panel_rows(plan: ActionPlan, *, today: datetime.date) -> list[list[object]]:
    """One row per action; the issue is written on its first action's row, as the reference table reads."""
    rows: list[list[object]] = []
    for row in plan_table_rows(plan, today=today):
        issue = f"{row.issue_description} ({row.figure_text})" if row.figure_text else row.issue_description
        if not row.actions:
            rows.append([issue, "", "", None, "", ""])
        for index, action in enumerate(row.actions):
            rows.append(
                [
                    issue if index == 0 else "",
                    action.description,
                    action.lead,
                    action.due_date,
                    action.status_label,
                    Action.Rag(action.rag).label,
                ]
            )
    return rows


def _file_name(plan: ActionPlan, suffix: str = "") -> str:
    return f"action-plan-{plan.uuid}{suffix}"


def plan_csv_response(plan: ActionPlan, *, today: datetime.date) -> StreamingHttpResponse:
    return csv_response(_file_name(plan), PLAN_HEADER, plan_rows(plan, today=today))


def panel_table_csv_response(plan: ActionPlan, *, today: datetime.date) -> StreamingHttpResponse:
    return csv_response(_file_name(plan, "-panel-table"), PANEL_HEADER, panel_rows(plan, today=today))


def _sheet(workbook: Workbook, title: str, header: list[str], rows: list[list[object]]) -> None:
    sheet = workbook.create_sheet(title)
    sheet.append([neutralise(h) for h in header])
    for row in rows:
        sheet.append([neutralise(value) if isinstance(value, str) else value for value in row])


def plan_xlsx_response(plan: ActionPlan, *, today: datetime.date) -> HttpResponse:
    workbook = Workbook(write_only=True)
    _sheet(workbook, "Action plan", PLAN_HEADER, plan_rows(plan, today=today))
    _sheet(workbook, "Panel table", PANEL_HEADER, panel_rows(plan, today=today))
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_file_name(plan)}.xlsx"'
    return response
