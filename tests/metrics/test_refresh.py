"""The refresh after an import (metrics.services.metrics_refresh) counts again only the months the import's
records can have moved, and leaves exactly the figures a recomputation of everything would.

The property test makes random records, counts everything, makes random changes (new records, dates moved
either way, teams changed, enquiries completed or reopened, plans ended), refreshes from what the changes
name (cases.events.earliest_dates, as the import does) and compares every stored figure with a
recomputation of everything."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from cases import models as m
from cases.events import Earliest, earliest_dates
from metrics import services, tasks
from metrics.models import MetricRun, MetricSnapshot
from tests.factories import (
    ChildFactory,
    ReferralFactory,
    S47EnquiryFactory,
    StrategyDiscussionFactory,
    TeamFactory,
)
from tests.fuzz.helpers import FUZZ, rolled_back
from tests.metrics.factories import CPPlanFactory, LookedAfterEpisodeFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2024, 7, 15)
FIRST_DAY = datetime.date(2022, 1, 1)
DAYS = (TODAY - FIRST_DAY).days


def figures() -> set[tuple]:
    return set(
        MetricSnapshot.objects.values_list(
            "metric",
            "source",
            "period",
            "team_id",
            "numerator",
            "denominator",
            "related_count",
            "unknown_count",
        )
    )


def _day(offset: int) -> datetime.date:
    return FIRST_DAY + datetime.timedelta(days=offset)


# One record: (kind, day offset, length in days or None for open, team 0-2 (2: none), dob offset in years)
records = st.tuples(
    st.sampled_from(["s47", "referral", "discussion", "cp", "lac"]),
    st.integers(0, DAYS),
    st.one_of(st.none(), st.integers(0, 90)),
    st.integers(0, 2),
    st.integers(1, 17),
)
# One change to the record at an index (modulo the count): move its date, change its length, its team.
changes = st.tuples(
    st.integers(0, 10_000),
    st.integers(-400, 400),
    st.one_of(st.none(), st.integers(0, 90)),
    st.integers(0, 2),
)


def _make(kind: str, offset: int, length: int | None, team: m.Team | None, age: int):
    start = _day(offset)
    child = ChildFactory.create(
        date_of_birth=TODAY.replace(year=TODAY.year - age) - datetime.timedelta(days=offset % 300)
    )
    end = start + datetime.timedelta(days=length) if length is not None else None
    if kind == "s47":
        return S47EnquiryFactory.create(
            child=child, start_date=start, end_date=end, team=team,
            icpc_date=start + datetime.timedelta(days=length // 2) if length else None,
        )  # fmt: skip
    if kind == "referral":
        return ReferralFactory.create(child=child, received_date=start, team=team)
    if kind == "discussion":
        return StrategyDiscussionFactory.create(child=child, date=start, team=team)
    if kind == "cp":
        return CPPlanFactory.create(child=child, start_date=start, end_date=end, team=team)
    return LookedAfterEpisodeFactory.create(child=child, start_date=start, end_date=end, team=team)


def _dates_of(row) -> list:
    """The row's date fields' values and its child's date of birth, as they are now."""
    copy = type(row)(**{f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields})
    child = m.Child(pk=row.child.pk, date_of_birth=row.child.date_of_birth)
    return [copy, child]


def _change(row, move: int, length: int | None, team: m.Team | None) -> None:
    """Moves the record's dates by `move` days (kept within the period), sets its length and its team."""
    date_field = {
        m.S47Enquiry: "start_date", m.Referral: "received_date", m.StrategyDiscussion: "date",
        m.CPPlan: "start_date", m.LookedAfterEpisode: "start_date",
    }[type(row)]  # fmt: skip
    start = min(max(getattr(row, date_field) + datetime.timedelta(days=move), FIRST_DAY), TODAY)
    setattr(row, date_field, start)
    row.team = team
    if hasattr(row, "end_date"):
        row.end_date = start + datetime.timedelta(days=length) if length is not None else None
    if isinstance(row, m.S47Enquiry):
        row.target_date = m.s47_target_date(start)
        row.icpc_date = start + datetime.timedelta(days=length // 2) if length else None
    row.save()
    if move % 7 == 0:  # now and then the child's date of birth is corrected too
        row.child.date_of_birth += datetime.timedelta(days=move)
        row.child.save()


@FUZZ
@given(
    before=st.lists(records, min_size=1, max_size=12),
    edits=st.lists(changes, max_size=4),
    added=st.lists(records, max_size=3),
)
def test_a_refresh_leaves_the_figures_a_recomputation_of_everything_would(before, edits, added):
    with rolled_back():
        teams = [TeamFactory.create(code="RF1"), TeamFactory.create(code="RF2"), None]
        rows = [_make(kind, offset, length, teams[team], age) for kind, offset, length, team, age in before]
        services.metrics_recompute(today=TODAY)
        written = []
        for index, move, length, team in edits:
            row = rows[index % len(rows)]
            written += _dates_of(row)
            _change(row, move, length, teams[team])
            written += _dates_of(row)
        for kind, offset, length, team, age in added:
            new = _make(kind, offset, length, teams[team], age)
            written += _dates_of(new)
        since = earliest_dates(written)

        services.metrics_refresh(since=since, today=TODAY)
        refreshed = figures()
        services.metrics_recompute(today=TODAY)
        assert refreshed == figures()


def test_a_refresh_of_recent_records_leaves_earlier_months_alone():
    """The months before the earliest date written are not counted again: their rows are the same rows."""
    team = TeamFactory.create(code="RF1")
    S47EnquiryFactory.create(
        start_date=datetime.date(2023, 2, 6), end_date=datetime.date(2023, 2, 20), team=team
    )
    recent = S47EnquiryFactory.create(start_date=datetime.date(2024, 6, 3), team=team)
    services.metrics_recompute(today=TODAY)
    early = set(
        MetricSnapshot.objects.filter(period__lt=datetime.date(2024, 6, 1)).values_list("pk", flat=True)
    )
    before = figures()

    recent.end_date = datetime.date(2024, 6, 14)
    recent.save()
    plan = services.refresh_plan(earliest_dates([recent]))
    services.metrics_refresh(since=earliest_dates([recent]), today=TODAY)

    # Only the S47 scopes are counted, from June 2024; the rows of earlier months are untouched.
    assert {scope.name for scope, _ in plan} == {
        "s47enquiry-end_date",
        "s47enquiry-icpc_date",
        "s47enquiry-start_date",
    }
    assert {first for _, first in plan} == {datetime.date(2024, 6, 1)}
    assert early <= set(MetricSnapshot.objects.values_list("pk", flat=True))
    completed = ("s47_within_15_days", "records", datetime.date(2024, 6, 1), None)
    assert [f[4:6] for f in before if f[:4] == completed] == [(Decimal("0.0"), 0)]  # open then
    assert [f[4:6] for f in figures() if f[:4] == completed] == [(Decimal("1.0"), 1)]


def test_an_import_queues_a_refresh_and_a_waiting_one_is_widened_not_doubled(
    manager, django_capture_on_commit_callbacks
):
    june: Earliest = {"cases.s47enquiry": datetime.date(2024, 6, 3)}
    march: Earliest = {"cases.s47enquiry": datetime.date(2024, 3, 20), "cases.child": None}
    run, created = services.metrics_refresh_queue(since=june, user=manager)
    again, created_again = services.metrics_refresh_queue(since=march, user=manager)
    assert (created, created_again, again.pk) == (True, False, run.pk)
    run.refresh_from_db()
    assert run.since == {"cases.child": None, "cases.s47enquiry": "2024-03-20"}
    assert run.refresh_from == datetime.date(2024, 3, 1) and run.steps_total == 3

    # The Recalculate button while it waits: the waiting run counts everything instead.
    pressed, new = services.metrics_run_queue(trigger=MetricRun.Trigger.MANUAL, user=manager)
    run.refresh_from_db()
    assert (pressed.pk, new, run.since, run.steps_total) == (run.pk, False, {}, len(services.SCOPES))


def test_an_import_that_changed_nothing_queues_nothing():
    tasks.metrics_recompute_on_import(
        tasks.RecordsImported(batch_ids=(1,), file_names=("same.csv",), user_id=None, since={})
    )
    assert not MetricRun.objects.exists()


def test_the_recomputation_of_everything_counts_what_it_corrected():
    """After refreshes it corrects nothing; a figure of a month that was over, stored wrong, is corrected
    and counted. This month's figures (open and overdue as of today) change by the day: not counted."""
    team = TeamFactory.create(code="RF1")
    S47EnquiryFactory.create(
        start_date=datetime.date(2023, 2, 6), end_date=datetime.date(2023, 2, 20), team=team
    )
    services.metrics_recompute()
    first = MetricRun.objects.create(trigger=MetricRun.Trigger.NIGHTLY)
    services.metrics_run_execute(run_id=first.pk)
    first.refresh_from_db()
    assert first.corrected_count == 0

    MetricSnapshot.objects.filter(
        metric="s47_within_15_days", period=datetime.date(2023, 2, 1), team=None
    ).update(numerator=0)
    second = MetricRun.objects.create(trigger=MetricRun.Trigger.NIGHTLY)
    services.metrics_run_execute(run_id=second.pk)
    second.refresh_from_db()
    assert second.corrected_count == 1
    assert (
        MetricSnapshot.objects.get(
            metric="s47_within_15_days", period=datetime.date(2023, 2, 1), team=None
        ).numerator
        == 1
    )


def test_a_run_queued_long_ago_whose_task_was_lost_does_not_block_a_new_one(manager):
    """Queued while the broker was down, its task never reached a worker: after STALE_RUN it is marked
    failed, saying why, and the Recalculate button (or an import) queues a new run."""
    lost = MetricRun.objects.create(trigger=MetricRun.Trigger.MANUAL, status=MetricRun.Status.QUEUED)
    MetricRun.objects.filter(pk=lost.pk).update(
        created_at=timezone.now() - services.STALE_RUN - datetime.timedelta(minutes=1)
    )
    recent = MetricRun.objects.create(trigger=MetricRun.Trigger.MANUAL, status=MetricRun.Status.QUEUED)
    again, created = services.metrics_run_queue(trigger=MetricRun.Trigger.MANUAL, user=manager)
    assert (again.pk, created) == (recent.pk, False)  # a run queued just now is still the one waiting
    lost.refresh_from_db()
    assert lost.status == MetricRun.Status.FAILED and "Never started" in lost.error

    MetricRun.objects.filter(pk=recent.pk).update(
        created_at=timezone.now() - services.STALE_RUN - datetime.timedelta(minutes=1)
    )
    new, created = services.metrics_refresh_queue(
        since={"cases.s47enquiry": datetime.date(2024, 6, 3)}, user=manager
    )
    assert created and new.pk not in (lost.pk, recent.pk)
