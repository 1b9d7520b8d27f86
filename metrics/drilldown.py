"""The columns of each drill-down list, and its export to CSV and XLSX.

The page and the exports show the same columns. The exports are written by common.exports, which
neutralises formula injection.
"""

import dataclasses
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from cases.models import S47Enquiry
from cases.standards import MetricKey
from metrics.measures import Metric


@dataclasses.dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], object]  # a record of the list's model (an enquiry, a referral, an answer, ...)


def _yes_no(value: bool | None) -> str:
    return "" if value is None else "Yes" if value else "No"


CHILD = Column("Child ID", lambda r: r.child.child_id)
TEAM = Column("Team", lambda r: r.team.name if r.team else "")
WORKER = Column("Worker", lambda r: r.worker.name if r.worker else "")
STARTED = Column("Started", lambda r: r.start_date)
ENDED = Column("Completed", lambda r: r.end_date)
TARGET = Column("Target date", lambda r: r.target_date)

_BY_METRIC = {
    MetricKey.S47_WITHIN_15_DAYS: [
        STARTED,
        TARGET,
        ENDED,
        Column("Outcome", lambda r: r.get_outcome_display()),
    ],
    MetricKey.ICPC_WITHIN_15_DAYS: [STARTED, TARGET, Column("ICPC date", lambda r: r.icpc_date)],
    MetricKey.CONSENT_RECORDED: [
        STARTED,
        Column("Consent", lambda r: r.get_consent_display()),
        Column("Consent sought", lambda r: r.consent_date),
        Column("Information shared", lambda r: r.information_shared_date),
        Column("Manager's decision recorded", lambda r: _yes_no(r.consent_manager_decision)),
        Column("Reason not sought", lambda r: r.consent_not_sought_reason),
        Column("Retrospective", lambda r: _yes_no(r.consent_retrospective)),
    ],
    MetricKey.CHRONOLOGY_ON_FILE: [
        STARTED,
        ENDED,
        Column("Chronology on file", lambda r: _yes_no(r.chronology_on_file) or "Not recorded"),
    ],
    MetricKey.MANAGEMENT_OVERSIGHT: [
        STARTED,
        ENDED,
        Column("Oversight recorded on", lambda r: r.management_oversight_date),
    ],
    MetricKey.STRATEGY_AGENCIES: [
        Column("Discussion ID", lambda r: r.discussion_id),
        Column("Held", lambda r: r.date),
        Column("Agencies", lambda r: ", ".join(r.agencies)),
    ],
    MetricKey.REFERRER_ACKNOWLEDGED: [
        Column("Referral ID", lambda r: r.referral_id),
        Column("Received", lambda r: r.received_date),
        Column("Acknowledged", lambda r: r.acknowledgement_date),
        Column("Method", lambda r: r.get_acknowledgement_method_display()),
    ],
}
OVERDUE_COLUMNS = [STARTED, TARGET, Column("Completed", lambda r: r.end_date or "Open")]


def columns(metric: Metric, *, overdue: bool = False) -> list[Column]:
    """Child ID first, the metric's own columns, then team (and worker for S47 enquiries)."""
    middle = OVERDUE_COLUMNS if overdue else _BY_METRIC[metric.key]
    return [CHILD, *middle, TEAM, *([WORKER] if metric.model is S47Enquiry else [])]


ANSWER_COLUMNS = [
    Column("Child ID", lambda a: a.case_audit.child.child_id),
    Column("Record date", lambda a: a.case_audit.record_date),
    Column("Audit", lambda a: a.case_audit.audit.title),
    Column("Question", lambda a: f"{a.question.code} {a.question.text}"),
    Column("Answer", lambda a: answer_label(a)),
    Column("Counts as", lambda a: answer_score(a)),
    Column("Agency", lambda a: a.case_audit.get_agency_display()),
    Column("Team", lambda a: a.case_audit.team.name if a.case_audit.team else ""),
]


def answer_label(answer) -> str:
    """The answer as counted: for a reconciled double-scored case, the agreed one (`agreed_value`, annotated by
    metrics.selectors.drilldown_answers), saying what the auditor answered where it differs."""
    labels = dict(answer.Value.choices)
    agreed = getattr(answer, "agreed_value", answer.value)
    if agreed == answer.value:
        return labels.get(agreed, "")
    return f"{labels.get(agreed, '')} (agreed on reconciliation; the auditor answered {labels.get(answer.value, 'nothing')})"


def answer_score(answer) -> str:
    """What the answer adds to the figure: the `points` annotation of the one scoring rule
    (metrics.selectors.drilldown_answers, audits.scoring.answer_points)."""
    return f"{answer.points:g}"


def rows(records: Iterable, cols: list[Column], met_header: str | None) -> Iterator[list[object]]:
    for record in records:
        row = [column.value(record) for column in cols]
        if met_header:
            row.append("Met" if record.met else "Not met")
        yield row


def headers(cols: list[Column], met_header: str | None) -> list[str]:
    return [column.header for column in cols] + ([met_header] if met_header else [])
