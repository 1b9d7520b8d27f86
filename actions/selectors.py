"""Reads for action plans: RAG in the database, figures of issues, the effect check after a re-audit,
the issue/action table of the panel report, and the history of changes."""

import dataclasses
import datetime
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Case, CharField, Count, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.text import Truncator

from accounts.people import person_name
from actions.models import AMBER_WITHIN_DAYS, Action, ActionPlan, Evidence, PlanIssue, ProgressUpdate
from audits.models import Audit, Question
from audits.results import SCORED_STATUSES, AuditResults, audit_results
from common.figures import Figure
from metrics import measures
from metrics.models import MetricSnapshot

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

OPEN_STATUSES = (Action.Status.NOT_STARTED, Action.Status.IN_PROGRESS, Action.Status.AWAITING_SIGN_OFF)
RAG_TAG_CLASS = {
    Action.Rag.RED: "govuk-tag--red",
    Action.Rag.AMBER: "govuk-tag--orange",
    Action.Rag.GREEN: "govuk-tag--green",
    Action.Rag.COMPLETE: "govuk-tag--blue",
    Action.Rag.CANCELLED: "govuk-tag--grey",
}


# RAG ----------------------------------------------------------------------------------------------------


def rag_annotation(today: datetime.date) -> Case:
    """`Action.rag_on(today)` as a database expression, for filtering and counting lists."""
    return Case(
        When(status=Action.Status.COMPLETE, then=Value(Action.Rag.COMPLETE)),
        When(status=Action.Status.CANCELLED, then=Value(Action.Rag.CANCELLED)),
        When(due_date__lt=today, then=Value(Action.Rag.RED)),
        When(
            status=Action.Status.NOT_STARTED,
            due_date__lte=today + datetime.timedelta(days=AMBER_WITHIN_DAYS),
            then=Value(Action.Rag.AMBER),
        ),
        default=Value(Action.Rag.GREEN),
        output_field=CharField(),
    )


def overdue(today: datetime.date) -> Q:
    return Q(status__in=OPEN_STATUSES, due_date__lt=today)


class _Rag(TypedDict):
    rag: str


def with_rag(actions: QuerySet[Action], today: datetime.date) -> "QuerySet[WithAnnotations[Action, _Rag]]":
    return actions.annotate(rag=rag_annotation(today))


# Figures ------------------------------------------------------------------------------------------------


def combined_figure(results: AuditResults, codes: Sequence[str]) -> Figure | None:
    """One question's figure; for several, their numerators and denominators added together. None where no
    case answered them (not asked, or all Not applicable)."""
    found = []
    for code in codes:
        try:
            figure = results.question(code).figure
        except KeyError:
            continue
        if figure.denominator:
            found.append(figure)
    if not found:
        return None
    return Figure(sum(f.numerator for f in found), sum(f.denominator for f in found))


def questions_label(questions: Sequence[Question]) -> str:
    if len(questions) == 1:
        return f"{questions[0].code} {questions[0].text}"
    return ", ".join(q.code for q in questions) + " together"


def latest_metric_snapshot(metric_key: str) -> MetricSnapshot | None:
    """The latest month's all-teams figure from case records."""
    return (
        MetricSnapshot.objects.filter(
            metric=metric_key, source=MetricSnapshot.Source.RECORDS, team__isnull=True, denominator__gt=0
        )
        .order_by("-period")
        .first()
    )


def metric_label(metric_key: str, snapshot: MetricSnapshot | None) -> str:
    """ "Consent decision recorded, March 2014", and what the figure covers where records were left out."""
    metric = measures.get(metric_key)
    if not snapshot:
        return metric.name
    coverage = metric.coverage(snapshot.denominator, snapshot.unknown_count)
    return f"{metric.name}, {snapshot.period:%B %Y}" + (f", {coverage}" if coverage else "")


def rating_questions(audit: Audit) -> QuerySet[Question]:
    return Question.objects.filter(
        section__version=audit.tool_version_id, kind=Question.Kind.RATING
    ).order_by("section__order", "order")


# The plan page ------------------------------------------------------------------------------------------


@dataclasses.dataclass
class Effect:
    """An issue's figure when it was identified and now (after a re-audit, or the latest metric)."""

    before: Figure | None
    after: Figure | None
    after_label: str  # where the after figure comes from

    @property
    def change(self) -> int | None:
        if not self.before or not self.after or self.before.percent is None or self.after.percent is None:
            return None
        return self.after.percent - self.before.percent


def latest_reaudit(audit: Audit | None) -> Audit | None:
    """The latest re-audit of the plan's audit that has any scored case."""
    if audit is None:
        return None

    return (
        Audit.objects.filter(reaudit_of=audit, case_audits__status__in=SCORED_STATUSES)
        .select_related("tool_version")
        .order_by("-planned_month", "-pk")
        .first()
    )


def effects(plan: ActionPlan, issues: Iterable[PlanIssue]) -> dict[int, Effect]:
    """The effect check for each issue that has an after figure."""
    issues = list(issues)
    out: dict[int, Effect] = {}
    reaudit = latest_reaudit(plan.audit) if any(i.questions.all() for i in issues) else None
    after_results = audit_results(reaudit) if reaudit else None
    snapshots: dict[str, MetricSnapshot | None] = {}
    for issue in issues:
        codes = [q.code for q in issue.questions.all()]
        if codes and reaudit is not None and after_results is not None:
            after = combined_figure(after_results, codes)
            if after is not None:
                out[issue.pk] = Effect(issue.figure, after, f"Re-audit: {reaudit.title}")
        elif issue.metric:
            if issue.metric not in snapshots:
                snapshots[issue.metric] = latest_metric_snapshot(issue.metric)
            snapshot = snapshots[issue.metric]
            recorded = issue.figure_recorded_at
            if snapshot and (recorded is None or snapshot.computed_at > recorded):
                out[issue.pk] = Effect(
                    issue.figure, snapshot.figure, f"Case records, {snapshot.period:%B %Y}"
                )
    return out


def plan_issues(plan: ActionPlan, actions: QuerySet[Action], today: datetime.date) -> list[PlanIssue]:
    """The plan's issues with their questions and (filtered) actions, in a fixed number of queries."""
    action_rows = with_rag(actions, today).select_related("owner").order_by("due_date", "pk")
    return list(
        plan.issues.prefetch_related(
            Prefetch("questions", queryset=Question.objects.order_by("section__order", "order")),
            Prefetch("actions", queryset=action_rows, to_attr="shown_actions"),
        ).order_by("order", "pk")
    )


@dataclasses.dataclass(frozen=True)
class Progress:
    complete: int
    total: int  # actions not cancelled

    @property
    def percent(self) -> int:
        """Rounded as every figure is (common.figures): 5 of 8 complete is 63%, not Python's 62%."""
        return Figure(self.complete, self.total).percent or 0


def plan_progress(plan: ActionPlan) -> Progress:
    counts = Action.objects.filter(issue__plan=plan).aggregate(
        complete=Count("pk", filter=Q(status=Action.Status.COMPLETE)),
        total=Count("pk", filter=~Q(status=Action.Status.CANCELLED)),
    )
    return Progress(complete=counts["complete"], total=counts["total"])


def rag_counts(actions: QuerySet[Action], today: datetime.date) -> dict[str, int]:
    rows = with_rag(actions, today).order_by().values("rag").annotate(n=Count("pk"))
    return {row["rag"]: row["n"] for row in rows}


# The action page ----------------------------------------------------------------------------------------


def action_updates(action: Action) -> list[ProgressUpdate]:
    return list(
        action.updates.select_related("author").prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at", "pk"))
        )
    )


def action_has_evidence(action: Action) -> bool:
    return Evidence.objects.filter(update__action=action).exclude(scan=Evidence.Scan.INFECTED).exists()


# The panel report's issue/action table ------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class PlanTableAction:
    description: str
    lead: str
    due_date: datetime.date
    status_label: str
    rag: str
    latest_update: str  # "01/05/2024: Briefing held", or "" before the first update


@dataclasses.dataclass(frozen=True)
class PlanTableRow:
    issue_description: str
    figure_label: str
    figure: Figure | None  # the figure at the time the issue was identified
    figure_text: str  # 'Consent decision recorded: 41% (7 of 17)', or "" where no figure was recorded
    actions: list[PlanTableAction]


def _update_text(update: ProgressUpdate) -> str:
    return f"{update.written_on:%d/%m/%Y}: {update.note}"


def plan_table_rows(plan: ActionPlan, *, today: datetime.date) -> list[PlanTableRow]:
    """ "Issue identified" -> "Action taken by the service" (with lead, due date, status and RAG), in the
    plan's order, each action with its latest progress update; cancelled actions are left out. Three
    queries; carries no child's name."""
    latest = ProgressUpdate.objects.order_by("-written_on", "-id")
    actions = (
        Action.objects.exclude(status=Action.Status.CANCELLED)
        .order_by("due_date", "pk")
        .prefetch_related(Prefetch("updates", queryset=latest, to_attr="table_updates"))
    )
    issues = plan.issues.prefetch_related(Prefetch("actions", queryset=actions, to_attr="table_actions"))
    return [
        PlanTableRow(
            issue_description=issue.description,
            figure_label=issue.figure_label,
            figure=issue.figure,
            figure_text=issue.figure_text,
            actions=[
                PlanTableAction(
                    description=a.description,
                    lead=a.lead,
                    due_date=a.due_date,
                    status_label=a.get_status_display(),
                    rag=a.rag_on(today),
                    latest_update=_update_text(a.table_updates[0]) if a.table_updates else "",
                )
                for a in issue.table_actions
            ],
        )
        for issue in issues.order_by("order", "pk")
    ]


# History ------------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class FieldChange:
    field: str
    before: str
    after: str


@dataclasses.dataclass(frozen=True)
class HistoryEntry:
    when: datetime.datetime
    who: str
    what: str  # "Action created", "Action changed", ...
    subject: str
    reason: str
    changes: list[FieldChange]


HIDDEN_FIELDS = {"id", "uuid", "created_at", "updated_at", "created_by", "order", "figure_recorded_at"}


def _display(record, field_name: str, value) -> str:
    if value is None or value == "":
        return "-"
    field = record.instance_type._meta.get_field(field_name)
    if field.choices:
        return str(dict(field.choices).get(value, value))
    if field.is_relation:
        related = getattr(record, field_name, None)
        if related is not None:
            return str(getattr(related, "username", related))
    if isinstance(value, datetime.datetime):
        return f"{timezone.localtime(value):%d/%m/%Y %H:%M}"
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    return str(value)


def _entries(records: list, kind: str, subject) -> list[HistoryEntry]:
    """History rows of one object, oldest first, each with the fields it changed (simple_history's
    diff_against the previous row)."""
    entries = []
    previous = None
    for record in records:
        changes: list[FieldChange] = []
        if previous is not None:
            delta = record.diff_against(previous)
            for change in delta.changes:
                if change.field in HIDDEN_FIELDS:
                    continue
                label = str(record.instance_type._meta.get_field(change.field).verbose_name).capitalize()
                changes.append(
                    FieldChange(
                        label,
                        _display(previous, change.field, change.old),
                        _display(record, change.field, change.new),
                    )
                )
        verb = {"+": "created", "~": "changed", "-": "deleted"}[record.history_type]
        if record.history_type != "~" or changes:
            entries.append(
                HistoryEntry(
                    when=record.history_date,
                    who=person_name(record.history_user, nobody="System"),
                    what=f"{kind} {verb}",
                    subject=subject(record),
                    reason=record.history_change_reason or "",
                    changes=changes,
                )
            )
        previous = record
    return entries


def _by_object(records) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for record in records:
        grouped.setdefault(record.id, []).append(record)
    return grouped


def action_history(action: Action) -> list[HistoryEntry]:
    records = list(
        action.history.select_related("history_user", "owner", "signed_off_by").order_by(
            "history_date", "history_id"
        )
    )
    return _newest_first(_entries(records, "Action", lambda r: Truncator(r.description).chars(80)))


def plan_history(plan: ActionPlan) -> list[HistoryEntry]:
    """Every change to the plan, its issues and their actions, newest first."""
    entries = _entries(
        list(plan.history.select_related("history_user", "lead").order_by("history_date", "history_id")),
        "Plan",
        lambda r: r.title,
    )
    issue_records = PlanIssue.history.filter(plan_id=plan.pk).select_related("history_user")
    for records in _by_object(issue_records.order_by("history_date", "history_id")).values():
        entries += _entries(records, "Issue", lambda r: Truncator(r.description).chars(80))
    issue_ids = set(PlanIssue.history.filter(plan_id=plan.pk).values_list("id", flat=True))
    action_records = Action.history.filter(issue_id__in=issue_ids).select_related(
        "history_user", "owner", "signed_off_by"
    )
    for records in _by_object(action_records.order_by("history_date", "history_id")).values():
        entries += _entries(records, "Action", lambda r: Truncator(r.description).chars(80))
    return _newest_first(entries)


def _newest_first(entries: list[HistoryEntry]) -> list[HistoryEntry]:
    # Each object's entries are oldest first; reversed before a stable sort, changes made in the same
    # instant (one transaction) stay newest first.
    return sorted(reversed(entries), key=lambda e: e.when, reverse=True)
