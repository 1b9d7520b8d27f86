"""The shape of a report version's frozen content (`ReportVersion.data`), declared once.

`reporting.content` builds a `ReportContent`; the renderer, the workbook and the templates read one
(reporting.render, reporting.xlsx, templates/reporting/reports/). It is stored as JSON, so every value
is a plain str, int, float, bool, None, list or dict: nothing here changes what is stored.

A key marked `NotRequired` is one that versions frozen before it was added do not have (the audit's and
the plan's `uuid`; what a measure covers), so the readers must do without it; `report_content` writes
every key today. `tests/reporting/test_content_schema.py` fails when the content gains a key not
declared here.
"""

from typing import NotRequired, TypedDict


class FrozenFigure(TypedDict):
    """A figure as numerator and denominator, shown as `72% (13 of 18)`; Partly may count a half."""

    n: int | float
    d: int


class VersionInfo(TypedDict):
    number: int  # 0 in the preview, which is no version
    generated_at: str  # ISO 8601
    generated_on: str  # "6 January 2025"
    generated_by: str


class Header(TypedDict):
    """The header block of the reference reports, and the period the figures cover."""

    title: str
    meeting_name: str
    meeting_date: str  # ISO 8601
    meeting_date_text: str
    item_number: str
    authorised_by: str
    lead_officer: str
    wards_affected: str
    key_decision: bool
    period_start: str  # ISO 8601
    period_end: str  # ISO 8601
    period_text: str


class Thresholds(TypedDict):
    strength_at_least: int
    focus_below: int


class Section(TypedDict):
    """A narrative section as the report officer wrote it."""

    key: str
    title: str
    text: str


# Audits ---------------------------------------------------------------------------------------------------


class QuestionResult(TypedDict):
    section: str
    code: str
    text: str
    yes: int
    partly: int
    no: int
    not_applicable: int
    not_asked: int
    figure: FrozenFigure


class GradeResult(TypedDict):
    label: str
    figure: FrozenFigure


class CaseRow(TypedDict):
    reference: str  # "Case 1": never a child's name or ID
    agency: str
    team: str
    grade: str


class ComparisonRow(TypedDict):
    code: str
    text: str
    figures: list[FrozenFigure]  # one per agency, in the order of `Comparison.agencies`


class Disagreement(TypedDict):
    case: str
    code: str
    text: str
    answers: list[str]  # "Police: No"


class Comparison(TypedDict):
    """A multi-agency audit's results side by side."""

    agencies: list[str]
    rows: list[ComparisonRow]
    disagreements: list[Disagreement]


class ReauditRow(TypedDict):
    code: str
    text: str
    before: FrozenFigure | None  # None: not asked
    after: FrozenFigure | None
    change: int | None  # percentage points


class Reaudit(TypedDict):
    original: str  # the title of the audit re-audited
    rows: list[ReauditRow]


class ThemeQuoteContent(TypedDict):
    text: str  # an auditor's evidence note, checked against the case records' names (reporting.privacy)
    code: str
    case: str  # "Case 3" (audits.results.case_labels), never a child's ID


class ThemeContent(TypedDict):
    name: str
    findings: int
    confirmed: int
    quotes: list[ThemeQuoteContent]  # up to QUOTES_PER_THEME


class AuditContent(TypedDict):
    uuid: NotRequired[str]
    title: str
    theme: str
    tool: str
    partly_counts_half: bool
    agencies: list[str]
    multi_agency: bool
    case_count: int
    case_audit_count: int
    method: list[str]
    questions: list[QuestionResult]
    highlights: list[QuestionResult]
    strengths: list[QuestionResult]
    focus: list[QuestionResult]
    grades: list[GradeResult]
    cases: list[CaseRow]
    comparison: Comparison | None
    reaudit: Reaudit | None
    learning_themes: NotRequired[list[ThemeContent]]  # added after the first versions were frozen


# Measures -------------------------------------------------------------------------------------------------


class MeasureMonth(TypedDict):
    month: str  # "Jan 2014"
    figure: FrozenFigure
    coverage: NotRequired[str]
    related: int | None


class PercentMeasure(TypedDict):
    key: str
    name: str
    definition: str
    covers: NotRequired[str]
    related_label: str
    related_covers: NotRequired[str]
    target: int | None
    months: list[MeasureMonth]
    total: FrozenFigure
    total_coverage: NotRequired[str]


class CountSeries(TypedDict):
    key: str
    name: str
    definition: str


class CountMonth(TypedDict):
    month: str
    values: list[int | None]  # one per series, in the order of `Counts.series`; None: no figure


class Counts(TypedDict):
    series: list[CountSeries]
    months: list[CountMonth]


class LeavingCare(TypedDict):
    count: int
    by: str  # "June 2014"
    as_at: str


class Measures(TypedDict):
    period: str
    percent: list[PercentMeasure]
    counts: Counts | None
    leaving_care: LeavingCare | None
    computed_at: str


# Action plans ---------------------------------------------------------------------------------------------


class PlanAction(TypedDict):
    description: str
    lead: str
    due: str  # "31/03/2014"
    status: str
    rag: str
    latest_update: str


class PlanRow(TypedDict):
    issue: str
    figure_label: str
    figure: FrozenFigure | None
    actions: list[PlanAction]


class PlanTable(TypedDict):
    uuid: NotRequired[str]
    title: str
    rows: list[PlanRow]


# The whole ------------------------------------------------------------------------------------------------


class ReportContent(TypedDict):
    schema: int  # reporting.content.SCHEMA
    type: str  # PanelReport.Type
    type_label: str
    council_name: str
    version: VersionInfo
    header: Header
    thresholds: Thresholds
    sections: list[Section]
    audits: list[AuditContent]
    measures: Measures
    action_plans: list[PlanTable]
