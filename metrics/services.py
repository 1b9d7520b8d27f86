"""Writes: recomputing the metric snapshots, queueing and running a recomputation, and setting targets.

Every figure is counted by the database (conditional aggregation: `Count(filter=Q(...))`, grouped by
month with TruncMonth and by team); Python only adds the teams' figures together for "all teams" and,
for counts on a date (open and overdue, plans and episodes in force), spreads each group's count over
the months it covers. No case record is ever loaded into Python here.

Idempotent: each scope (the metrics one query computes) replaces all of its snapshots in one
transaction, under a lock held until that transaction ends, so running twice, or two runs at once,
leaves one correct set of rows (the second run waits for the first's scope, then replaces it).
"""

import collections
import contextlib
import dataclasses
import datetime
import functools
import logging
import zlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import NoReturn

from django.contrib.auth.models import User
from django.db import DatabaseError, NotSupportedError, connection, transaction
from django.db.models import Count, DateField, F, Func, Min, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from audits import scoring
from audits.models import Answer, CaseAudit
from cases import standards
from cases.events import Earliest
from cases.models import Child, CPPlan, LookedAfterEpisode, S47Enquiry
from cases.standards import AUDIT_KEYS, MetricKey
from common.birthdays import born_by
from common.history import save_with_history
from metrics import measures
from metrics.measures import COUNT_MEASURES, METRICS, Metric
from metrics.models import MetricRun, MetricSnapshot, MetricTarget
from metrics.periods import add_months, month_end, month_index, month_start

logger = logging.getLogger(__name__)

RECORDS, AUDIT = MetricSnapshot.Source.RECORDS, MetricSnapshot.Source.AUDIT
STALE_RUN = datetime.timedelta(minutes=30)  # a run still "running" after this was lost with its worker
THREADS = 2  # scopes computed at once: the reference machine has two cores


@dataclasses.dataclass
class Tally:
    numerator: float = 0
    denominator: int = 0
    related: int | None = None
    unknown: int = 0  # records of the period left out: their sources did not hold the metric's fields

    def add(self, other: "Tally") -> None:
        self.numerator += other.numerator
        self.denominator += other.denominator
        self.unknown += other.unknown
        if other.related is not None:
            self.related = (self.related or 0) + other.related


# (metric key, period, team id or None) -> Tally
Tallies = dict[tuple[str, datetime.date, int | None], Tally]


@dataclasses.dataclass(frozen=True)
class Scope:
    """Metrics computed together and replaced together.

    `compute(today, first)` counts every month, or with `first` (the first day of a month) only the months
    from `first` on, each exactly as counting every month would; a scope that is not `windowed` always
    counts every month. `reads`: the models (app_label.model) whose rows its figures count."""

    name: str
    keys: tuple[str, ...]
    source: str
    compute: Callable[[datetime.date, datetime.date | None], Tallies]
    reads: tuple[str, ...]
    windowed: bool = False
    settles: bool = True  # a month's figures stay as they are once it is over (unless records change)


class MonthOf(TruncMonth):
    """The first day of a date's month (TruncMonth of a DateField, as a date).

    On PostgreSQL, DATE_TRUNC of a date picks the `timestamp with time zone` variant and converts every
    row to the session's time zone and back: truncating a plain timestamp gives the same month at a
    fraction of the cost, which matters over a million rows.
    """

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.lhs)
        return f"DATE_TRUNC('month', ({sql})::timestamp)::date", params


class FirstOfMonthFrom(Func):
    """The first day of a month on or after a date: 1 March 2014 for 1 March, 1 April for 2 March."""

    output_field = DateField()
    arity = 1

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return (
            f"(DATE_TRUNC('month', ({sql})::timestamp - INTERVAL '1 day') + INTERVAL '1 month')::date",
            params,
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"date({sql}, '-1 day', 'start of month', '+1 month')", params

    def as_sql(
        self, compiler, connection, function=None, template=None, arg_joiner=None, **extra_context
    ) -> NoReturn:
        raise NotSupportedError("FirstOfMonthFrom is written for PostgreSQL and SQLite.")


# Population metrics ------------------------------------------------------------------------------------


def _population(
    group: tuple[Metric, ...], today: datetime.date, first: datetime.date | None = None
) -> Tallies:
    """One query for metrics that share a model and a period date: numerator and denominator per month
    and team, by conditional aggregation. Only records whose sources held a metric's fields count in it;
    the others of its denominator are counted apart (`Tally.unknown`), so the figure says what it covers.
    With `first`, only the months from `first` on (a month's figures count only records of that month)."""
    model, field = group[0].model, group[0].period_field
    aliases: dict[Q | None, str] = {}  # one COUNT per distinct condition: metrics share denominators

    def count_of(condition: Q) -> str:
        return aliases.setdefault(condition or None, f"count_{len(aliases)}")

    columns = {
        metric.key: (
            count_of(metric.denominator & metric.held & metric.numerator),
            count_of(metric.denominator & metric.held),
            count_of(metric.denominator & metric.held & metric.related.condition)
            if metric.related and metric.related.condition is not None
            else None,
            count_of(metric.denominator),
        )
        for metric in group
    }
    in_months = Q(**{f"{field}__isnull": False, f"{field}__lte": month_end(month_start(today))})
    if first is not None:
        in_months &= Q(**{f"{field}__gte": first})
    rows = (
        model._default_manager.filter(in_months)
        .order_by()  # the model's default ordering would join the GROUP BY
        .values("team_id", period=MonthOf(field))
        .annotate(**{alias: Count("pk", filter=condition) for condition, alias in aliases.items()})
    )
    tallies: Tallies = {}
    for row in rows:
        for metric in group:
            numerator, denominator, related, every = columns[metric.key]
            tally = Tally(
                row[numerator],
                row[denominator],
                row[related] if related else None,
                row[every] - row[denominator],
            )
            if metric.related and metric.related.at_period_end:
                tally.related = 0
            tallies[(metric.key, row["period"], row["team_id"])] = tally
    if any(metric.related and metric.related.at_period_end for metric in group):
        _add_open_and_overdue(tallies, group, today, first)
    return _with_all_teams(_from(tallies, first))


def _from(tallies: Tallies, first: datetime.date | None) -> Tallies:
    """The tallies of the months from `first` on (all of them without it)."""
    if first is None:
        return tallies
    return {
        (key, period, team_id): tally for (key, period, team_id), tally in tallies.items() if period >= first
    }


def _add_open_and_overdue(
    tallies: Tallies, group: tuple[Metric, ...], today: datetime.date, first: datetime.date | None = None
) -> None:
    """Enquiries open and past their target at the end of each month; for this month, today.

    The database counts late and open enquiries by team, month of target and month of completion. A
    group is open and overdue at the end of every month from its target's month to the month before it
    was completed (measures.s47_open_and_overdue_at); this month's figure is `standards.s47_open_and_overdue`
    today, counted in the same query. Enquiries whose sources held no end date are not known to be open.
    """
    (metric,) = [m for m in group if m.related and m.related.at_period_end]
    this_month = month_start(today)
    late_or_open = S47Enquiry.objects.filter(Q(end_date__isnull=True) | Q(end_date__gt=F("target_date")))
    # From `first` (a refresh): those still open, and those completed from `first` on (completed before,
    # they are open at the end of no month from `first` on, nor today), as two queries, each one range of
    # the late-or-open index (cases 0005); as one, `end_date IS NULL OR end_date >= first` read all of it.
    parts = (
        [late_or_open]
        if first is None
        else [late_or_open.filter(end_date__isnull=True), late_or_open.filter(end_date__gte=first)]
    )
    groups = [
        row
        for part in parts
        for row in part.filter(standards.HOLDS_END_DATE)
        .order_by()
        .values("team_id", due=MonthOf("target_date"), completed=MonthOf("end_date"))
        # Counts of target_date (never null), not of the id: then every column read is in the late-or-open
        # index, and PostgreSQL counts from the index alone.
        .annotate(
            count=Count("target_date"),
            overdue_now=Count("target_date", filter=standards.s47_open_and_overdue(today)),
        )
    ]
    spans: list[tuple[int | None, datetime.date, datetime.date, int]] = []
    now: collections.Counter[int | None] = collections.Counter()
    for row in groups:
        last = add_months(row["completed"], -1) if row["completed"] else this_month
        spans.append((row["team_id"], row["due"], min(last, add_months(this_month, -1)), row["count"]))
        now[row["team_id"]] += row["overdue_now"]
    counts = _spread(spans)
    for team_id, count in now.items():
        counts[(team_id, this_month)] = count
    for (team_id, month), count in counts.items():
        # A month with none open and overdue gets a figure only if it has one of its own already (every
        # figure from the population query has related 0 to begin with): a zero between two spans, or
        # beside an enquiry completed long before, would make the months counted depend on how far
        # back the count began, and a refresh from a later month must leave the same rows.
        key = (metric.key, month, team_id)
        if key in tallies:
            tallies[key].related = count
        elif count:
            tallies[key] = Tally(0, 0, count)


def _spread(spans: Iterable[tuple[int | None, datetime.date, datetime.date, int]]) -> dict:
    """Counts over inclusive month spans -> the total in each (team, month), by a difference array."""
    deltas: dict[int | None, collections.Counter] = collections.defaultdict(collections.Counter)
    for team_id, first, last, count in spans:
        if first <= last:
            deltas[team_id][month_index(first)] += count
            deltas[team_id][month_index(last) + 1] -= count
    totals = {}
    for team_id, by_index in deltas.items():
        running = 0
        indexes = sorted(by_index)
        for index in range(indexes[0], indexes[-1]):
            running += by_index.get(index, 0)
            totals[(team_id, datetime.date(index // 12, index % 12 + 1, 1))] = running
    return totals


def _with_all_teams(tallies: Tallies) -> Tallies:
    """Adds the "all teams" figure (team None) of each metric and month: the sum over the teams."""
    combined: Tallies = {}
    for (key, period, team_id), tally in tallies.items():
        if team_id is None:  # records with no team count only towards all teams
            continue
        combined[(key, period, team_id)] = tally
    for (key, period, _team_id), tally in tallies.items():
        total = combined.setdefault((key, period, None), Tally(0, 0, None))
        total.add(tally)
    return combined


# Audit metrics -----------------------------------------------------------------------------------------


def _audit(today: datetime.date, first: datetime.date | None = None) -> Tallies:
    """Answers to questions that measure a population metric, in submitted and moderated case audits, by
    the month of the audited record, scored by the one rule (audits.scoring): Yes 1, Partly a half (if
    the tool version says so), No 0; Not applicable, unanswered and questions not asked of the case
    (a conditional question whose condition is not met, a sub-sample question outside it) are left out."""
    rows = (
        # A double-scored case counts once: its first scoring, with the agreed answers once reconciled.
        Answer.objects.filter(
            scoring.counts(agreed=True),
            case_audit__status__in=[CaseAudit.Status.SUBMITTED, CaseAudit.Status.MODERATED],
            case_audit__scoring=1,
            question__measures__in=AUDIT_KEYS,
            case_audit__record_date__lte=month_end(month_start(today)),
        )
        .order_by()
        .values(
            key=F("question__measures"),
            period=MonthOf("case_audit__record_date"),
            team_id=F("case_audit__team_id"),
        )
        .annotate(**scoring.tally(agreed=True))
    )
    tallies = {}
    for row in rows:
        tally = scoring.Tally.of(row)
        tallies[(row["key"], row["period"], row["team_id"])] = Tally(tally.points, tally.counted)
    return _with_all_teams(tallies)


# Counts over time ---------------------------------------------------------------------------------------


def _in_force_on_first_days(
    model, measure_key: str, today: datetime.date, first: datetime.date | None = None
) -> Tallies:
    """Plans (or episodes) in force on the first day of each month: started on or before that day and not
    ended by it. A child has one plan (one episode) in force at a time, so this counts children.

    A plan is in force on the first days from the first one on or after its start up to, not including,
    the first one on or after its end. The database counts the starts and the ends by team and by that
    first day; the counts in force are the running totals of starts less ends.
    """
    this_month = month_start(today)
    starts = (
        model.objects.filter(start_date__lte=today)
        .order_by()
        .values("team_id", month=FirstOfMonthFrom("start_date"))
        .annotate(count=Count("pk"))
    )
    ends = (
        model.objects.filter(start_date__lte=today, end_date__isnull=False)
        .order_by()
        .values("team_id", month=FirstOfMonthFrom("end_date"))
        .annotate(count=Count("pk"))
    )
    deltas: dict[int | None, collections.Counter] = collections.defaultdict(collections.Counter)
    for rows, sign in ((starts, 1), (ends, -1)):
        for row in rows:
            deltas[row["team_id"]][row["month"]] += sign * row["count"]
    tallies: Tallies = {}
    for team_id, by_month in deltas.items():
        running = 0
        months = sorted(by_month)
        month = months[0]
        while month <= this_month:
            running += by_month.get(month, 0)
            tallies[(measure_key, month, team_id)] = Tally(running, 0)
            month = add_months(month, 1)
    return _with_all_teams(tallies)


def _leaving_care(today: datetime.date, first: datetime.date | None = None) -> Tallies:
    """Young people looked after today, by the month of their 18th birthday (from tomorrow on)."""
    horizon = month_end(add_months(month_start(today), measures.LEAVING_CARE_MONTHS_STORED))
    rows = (
        LookedAfterEpisode.objects.filter(Q(end_date__isnull=True) | Q(end_date__gt=today))
        .filter(
            start_date__lte=today,
            child__date_of_birth__gt=born_by(today, 18),
            child__date_of_birth__lte=born_by(horizon, 18),
        )
        .order_by()
        .values("team_id", born=MonthOf("child__date_of_birth"))
        .annotate(count=Count("child_id", distinct=True))
    )
    tallies: Tallies = {
        (measures.LEAVING_CARE.key, add_months(row["born"], 18 * 12), row["team_id"]): Tally(row["count"], 0)
        for row in rows
    }
    return _with_all_teams(tallies)


def _population_scopes() -> list[Scope]:
    groups: dict[tuple, list[Metric]] = {}
    for metric in METRICS:
        groups.setdefault((metric.model, metric.period_field), []).append(metric)
    return [
        Scope(
            name=f"{group[0].model._meta.model_name}-{group[0].period_field}",
            keys=tuple(m.key for m in group),
            source=RECORDS,
            compute=functools.partial(_population, tuple(group)),
            reads=(group[0].model._meta.label_lower,),
            windowed=True,
        )
        for group in groups.values()
    ]


def _label(model) -> str:
    return model._meta.label_lower


SCOPES: list[Scope] = [
    *_population_scopes(),
    Scope("audit", AUDIT_KEYS, AUDIT, _audit, reads=(_label(CaseAudit), _label(Answer))),
    Scope(
        "cp-plans",
        (measures.CP_PLANS.key,),
        RECORDS,
        functools.partial(_in_force_on_first_days, CPPlan, measures.CP_PLANS.key),
        reads=(_label(CPPlan),),
    ),
    Scope(
        "looked-after",
        (measures.LOOKED_AFTER.key,),
        RECORDS,
        functools.partial(_in_force_on_first_days, LookedAfterEpisode, measures.LOOKED_AFTER.key),
        reads=(_label(LookedAfterEpisode),),
    ),
    Scope(
        "leaving-care",
        (measures.LEAVING_CARE.key,),
        RECORDS,
        _leaving_care,
        reads=(_label(LookedAfterEpisode), _label(Child)),
        settles=False,
    ),
]
assert {key for scope in SCOPES if scope.source == RECORDS for key in scope.keys} == set(MetricKey)
assert len(COUNT_MEASURES) == 3


# Writing ------------------------------------------------------------------------------------------------


_LOCK_BASE = 0x6D657472 << 32  # "metr": keeps these keys apart from other advisory locks


def _lock(scope: Scope) -> None:
    """Serialises writers of one scope until the transaction ends (SQLite serialises all writers)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Compiling these one-pass aggregates to machine code (JIT) takes longer than running them.
            cursor.execute("SET LOCAL jit = off")
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s::bigint)", [_LOCK_BASE | zlib.crc32(scope.name.encode())]
            )


def _stored_differences(scope: Scope, stored, tallies: Tallies) -> int:
    """How many stored figures the fresh tallies correct: ones that differ or go, and ones missing.

    Only months that were over when the stored figures were counted are compared: a month's figures
    change while it runs (open and overdue as of today) and never after, except by a change to the
    records. A scope whose figures all depend on the day (leaving care: looked after today) is not
    compared. Figures never counted (an empty table) are not corrections."""
    counted_at = stored.aggregate(earliest=Min("computed_at"))["earliest"]
    if not scope.settles or counted_at is None:
        return 0
    settled = month_start(timezone.localdate(counted_at))
    fresh = {
        (key, period, team_id): (round(float(t.numerator), 1), t.denominator, t.related, t.unknown)
        for (key, period, team_id), t in tallies.items()
        if period < settled
    }
    differing = 0
    for metric, period, team_id, numerator, denominator, related, unknown in stored.filter(
        period__lt=settled
    ).values_list(
        "metric", "period", "team_id", "numerator", "denominator", "related_count", "unknown_count"
    ):
        counted = fresh.pop((metric, period, team_id), None)
        differing += counted != (float(numerator), denominator, related, unknown)
    return differing + len(fresh)


@dataclasses.dataclass
class Written:
    snapshots: int = 0
    corrected: int = 0  # figures that differed from what was stored (counted when checking)


def metrics_recompute_scope(
    scope: Scope,
    *,
    today: datetime.date,
    now: datetime.datetime,
    first: datetime.date | None = None,
    check: bool = False,
) -> Written:
    """Replaces the scope's snapshots with freshly counted ones: every month's, or (a windowed scope, with
    `first`) those of the months from `first` on. With `check`, counts the figures that change."""
    if not scope.windowed:
        first = None
    with transaction.atomic():
        _lock(scope)
        tallies = scope.compute(today, first)
        stored = MetricSnapshot.objects.filter(metric__in=scope.keys, source=scope.source)
        if first is not None:
            stored = stored.filter(period__gte=first)
        corrected = _stored_differences(scope, stored, tallies) if check else 0
        stored.delete()
        rows = MetricSnapshot.objects.bulk_create(
            [
                MetricSnapshot(
                    metric=key,
                    source=scope.source,
                    period=period,
                    team_id=team_id,
                    numerator=tally.numerator,
                    denominator=tally.denominator,
                    related_count=tally.related,
                    unknown_count=tally.unknown,
                    computed_at=now,
                )
                for (key, period, team_id), tally in tallies.items()
            ],
            batch_size=2000,
        )
    return Written(len(rows), corrected)


Plan = list[tuple[Scope, datetime.date | None]]  # each scope to count, from the first of a month or all


def refresh_plan(since: Earliest) -> Plan:
    """The scopes an import's writes make stale, each from the first month they can have changed: a
    record counts only in months on or after its dates (started, due, completed, in force), so no
    figure of a month before the earliest date written, before or after the change, moves. A scope
    that cannot count some months alone (plans in force carry over) is counted whole."""
    plan: Plan = []
    for scope in SCOPES:
        days = [day for label in scope.reads if (day := since.get(label)) is not None]
        if days:
            plan.append((scope, month_start(min(days)) if scope.windowed else None))
    return plan


def _write(
    plan: Plan, *, today: datetime.date, check: bool, progress: Callable[[Written], None] | None
) -> Written:
    """Writes the plan's scopes (see metrics_recompute for how); returns the totals."""
    now = timezone.now()

    def one(step: tuple[Scope, datetime.date | None]) -> Written:
        scope, first = step
        written = metrics_recompute_scope(scope, today=today, now=now, first=first, check=check)
        if progress:
            progress(written)
        return written

    if connection.vendor != "postgresql" or connection.in_atomic_block or THREADS < 2 or len(plan) < 2:
        results = [one(step) for step in plan]
    else:

        def in_thread(step: tuple[Scope, datetime.date | None]) -> Written:
            try:
                return one(step)
            finally:
                connection.close()  # this thread's own connection

        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            results = list(pool.map(in_thread, plan))
    return Written(sum(w.snapshots for w in results), sum(w.corrected for w in results))


def metrics_recompute(
    *,
    today: datetime.date | None = None,
    progress: Callable[[Written], None] | None = None,
    check: bool = False,
) -> int:
    """Recomputes every metric for every month and team; returns the number of snapshots written. With
    `check`, each scope counts the figures it corrected (`progress` is given them).

    On PostgreSQL, outside a transaction (a worker, a request), scopes are computed THREADS at a time, each
    on its own connection: one scope's query runs while another's rows are added up and written. Inside a
    transaction (tests) the scopes run one after another on this connection, which sees its own writes.
    """
    plan: Plan = [(scope, None) for scope in SCOPES]
    return _write(plan, today=today or timezone.localdate(), check=check, progress=progress).snapshots


def metrics_refresh(
    *, since: Earliest, today: datetime.date | None = None, progress: Callable[[Written], None] | None = None
) -> int:
    """Recomputes only what an import's writes make stale (`refresh_plan`): the same figures, in far less
    time than everything when the import holds recent records. Returns the number of snapshots written."""
    return _write(
        refresh_plan(since), today=today or timezone.localdate(), check=False, progress=progress
    ).snapshots


def _since_of(run: MetricRun) -> Earliest:
    return {label: datetime.date.fromisoformat(day) if day else None for label, day in run.since.items()}


def _merged(first: Earliest, second: Earliest) -> Earliest:
    merged = dict(first)
    for label, day in second.items():
        known = merged.get(label)
        merged[label] = day if known is None else known if day is None else min(known, day)
    return merged


def _as_json(since: Earliest) -> dict[str, str | None]:
    return {label: day.isoformat() if day else None for label, day in sorted(since.items())}


def _waiting_run() -> MetricRun | None:
    """The run queued and not yet started, locked until the caller's transaction ends. A run queued longer
    ago than STALE_RUN lost its task (queued while the broker was down, or the message was lost): it is
    marked failed, saying so, so that it does not stop every later request from queueing a new one."""
    lost = MetricRun.objects.filter(status=MetricRun.Status.QUEUED, created_at__lt=timezone.now() - STALE_RUN)
    lost.update(
        status=MetricRun.Status.FAILED,
        finished_at=timezone.now(),
        error="Never started: its task did not reach a worker (was the broker down?). A new run was queued.",
    )
    return MetricRun.objects.select_for_update().filter(status=MetricRun.Status.QUEUED).first()


@transaction.atomic
def metrics_run_queue(*, trigger: str, user: User | None = None) -> tuple[MetricRun, bool]:
    """A queued run row, and whether it is new: the run already waiting to start is returned as it is
    (a second press is a no-op), made a recomputation of everything if it was a refresh. The caller
    queues the task for a new one (metrics.tasks.metrics_run_request)."""
    waiting = _waiting_run()
    if waiting is not None:
        if waiting.since:
            waiting.since, waiting.steps_total = {}, len(SCOPES)
            waiting.save(update_fields=["since", "steps_total"])
        return waiting, False
    run = MetricRun.objects.create(
        trigger=trigger, requested_by=user, status=MetricRun.Status.QUEUED, steps_total=len(SCOPES)
    )
    return run, True


@transaction.atomic
def metrics_refresh_queue(*, since: Earliest, user: User | None = None) -> tuple[MetricRun, bool]:
    """A queued refresh after an import, and whether it is new. A run already waiting to start takes the
    import in: a recomputation of everything covers it; a refresh widens to cover both imports."""
    waiting = _waiting_run()
    if waiting is not None:
        if waiting.since:
            merged = _merged(_since_of(waiting), since)
            waiting.since, waiting.steps_total = _as_json(merged), len(refresh_plan(merged))
            waiting.save(update_fields=["since", "steps_total"])
        return waiting, False
    run = MetricRun.objects.create(
        trigger=MetricRun.Trigger.IMPORT,
        requested_by=user,
        status=MetricRun.Status.QUEUED,
        since=_as_json(since),
        steps_total=len(refresh_plan(since)),
    )
    return run, True


_RUN_LOCK_BASE = 0x6D72756E << 32  # "mrun": a run's lock, apart from the scopes' locks above


def _run_lock_key(run_id: int) -> int:
    return _RUN_LOCK_BASE | (run_id & 0xFFFFFFFF)


@contextlib.contextmanager
def _run_lock(run_id: int) -> Iterator[bool]:
    """Whether this worker may run the run: True unless a live worker is running it.

    On PostgreSQL a session advisory lock marks the worker running a run. It is held by the worker's
    database connection, so it goes when the worker does, however it dies (kill -9, lost machine): a
    redelivered message (acks_late) then takes the run over at once, while a duplicate delivery to a
    second worker, with the first still running, finds the lock taken and does nothing. Elsewhere
    (SQLite, one process) there is no lock: the run row's age (STALE_RUN) decides instead.
    """
    if connection.vendor != "postgresql":
        yield True
        return
    key = _run_lock_key(run_id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s::bigint)", [key])
        locked = cursor.fetchone()[0]
    try:
        yield locked
    finally:
        if locked:
            # In an aborted transaction this fails; the lock then goes with the session (as when a worker dies).
            with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s::bigint)", [key])


def _claim(run_id: int, *, owner_is_gone: bool) -> bool:
    """Marks the run as running; False if another worker has it (or it is finished).

    `owner_is_gone`: no live worker holds the run (PostgreSQL's lock says so), so a run left "running"
    was lost with its worker and is taken over at once; otherwise only after STALE_RUN.
    """
    now = timezone.now()
    running = Q(status=MetricRun.Status.RUNNING)
    if not owner_is_gone:
        running &= Q(started_at__lt=now - STALE_RUN)
    claimable = Q(status=MetricRun.Status.QUEUED) | running
    return bool(
        MetricRun.objects.filter(claimable, pk=run_id).update(
            status=MetricRun.Status.RUNNING, started_at=now, steps_done=0, snapshot_count=0, error=""
        )
    )


def metrics_run_execute(*, run_id: int) -> MetricRun | None:
    """Runs a queued recomputation, recording its progress on the run row as each scope is written.

    Safe to call again for the same run (a redelivered task): a finished run, or one a live worker is
    running, is left alone; one whose worker died is run again from the start (each scope replaces its
    own snapshots, so nothing is counted twice).
    """
    with _run_lock(run_id) as free:
        if not free or not _claim(run_id, owner_is_gone=connection.vendor == "postgresql"):
            logger.info("Metrics run %s already claimed or finished: nothing to do.", run_id)
            return None
        # Read once claimed: a refresh waiting to start may have been widened, or made a recomputation.
        run = MetricRun.objects.get(pk=run_id)
        since = _since_of(run)
        plan: Plan = refresh_plan(since) if since else [(scope, None) for scope in SCOPES]
        MetricRun.objects.filter(pk=run_id).update(steps_total=len(plan))

        def progress(written: Written) -> None:
            MetricRun.objects.filter(pk=run_id).update(
                steps_done=F("steps_done") + 1, snapshot_count=F("snapshot_count") + written.snapshots
            )

        try:
            # A recomputation of everything checks what the refreshes left: it should correct nothing.
            total = _write(plan, today=timezone.localdate(), check=not since, progress=progress)
        except Exception as error:
            MetricRun.objects.filter(pk=run_id).update(
                status=MetricRun.Status.FAILED, finished_at=timezone.now(), error=repr(error)[:2000]
            )
            raise
        if not since and total.corrected:
            logger.warning("Metrics run %s corrected %s stored figures.", run_id, total.corrected)
        MetricRun.objects.filter(pk=run_id).update(
            status=MetricRun.Status.DONE,
            finished_at=timezone.now(),
            corrected_count=None if since else total.corrected,
        )
    return MetricRun.objects.get(pk=run_id)


@transaction.atomic
def metric_target_save(*, metric: str, target_percent: int, amber_percent: int, user: User) -> MetricTarget:
    """Sets a metric's target; the change is kept in the target's history with who made it."""
    target = MetricTarget.objects.select_for_update().filter(metric=metric).first() or MetricTarget(
        metric=metric
    )
    target.target_percent = target_percent
    target.amber_percent = amber_percent
    target.updated_by = user
    save_with_history(target, user=user)
    return target
