"""A panel report's content, read from the data once and frozen: every figure, table and narrative.

`report_content(report, ...)` returns a plain JSON-ready dict, shaped as reporting.schema declares
(`ReportContent`). A report version stores it, and the PDF, the preview and the XLSX render from that
dict alone (reporting.render, reporting.xlsx),
so a version issued to a committee renders the same text and figures whatever changes afterwards.

Figures are kept as numerator and denominator ({"n": 13, "d": 18}) and shown as `72% (13 of 18)`.
No child's name or the council's child ID is read into the dict: cases are numbered "Case 1", "Case 2"
... in the order of the sample (audits.results.case_labels), the label the multi-agency comparison
uses too. The only free text in it is what staff wrote for the panel (header, narratives, audit titles, question
texts, action plans); reporting.privacy checks every string in the dict before a version is made.
"""

import datetime
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.conf import settings

from actions import selectors as action_selectors
from actions.models import Action, ActionPlan
from audits import results
from audits.models import Agency, Audit, CaseAudit, Grade
from cases.models import S47Enquiry
from cases.standards import MetricKey
from common.figures import Figure
from metrics import measures, selectors
from metrics.periods import month_start
from reporting.models import PanelReport
from reporting.privacy import texts_naming_children
from reporting.schema import (
    AuditContent,
    Comparison,
    Counts,
    FrozenFigure,
    LeavingCare,
    Measures,
    PercentMeasure,
    PlanRow,
    QuestionResult,
    Reaudit,
    ReportContent,
    ThemeContent,
)
from reporting.sections import measures_shown

SCHEMA = 1
# A standard met in this share of cases or more is listed as a strength; below FOCUS_BELOW, as an area
# that still needs focus (the reference reports' "strengths" and "areas that require continued focus").
STRENGTH_AT_LEAST = 80
FOCUS_BELOW = 70
HIGHLIGHTS_ALL_UP_TO = 20  # a QA report lists every question of a tool this short as a highlight
LEAVING_CARE_MONTHS = 6  # "40 young people will cease to be looked after by June 2014"


def date_text(day: datetime.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


def figure(numerator: float | Decimal, denominator: int) -> FrozenFigure:
    value = float(numerator)
    return {"n": int(value) if value.is_integer() else value, "d": int(denominator)}


def figure_text(value: FrozenFigure | None) -> str:
    """`72% (13 of 18)` from a frozen figure."""
    if not value:
        return ""
    return str(Figure(value["n"], value["d"]))


def report_content(
    report: PanelReport,
    *,
    version_number: int,
    generated_at: datetime.datetime,
    generated_by: str,
    today: datetime.date,
) -> ReportContent:
    """Everything the report shows, read now from the audits, metric snapshots and action plans."""
    audits = list(
        report.audits.select_related("tool_version__tool", "reaudit_of").prefetch_related("frame_teams")
    )
    plans = list(report.action_plans.all())
    return {
        "schema": SCHEMA,
        "type": report.report_type,
        "type_label": report.get_report_type_display(),
        "council_name": settings.COUNCIL_NAME,
        "version": {
            "number": version_number,
            "generated_at": generated_at.isoformat(),
            "generated_on": date_text(generated_at.date()),
            "generated_by": generated_by,
        },
        "header": {
            "title": report.title,
            "meeting_name": report.meeting_name,
            "meeting_date": report.meeting_date.isoformat(),
            "meeting_date_text": date_text(report.meeting_date),
            "item_number": report.item_number,
            "authorised_by": report.authorised_by,
            "lead_officer": report.lead_officer,
            "wards_affected": report.wards_affected,
            "key_decision": report.key_decision,
            "period_start": report.period_start.isoformat(),
            "period_end": report.period_end.isoformat(),
            "period_text": f"{date_text(report.period_start)} to {date_text(report.period_end)}",
        },
        "thresholds": {"strength_at_least": STRENGTH_AT_LEAST, "focus_below": FOCUS_BELOW},
        "sections": [
            {"key": s.key, "title": s.title, "text": s.text} for s in report.sections.order_by("order")
        ],
        "audits": [audit_content(audit) for audit in audits],
        "measures": measures_content(
            [key for key in report.metrics if key in measures_shown(report.report_type)],
            report.period_start,
            report.period_end,
            today=today,
        ),
        "action_plans": [
            {"uuid": str(plan.uuid), "title": plan.title, "rows": rows}
            for plan, rows in plan_tables(plans, today=today)
        ],
    }


# Audits ---------------------------------------------------------------------------------------------------


def audit_content(audit: Audit) -> AuditContent:
    audit_results = results.audit_results(audit)  # child_ids=False: findings carry no identifier
    scored = list(
        CaseAudit.objects.filter(audit=audit, status__in=results.SCORED_STATUSES, scoring=1)
        .select_related("team")
        .only("record_id", "record_date", "agency", "grade", "team__name", "in_subsample")
    )
    # The multi-agency comparison's own numbering ("Case 3" there is "Case 3" here), in sample order.
    labels = results.case_labels(scored, child_ids=False)
    order = {record_id: index for index, record_id in enumerate(labels)}
    agency_labels = dict(Agency.choices)
    grade_labels = dict(Grade.choices)
    questions: list[QuestionResult] = []
    for section in audit_results.sections:
        for row in section.questions:
            questions.append(
                {
                    "section": section.section.title,
                    "code": row.question.code,
                    "text": row.question.text,
                    "yes": row.yes,
                    "partly": row.partly,
                    "no": row.no,
                    "not_applicable": row.not_applicable,
                    "not_asked": row.does_not_apply,
                    "figure": figure(row.numerator, row.denominator),
                }
            )
    answered = [q for q in questions if q["figure"]["d"]]
    content: AuditContent = {
        "uuid": str(audit.uuid),  # where each figure came from: the audit's results page shows the same
        "title": audit.title,
        "theme": audit.theme,
        "tool": f"{audit.tool_version.tool.name} (version {audit.tool_version.number})",
        "partly_counts_half": audit.tool_version.partly_counts_half,
        "agencies": [agency_labels.get(a, a) for a in audit.agencies],
        "multi_agency": audit.multi_agency,
        "case_count": len(labels),
        "case_audit_count": audit_results.case_count,
        "method": method_sentences(audit, len(labels)),
        "questions": questions,
        "highlights": answered if len(answered) <= HIGHLIGHTS_ALL_UP_TO else _highlights(answered),
        "strengths": [q for q in answered if _percent(q) >= STRENGTH_AT_LEAST],
        "focus": [q for q in answered if _percent(q) < FOCUS_BELOW],
        "grades": [
            {"label": g.label, "figure": figure(g.figure.numerator, g.figure.denominator)}
            for g in audit_results.grades
        ],
        "cases": [
            {
                "reference": labels[c.record_id],
                "agency": agency_labels.get(c.agency, c.agency),
                "team": c.team.name if c.team else "",
                "grade": grade_labels.get(c.grade, ""),
            }
            for c in sorted(scored, key=lambda c: (order[c.record_id], c.agency))
        ],
        "comparison": comparison_content(audit) if audit.multi_agency else None,
        "reaudit": reaudit_content(audit) if audit.reaudit_of_id else None,
        "learning_themes": themes_content(audit),
    }
    return content


QUOTES_PER_THEME = 3


def themes_content(audit: Audit) -> list[ThemeContent]:
    """Each learning theme's findings and confirmed findings, with up to QUOTES_PER_THEME of the evidence
    notes behind them (confirmed ones first), by question code and case number. A note that names a child
    or gives a child's ID (reporting.privacy, the check every report passes) is left out, not quoted."""
    counts = results.theme_counts(audit)  # child_ids=False: "Case 3"
    quotes = [(count, quote) for count in counts for quote in count.quotes]
    naming = set(texts_naming_children((str(index), quote.text) for index, (_c, quote) in enumerate(quotes)))
    kept = [(count, quote) for index, (count, quote) in enumerate(quotes) if str(index) not in naming]
    content: list[ThemeContent] = []
    for count in counts:
        chosen = sorted((q for c, q in kept if c is count), key=lambda q: not q.confirmed)[:QUOTES_PER_THEME]
        content.append(
            {
                "name": count.theme.name,
                "findings": count.findings,
                "confirmed": count.confirmed,
                "quotes": [{"text": q.text, "code": q.question_code, "case": q.case} for q in chosen],
            }
        )
    return content


def _highlights(answered: list[QuestionResult]) -> list[QuestionResult]:
    """A long tool's highlights: its strengths and the standards that still need focus, in tool order."""
    return [q for q in answered if _percent(q) >= STRENGTH_AT_LEAST or _percent(q) < FOCUS_BELOW]


def _percent(question: QuestionResult) -> int:
    return Figure(question["figure"]["n"], question["figure"]["d"]).percent or 0


def method_sentences(audit: Audit, case_count: int) -> list[str]:
    """The audit's scope, sample and method in words, from its recorded sampling parameters."""
    frame = Audit.FrameType(audit.frame_type).label
    sentences = []
    period = ""
    if audit.frame_start and audit.frame_end:
        period = f" between {date_text(audit.frame_start)} and {date_text(audit.frame_end)}"
    teams = ", ".join(t.name for t in audit.frame_teams.all()) or "all teams"
    outcome = ""
    if audit.frame_outcome:
        outcome = f" with the outcome {S47Enquiry.Outcome(audit.frame_outcome).label.lower()}"
    frame = frame if frame.startswith("S47") else frame[0].lower() + frame[1:]
    sentences.append(f"Scope: {frame}{period}, in {teams}{outcome}.")
    if audit.sample_size:
        drawn = f"a random sample of {audit.sample_size}"
    elif audit.sample_percent:
        drawn = f"a random sample of {audit.sample_percent}%"
    else:
        drawn = "a sample"
    extras = []
    if audit.stratify_by_team:
        extras.append("stratified by team")
    if audit.exclude_recently_audited:
        extras.append("leaving out cases audited in the previous 12 months")
    if audit.seed is not None:
        extras.append(f"seed {audit.seed}, so the same sample can be drawn again")
    sample = f"Sample: {drawn}"
    if extras:
        sample += " (" + "; ".join(extras) + ")"
    sample += f"; {case_count} case{'s' if case_count != 1 else ''} audited."
    sentences.append(sample)
    if audit.subsample_percent:
        sentences.append(
            f"A sub-sample of {audit.subsample_percent}% of the cases was asked the sub-sample questions."
        )
    partly = "a half" if audit.tool_version.partly_counts_half else "nothing"
    agencies = ""
    if audit.multi_agency:
        names = ", ".join(dict(Agency.choices).get(a, a) for a in audit.agencies)
        agencies = f" Each case was audited by each agency ({names}) from its own perspective."
    sentences.append(
        f"Method: each case was audited with the {audit.tool_version.tool.name} tool (version "
        f"{audit.tool_version.number}), answering each question Yes, Partly, No or Not applicable, and "
        f"graded on Ofsted's four-point scale. In the figures Yes counts 1, Partly {partly} and No 0; "
        f"Not applicable leaves the case out of that question's figure.{agencies}"
    )
    return sentences


def comparison_content(audit: Audit) -> Comparison:
    comparison = results.agency_comparison(audit, child_ids=False)
    return {
        "agencies": [label for _value, label in comparison.agencies],
        "rows": [
            {
                "code": row.question.code,
                "text": row.question.text,
                "figures": [figure(f.numerator, f.denominator) for f in row.figures],
            }
            for row in comparison.rows
        ],
        "disagreements": [
            {
                "case": item.case_label,
                "code": item.question.code,
                "text": item.question.text,
                "answers": [f"{agency}: {answer}" for agency, answer in item.answers],
            }
            for item in comparison.disagreements
        ],
    }


def reaudit_content(audit: Audit) -> Reaudit:
    rows = results.reaudit_comparison(audit)
    original = audit.reaudit_of
    assert original is not None  # reaudit_comparison refuses an audit that is not a re-audit
    return {
        "original": original.title,
        "rows": [
            {
                "code": row.code,
                "text": row.text,
                "before": figure(row.before.numerator, row.before.denominator) if row.before else None,
                "after": figure(row.after.numerator, row.after.denominator) if row.after else None,
                "change": row.change,
            }
            for row in rows
        ],
    }


# Metrics ---------------------------------------------------------------------------------------------------

COUNT_KEYS = {measure.key for measure in measures.COUNT_MEASURES}
MEASURE_CHOICES = MetricKey.choices


def measures_content(
    keys: Iterable[str], start: datetime.date, end: datetime.date, *, today: datetime.date
) -> Measures:
    """The selected measures by month over the report's period, from the stored snapshots (all teams)."""
    keys = [key for key in keys if key in dict(MEASURE_CHOICES)]
    first, last = month_start(start), month_start(end)
    data = selectors.dashboard(
        first=first,
        last=last,
        team=None,
        leaving_months=LEAVING_CARE_MONTHS,
        targets=selectors.targets_by_metric(),
        today=today,
    )
    percent: list[PercentMeasure] = []
    for panel in data.panels:
        if panel.metric.key not in keys:
            continue
        percent.append(
            {
                "key": panel.metric.key,
                "name": panel.metric.name,
                "definition": panel.metric.definition,
                "covers": panel.metric.covers,
                "related_label": panel.metric.related.label if panel.metric.related else "",
                "related_covers": panel.metric.related.covers if panel.metric.related else "",
                "target": panel.target.target_percent if panel.target else None,
                "months": [
                    {
                        "month": f"{m.month:%b %Y}",
                        "figure": figure(m.records.numerator, m.records.denominator),
                        "coverage": panel.metric.coverage(m.records.denominator, m.unknown),
                        "related": m.related,
                    }
                    for m in panel.months
                ],
                "total": figure(panel.records_total.numerator, panel.records_total.denominator),
                "total_coverage": panel.total_coverage,
            }
        )
    counts: Counts | None = None
    count_keys = [m for m in (measures.CP_PLANS, measures.LOOKED_AFTER) if m.key in keys]
    if count_keys:
        counts = {
            "series": [{"key": m.key, "name": m.name, "definition": m.definition} for m in count_keys],
            "months": [
                {
                    "month": f"{c.month:%b %Y}",
                    "values": [
                        c.cp_plans if m.key == measures.CP_PLANS.key else c.looked_after for m in count_keys
                    ],
                }
                for c in data.counts
            ],
        }
    leaving: LeavingCare | None = None
    if measures.LEAVING_CARE.key in keys:
        leaving = {
            "count": data.leaving_care.count,
            "by": f"{data.leaving_care.by:%B %Y}",
            "as_at": date_text(data.leaving_care.as_at),
        }
    return {
        "period": f"{first:%B %Y} to {last:%B %Y}",
        "percent": percent,
        "counts": counts,
        "leaving_care": leaving,
        "computed_at": date_text(data.computed_at.date()) if data.computed_at else "",
    }


# Action plans ------------------------------------------------------------------------------------------


def plan_tables(
    plans: list[ActionPlan], *, today: datetime.date
) -> Iterator[tuple[ActionPlan, list[PlanRow]]]:
    """Each plan's "Issue identified / Action taken by the service" rows, as the actions app defines the
    table (actions.selectors.plan_table_rows), frozen into plain values."""
    for plan in ActionPlan.objects.filter(pk__in=[p.pk for p in plans]):
        yield plan, [_frozen_row(row) for row in action_selectors.plan_table_rows(plan, today=today)]


def _frozen_row(row: action_selectors.PlanTableRow) -> PlanRow:
    return {
        "issue": row.issue_description,
        "figure_label": row.figure_label,
        "figure": figure(row.figure.numerator, row.figure.denominator) if row.figure else None,
        "actions": [
            {
                "description": action.description,
                "lead": action.lead,
                "due": f"{action.due_date:%d/%m/%Y}",
                "status": action.status_label,
                "rag": Action.Rag(action.rag).label,
                "latest_update": action.latest_update,
            }
            for action in row.actions
        ],
    }
