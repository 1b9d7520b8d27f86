"""The metric models' move from reporting to metrics keeps every row (metrics 0001-0003, reporting 0004).

The database is migrated back to where reporting still held the models, filled through the historical
models of that state, and migrated forward again: the same rows come back through metrics.models, from
tables now named metrics_*, with their content types (and so their permissions) moved, not remade.
"""

import datetime
import decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_celery_beat.models import PeriodicTask

from metrics.models import MetricRun, MetricSnapshot, MetricTarget

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

REPORTING_BEFORE = ("reporting", "0003_snapshot_unknown_count")
BEFORE: list[tuple[str, str | None]] = [REPORTING_BEFORE, ("metrics", None)]


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def _before_apps(executor: MigrationExecutor):
    """The models as they stood before the move: every other app at its last migration."""
    nodes = [node for node in executor.loader.graph.leaf_nodes() if node[0] not in ("metrics", "reporting")]
    return executor.loader.project_state([*nodes, REPORTING_BEFORE]).apps


def _tables() -> set[str]:
    return set(connection.introspection.table_names())


def test_the_move_keeps_snapshots_targets_runs_and_their_history():
    executor = _migrate(BEFORE)
    assert {"reporting_metricsnapshot", "reporting_metrictarget", "reporting_metricrun"} <= _tables()
    assert "metrics_metricsnapshot" not in _tables()
    old = _before_apps(executor)

    user = old.get_model("auth", "User").objects.create(username="lead")
    team = old.get_model("cases", "Team").objects.create(code="N", name="North")
    snapshot_model = old.get_model("reporting", "MetricSnapshot")
    computed = datetime.datetime(2014, 6, 16, 2, 30, tzinfo=datetime.UTC)
    per_team = snapshot_model.objects.create(
        metric="consent_recorded",
        source="audit",
        period=datetime.date(2014, 3, 1),
        team_id=team.pk,
        numerator=decimal.Decimal("6.5"),
        denominator=9,
        unknown_count=2,
        computed_at=computed,
    )
    all_teams = snapshot_model.objects.create(
        metric="children_on_cp_plans",
        period=datetime.date(2014, 3, 1),
        numerator=12,
        denominator=0,
        related_count=3,
        computed_at=computed,
    )
    target = old.get_model("reporting", "MetricTarget").objects.create(
        metric="consent_recorded", target_percent=90, amber_percent=75, updated_by_id=user.pk
    )
    old.get_model("reporting", "HistoricalMetricTarget").objects.create(
        id=target.pk,
        metric="consent_recorded",
        target_percent=80,
        amber_percent=70,
        updated_by_id=user.pk,
        updated_at=computed,
        history_date=computed,
        history_type="+",
        history_user_id=user.pk,
    )
    run = old.get_model("reporting", "MetricRun").objects.create(
        trigger="manual",
        status="done",
        requested_by_id=user.pk,
        steps_done=4,
        steps_total=4,
        snapshot_count=2,
    )
    target_type = old.get_model("contenttypes", "ContentType").objects.get(
        app_label="reporting", model="metrictarget"
    )
    beat_model = old.get_model("django_celery_beat", "PeriodicTask")
    interval = old.get_model("django_celery_beat", "IntervalSchedule").objects.create(every=1, period="days")
    beat_model.objects.create(
        name="metrics by hand", task="reporting.tasks.metrics_recompute_task", interval_id=interval.pk
    )

    _migrate(executor.loader.graph.leaf_nodes())

    assert {"metrics_metricsnapshot", "metrics_metrictarget", "metrics_metricrun"} <= _tables()
    assert "metrics_historicalmetrictarget" in _tables()
    assert not {t for t in _tables() if t.startswith("reporting_") and "metric" in t}
    moved = MetricSnapshot.objects.get(pk=per_team.pk)
    assert (moved.metric, moved.source, moved.team_id) == ("consent_recorded", "audit", team.pk)
    assert (moved.numerator, moved.denominator, moved.unknown_count) == (decimal.Decimal("6.5"), 9, 2)
    assert MetricSnapshot.objects.get(pk=all_teams.pk).related_count == 3
    assert MetricSnapshot.objects.count() == 2
    moved_target = MetricTarget.objects.get(pk=target.pk)
    assert (moved_target.target_percent, moved_target.amber_percent, moved_target.updated_by_id) == (
        90,
        75,
        user.pk,
    )
    assert [h.target_percent for h in moved_target.history.all()] == [80]
    moved_run = MetricRun.objects.get(pk=run.pk)
    assert (moved_run.uuid, moved_run.status, moved_run.snapshot_count) == (run.uuid, "done", 2)
    # The same content type row, renamed: permissions and admin log entries keep pointing at it.
    assert ContentType.objects.get_for_model(MetricTarget).pk == target_type.pk
    assert not ContentType.objects.filter(app_label="reporting", model__startswith="metric").exists()
    assert PeriodicTask.objects.get(name="metrics by hand").task == "metrics.tasks.metrics_recompute_task"


def test_new_rows_after_the_move_take_the_next_ids():
    """The tables' id sequences moved with them: a row written after the move does not collide."""
    executor = _migrate(BEFORE)
    old = _before_apps(executor)
    first = old.get_model("reporting", "MetricRun").objects.create(trigger="nightly")
    _migrate(executor.loader.graph.leaf_nodes())
    second = MetricRun.objects.create(trigger="manual")
    assert second.pk > first.pk
    assert MetricRun.objects.count() == 2
