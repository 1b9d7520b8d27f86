"""Reads for the dashboard (snapshots only) and the drill-downs (case records the user may see)."""

import dataclasses
import datetime
from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import BooleanField, Case, Count, Model, Q, QuerySet, Value, When
from django.utils import timezone

from audits import scoring
from audits.access import case_audits_visible_to
from audits.models import Answer, CaseAudit
from cases import selectors as case_selectors
from cases.models import Referral, S47Enquiry, StrategyDiscussion, Team
from common.child_ids import normalise_child_id
from common.figures import Figure
from metrics import measures
from metrics.measures import METRICS, Metric
from metrics.models import MetricRun, MetricSnapshot, MetricTarget
from metrics.periods import add_months, month_end, months

RECORDS, AUDIT = MetricSnapshot.Source.RECORDS, MetricSnapshot.Source.AUDIT
DISAGREEMENT_POINTS = 10  # recorded data and auditors' findings this far apart are flagged


@dataclasses.dataclass
class MonthFigures:
    month: datetime.date
    records: Figure
    audit: Figure | None = None
    related: int | None = None
    unknown: int = 0  # records of the month left out: their sources did not hold the metric's fields


@dataclasses.dataclass
class MetricPanel:
    metric: Metric
    months: list[MonthFigures]  # the selected period, oldest first
    latest: MonthFigures
    previous: MonthFigures
    target: MetricTarget | None
    records_total: Figure  # the whole period
    audit_total: Figure | None
    records_unknown: int = 0  # records of the whole period left out (MonthFigures.unknown)

    @property
    def coverage(self) -> str:
        """What the latest month's figure covers, where records were left out ("" if none were)."""
        return self.metric.coverage(self.latest.records.denominator, self.latest.unknown)

    @property
    def total_coverage(self) -> str:
        return self.metric.coverage(self.records_total.denominator, self.records_unknown)

    @property
    def change(self) -> int | None:
        """Percentage points since the month before the latest."""
        if self.latest.records.percent is None or self.previous.records.percent is None:
            return None
        return self.latest.records.percent - self.previous.records.percent

    @property
    def related_total(self) -> int:
        return sum(m.related or 0 for m in self.months)

    @property
    def status(self) -> str | None:
        return self.target.status(self.latest.records.percent) if self.target else None

    @property
    def disagreement(self) -> int | None:
        """Points between the auditors' findings and the recorded data over the period, if far apart."""
        if not self.audit_total or self.audit_total.percent is None or self.records_total.percent is None:
            return None
        gap = self.audit_total.percent - self.records_total.percent
        return gap if abs(gap) >= DISAGREEMENT_POINTS else None


@dataclasses.dataclass
class CountMonth:
    month: datetime.date
    cp_plans: int | None
    looked_after: int | None


@dataclasses.dataclass
class LeavingCare:
    count: int
    by: datetime.date  # the last month counted
    as_at: datetime.date | None  # when the figures were computed


@dataclasses.dataclass
class Dashboard:
    first: datetime.date
    last: datetime.date
    team: Team | None
    panels: list[MetricPanel]
    counts: list[CountMonth]
    leaving_care: LeavingCare
    computed_at: datetime.datetime | None


def _figure(row) -> Figure:
    return Figure(float(row[0]), row[1]) if row else Figure(0, 0)


def _total(rows) -> Figure:
    return Figure(float(sum(r[0] for r in rows)), sum(r[1] for r in rows))


def dashboard(
    *,
    first: datetime.date,
    last: datetime.date,
    team: Team | None,
    leaving_months: int,
    targets: dict[str, MetricTarget],
    today: datetime.date,
) -> Dashboard:
    """Every figure the dashboard shows, from one query of the snapshots."""
    team_filter = Q(team=team) if team else Q(team__isnull=True)
    before = add_months(first, -1)  # the month before the first, for the first month's change
    rows = (
        MetricSnapshot.objects.filter(team_filter)
        .filter(Q(period__gte=before, period__lte=last) | Q(metric=measures.LEAVING_CARE.key))
        .order_by()
        .values_list(
            "metric",
            "source",
            "period",
            "numerator",
            "denominator",
            "related_count",
            "computed_at",
            "unknown_count",
        )
    )
    found: dict[tuple[str, str, datetime.date], tuple] = {}
    computed_at = None
    leaving: list[tuple[datetime.date, int, datetime.datetime]] = []
    for metric, source, period, numerator, denominator, related, at, unknown in rows:
        computed_at = max(computed_at, at) if computed_at else at
        if metric == measures.LEAVING_CARE.key:
            leaving.append((period, int(numerator), at))
        else:
            found[(metric, source, period)] = (numerator, denominator, related, unknown)
    selected = months(first, last)
    panels = [_panel(metric, found, selected, before, targets.get(metric.key)) for metric in METRICS]
    counts = [
        CountMonth(
            month,
            _count(found.get((measures.CP_PLANS.key, RECORDS, month))),
            _count(found.get((measures.LOOKED_AFTER.key, RECORDS, month))),
        )
        for month in selected
    ]
    return Dashboard(
        first, last, team, panels, counts, _leaving_care(leaving, leaving_months, today), computed_at
    )


def _count(row) -> int | None:
    return int(row[0]) if row else None


def _panel(metric, found, selected, before, target) -> MetricPanel:
    def month_figures(month):
        records = found.get((metric.key, RECORDS, month))
        audit = found.get((metric.key, AUDIT, month))
        return MonthFigures(
            month=month,
            records=_figure(records),
            audit=_figure(audit) if metric.audit_question else None,
            related=(records[2] if records else 0) if metric.related else None,
            unknown=records[3] if records else 0,
        )

    series = [month_figures(month) for month in selected]
    previous = series[-2] if len(series) > 1 else month_figures(before)
    audit_rows = [found[k] for m in selected if (k := (metric.key, AUDIT, m)) in found]
    record_rows = [found[k] for m in selected if (k := (metric.key, RECORDS, m)) in found]
    return MetricPanel(
        metric=metric,
        months=series,
        latest=series[-1],
        previous=previous,
        target=target,
        records_total=_total(record_rows),
        audit_total=_total(audit_rows) if metric.audit_question else None,
        records_unknown=sum(row[3] for row in record_rows),
    )


def _leaving_care(rows, leaving_months: int, today: datetime.date) -> LeavingCare:
    if not rows:
        return LeavingCare(0, add_months(today.replace(day=1), leaving_months), None)
    as_at = timezone.localdate(max(at for _, _, at in rows))
    by = add_months(as_at.replace(day=1), leaving_months)
    return LeavingCare(sum(count for period, count, _ in rows if period <= by), by, as_at)


def targets_by_metric() -> dict[str, MetricTarget]:
    return {target.metric: target for target in MetricTarget.objects.all()}


def run_in_progress() -> MetricRun | None:
    return (
        MetricRun.objects.filter(status__in=[MetricRun.Status.QUEUED, MetricRun.Status.RUNNING])
        .order_by("-created_at")
        .first()
    )


# Drill-downs ---------------------------------------------------------------------------------------------

_VISIBLE: dict[type[Model], Callable[[User | AnonymousUser], QuerySet]] = {
    S47Enquiry: case_selectors.s47_enquiries_visible_to,
    StrategyDiscussion: case_selectors.strategy_discussions_visible_to,
    Referral: case_selectors.referrals_visible_to,
}
_RELATED: dict[type[Model], tuple[str, ...]] = {
    S47Enquiry: ("child", "team", "worker"),
    StrategyDiscussion: ("child", "team"),
}


def met_expression(metric: Metric) -> Case:
    return Case(When(metric.numerator, then=Value(True)), default=Value(False), output_field=BooleanField())


def drilldown_records(
    user: User | AnonymousUser,
    metric: Metric,
    *,
    first: datetime.date,
    last: datetime.date,
    team: Team | None = None,
    related: bool = False,
    met: bool | None = None,
    child_id: str = "",
    today: datetime.date,
) -> QuerySet:
    """The records behind a figure, each annotated `met`, those not met first: the denominator of the
    months from `first` to `last` (or, with `related`, the records of the count beside it), limited to
    what the user may see."""
    queryset = _VISIBLE[metric.model](user)
    if related and metric.related and metric.related.at_period_end:
        queryset = queryset.filter(measures.s47_overdue_at_period_end(month_end(last), today))
        order: tuple[str, ...] = ("target_date", "pk")
    else:
        queryset = queryset.filter(metric.in_period(first, month_end(last)))
        if related and metric.related:
            queryset = queryset.filter(metric.related.condition)
        order = ("met", metric.period_field, "pk")  # not met (False) first, then as they happened
    if team is not None:
        queryset = queryset.filter(team=team)
    if child_id:
        queryset = queryset.filter(child__child_id=normalise_child_id(child_id))
    queryset = queryset.annotate(met=met_expression(metric))
    if met is not None:
        queryset = queryset.filter(met=met)
    return queryset.select_related(*_RELATED.get(metric.model, ("child", "team"))).order_by(*order)


def drilldown_pages(records: QuerySet, *, met: bool | None) -> tuple[list[QuerySet], tuple[str, ...]]:
    """The records of `drilldown_records` (given the same `met`) as common.pagination.keyset_page reads
    them a page at a time: runs one after another, each in the order of the keys returned. Records ordered
    not met first are two runs, those not met then those met, each by (period date, pk): each page is then
    a range of the period date's index, never a sort of every record of the period by `met` (a CASE over
    the standard's fields)."""
    order = tuple(str(key) for key in records.query.order_by)  # field names (drilldown_records)
    if order[0] != "met":
        return [records], order
    if met is not None:  # one run already
        return [records], order[1:]
    return [records.filter(met=False), records.filter(met=True)], order[1:]


def drilldown_coverage(
    user: User | AnonymousUser,
    metric: Metric,
    *,
    first: datetime.date,
    last: datetime.date,
    team: Team | None = None,
    today: datetime.date,
) -> tuple[int, int]:
    """(listed, in the period): the records of the figure's denominator the user may see, and those
    with the records whose sources did not hold the metric's fields, which the list leaves out."""
    queryset = _VISIBLE[metric.model](user).filter(metric.in_period(first, month_end(last), held_only=False))
    if team is not None:
        queryset = queryset.filter(team=team)
    totals = queryset.order_by().aggregate(held=Count("pk", filter=metric.held), every=Count("pk"))
    return totals["held"], totals["every"]


def drilldown_answers(
    user: User | AnonymousUser,
    metric: Metric,
    *,
    first: datetime.date,
    last: datetime.date,
    team: Team | None = None,
    child_id: str = "",
) -> QuerySet:
    """The auditors' answers behind an audit figure (the case audits the user may see): those that count
    by the one scoring rule (audits.scoring), each annotated with the `points` it adds."""
    # A double-scored case counts once: its first scoring, with the agreed answers once reconciled.
    queryset = scoring.with_agreed_values(Answer.objects.all()).filter(
        scoring.counts(agreed=True),
        case_audit__in=case_audits_visible_to(user),
        case_audit__status__in=[CaseAudit.Status.SUBMITTED, CaseAudit.Status.MODERATED],
        case_audit__scoring=1,
        question__measures=metric.key,
        case_audit__record_date__gte=first,
        case_audit__record_date__lte=month_end(last),
    )
    if team is not None:
        queryset = queryset.filter(case_audit__team=team)
    if child_id:
        queryset = queryset.filter(case_audit__child__child_id=normalise_child_id(child_id))
    return (
        queryset.annotate(points=scoring.answer_points(agreed=True))
        .select_related(
            "question", "case_audit__child", "case_audit__team", "case_audit__audit__tool_version"
        )
        .order_by("case_audit__record_date", "pk")
    )


def answers_figure(answers: QuerySet) -> Figure:
    """The audit figure of a list of answers (from `drilldown_answers`, which annotates the agreed values), by
    the one scoring rule (audits.scoring)."""
    tally = scoring.Tally.of(answers.order_by().aggregate(**scoring.tally(agreed=True)))
    return Figure(tally.points, tally.counted)
