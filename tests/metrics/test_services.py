"""Recomputation is idempotent; runs are queued once, claimed once, and record their progress."""

import datetime
import threading
import time

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from cases.models import S47Enquiry
from metrics import services, tasks
from metrics.models import MetricRun, MetricSnapshot, MetricTarget
from tests.factories import (
    ReferralFactory,
    S47EnquiryFactory,
    StrategyDiscussionFactory,
    TeamFactory,
    UserFactory,
)
from tests.metrics.helpers import TODAY, figure
from tests.needs import needs_postgresql

D = datetime.date


def _rows() -> list[tuple]:
    return sorted(
        MetricSnapshot.objects.values_list(
            "metric", "source", "period", "team_id", "numerator", "denominator", "related_count"
        ),
        key=repr,
    )


@pytest.fixture
def records(db):
    north = TeamFactory.create(code="N")
    S47EnquiryFactory.create(team=north, start_date=D(2014, 3, 3), end_date=D(2014, 3, 24), consent="given")
    S47EnquiryFactory.create(start_date=D(2014, 3, 3), end_date=D(2014, 4, 2))
    StrategyDiscussionFactory.create(team=north, date=D(2014, 3, 3))
    ReferralFactory.create(team=north, received_date=D(2014, 2, 20))
    return north


@pytest.mark.django_db
def test_running_twice_leaves_the_same_rows_and_no_duplicates(records):
    first = services.metrics_recompute(today=TODAY)
    rows = _rows()
    second = services.metrics_recompute(today=TODAY)
    assert first == second == MetricSnapshot.objects.count()
    assert _rows() == rows
    assert len(set((r[0], r[1], r[2], r[3]) for r in rows)) == len(rows)


@pytest.mark.django_db
def test_a_recomputation_drops_figures_whose_records_have_gone(records):
    services.metrics_recompute(today=TODAY)
    assert figure("s47_within_15_days", D(2014, 4, 1)) == (0, 1)
    S47Enquiry.objects.filter(end_date=D(2014, 4, 2)).delete()
    services.metrics_recompute(today=TODAY)
    assert figure("s47_within_15_days", D(2014, 4, 1)) == (0, 0)


@pytest.mark.django_db
@pytest.mark.parametrize("team", [None, "N"], ids=["all-teams", "one-team"])
def test_the_database_refuses_a_second_row_for_the_same_metric_month_and_team(records, team):
    services.metrics_recompute(today=TODAY)
    existing = MetricSnapshot.objects.filter(metric="s47_within_15_days", team__code=team).first()
    if team is None:
        existing = MetricSnapshot.objects.filter(metric="s47_within_15_days", team__isnull=True).first()
    assert existing is not None
    existing.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        existing.save()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_runs_at_once_leave_one_correct_set(records):
    needs_postgresql("concurrent writers")
    services.metrics_recompute(today=TODAY)
    expected = _rows()
    MetricSnapshot.objects.all().delete()
    errors = []
    start = threading.Barrier(2)

    def run():
        try:
            start.wait()
            services.metrics_recompute(today=TODAY)
        except Exception as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert _rows() == expected


@pytest.mark.django_db
def test_pressing_recalculate_twice_queues_one_run(records, django_capture_on_commit_callbacks):
    user = UserFactory.create()
    with django_capture_on_commit_callbacks() as callbacks:
        first = tasks.metrics_run_request(trigger=MetricRun.Trigger.MANUAL, user=user)
        second = tasks.metrics_run_request(trigger=MetricRun.Trigger.MANUAL, user=user)
    assert first.pk == second.pk
    assert len(callbacks) == 1
    assert MetricRun.objects.count() == 1


@pytest.mark.django_db
def test_a_queued_run_is_computed_after_commit_and_records_its_progress(
    records, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = tasks.metrics_run_request(trigger=MetricRun.Trigger.MANUAL, user=None)
    run.refresh_from_db()
    assert run.status == MetricRun.Status.DONE
    assert run.steps_done == run.steps_total == len(services.SCOPES)
    assert run.snapshot_count == MetricSnapshot.objects.count() > 0
    assert run.started_at and run.finished_at


@pytest.mark.django_db
def test_a_run_is_claimed_once(records):
    run = MetricRun.objects.create(trigger=MetricRun.Trigger.MANUAL)
    assert services.metrics_run_execute(run_id=run.pk) is not None
    assert services.metrics_run_execute(run_id=run.pk) is None  # a redelivered message: nothing to do


@pytest.mark.django_db
def test_a_run_left_running_by_a_lost_worker_is_taken_over(records):
    long_ago = timezone.now() - services.STALE_RUN - datetime.timedelta(minutes=1)
    stale = MetricRun.objects.create(
        trigger=MetricRun.Trigger.NIGHTLY, status=MetricRun.Status.RUNNING, started_at=long_ago
    )
    taken_over = services.metrics_run_execute(run_id=stale.pk)
    assert taken_over is not None and taken_over.status == MetricRun.Status.DONE


@pytest.mark.django_db
def test_a_run_a_live_worker_is_running_is_left_alone_and_one_whose_worker_died_is_taken_over(records):
    """PostgreSQL: the running worker's connection holds the run's lock; when it dies the lock goes."""
    needs_postgresql("the run lock is PostgreSQL's advisory lock")
    import psycopg

    run = MetricRun.objects.create(
        trigger=MetricRun.Trigger.NIGHTLY, status=MetricRun.Status.RUNNING, started_at=timezone.now()
    )
    with psycopg.connect(**connection.get_connection_params()) as other_worker:
        other_worker.execute("SELECT pg_advisory_lock(%s::bigint)", [services._run_lock_key(run.pk)])
        assert services.metrics_run_execute(run_id=run.pk) is None
    # The other worker's connection is gone (as when its process is killed): once the server has ended
    # its session, the run is taken over.
    with connection.cursor() as cursor:
        for _ in range(100):
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid <> pg_backend_pid()"
                " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            )
            if not cursor.fetchone()[0]:
                break
            time.sleep(0.05)
    executed = services.metrics_run_execute(run_id=run.pk)
    assert executed is not None and executed.status == MetricRun.Status.DONE


@pytest.mark.django_db
def test_a_failed_run_says_so(records, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "metrics_recompute_scope", broken)
    run = MetricRun.objects.create(trigger=MetricRun.Trigger.MANUAL)
    with pytest.raises(RuntimeError):
        services.metrics_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == MetricRun.Status.FAILED
    assert "database went away" in run.error


@pytest.mark.django_db
def test_the_task_without_a_run_makes_its_own(records):
    written = tasks.metrics_recompute_task.delay(trigger=MetricRun.Trigger.NIGHTLY).get()
    run = MetricRun.objects.get()
    assert run.trigger == MetricRun.Trigger.NIGHTLY
    assert run.status == MetricRun.Status.DONE
    assert written == run.snapshot_count > 0


@pytest.mark.django_db
def test_an_import_queues_a_recomputation_after_it_commits(django_capture_on_commit_callbacks):
    from pathlib import Path

    from cases.importing import cases_import

    example = Path(__file__).resolve().parents[2] / "docs" / "examples" / "annex_a_list5.csv"
    with django_capture_on_commit_callbacks(execute=True):
        result = cases_import(file_name=example.name, content=example.read_bytes(), user=None)
    assert result.ok
    run = MetricRun.objects.get()
    assert (run.trigger, run.status) == (MetricRun.Trigger.IMPORT, MetricRun.Status.DONE)
    assert MetricSnapshot.objects.filter(metric="consent_recorded").exists()


@pytest.mark.django_db
def test_a_rejected_import_queues_nothing(django_capture_on_commit_callbacks):
    from cases.importing import cases_import

    with django_capture_on_commit_callbacks(execute=True):
        result = cases_import(file_name="bad.csv", content=b"not,an,extract\n1,2,3\n", user=None)
    assert not result.ok
    assert not MetricRun.objects.exists()


@pytest.mark.django_db
def test_setting_a_target_records_who_set_it(administrator):
    services.metric_target_save(
        metric="consent_recorded", target_percent=80, amber_percent=70, user=administrator
    )
    services.metric_target_save(
        metric="consent_recorded", target_percent=85, amber_percent=75, user=administrator
    )
    target = MetricTarget.objects.get()
    assert (target.target_percent, target.amber_percent, target.updated_by) == (85, 75, administrator)
    assert target.history.count() == 2
    assert target.history.first().history_user == administrator


@pytest.mark.parametrize(
    ("percent", "status"), [(80, "green"), (79, "amber"), (70, "amber"), (69, "red"), (None, None)]
)
def test_a_target_gives_red_amber_or_green(percent, status):
    assert (
        MetricTarget(metric="consent_recorded", target_percent=80, amber_percent=70).status(percent) == status
    )
