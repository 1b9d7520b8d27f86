"""A worker killed (SIGKILL) in the middle of a metrics recomputation: the task is redelivered, the run
completes on another worker, and the snapshots are those of a clean recomputation, with no duplicates.

Real worker processes (`celery -A config worker`, as in production) against Redis and this test's
PostgreSQL database. To kill the worker at a known point, the test holds one scope's advisory lock (the
lock `metrics.services.metrics_recompute_scope` takes), so the worker is certain to be part-way through
the run, having written some scopes and waiting on that one, when it is killed.

With acks_late the message stays unacknowledged in Redis until the task ends; a worker that dies never
acknowledges it, and Redis makes it visible again after CELERY_VISIBILITY_TIMEOUT seconds (a few here,
an hour by default). The run's own lock (held by the dead worker's database connection, so gone with it)
lets the redelivered task take the run over at once.
"""

import os
import signal
import subprocess
import sys
import zlib
from pathlib import Path

import psycopg
import pytest
import redis
from django.core.management import call_command
from django.db import connection

from config import celery_app
from metrics import services
from metrics.models import MetricRun, MetricSnapshot
from tests.integration.workers import wait_until, worker_kill, worker_start
from tests.needs import needs_postgresql, needs_redis

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.filterwarnings(
        "ignore::celery.exceptions.AlwaysEagerIgnored"
    ),  # send_task: always the broker
]

VISIBILITY_TIMEOUT = 3
WAIT_SECONDS = 45


def _start_worker(name: str, log: Path) -> subprocess.Popen:
    return worker_start(
        name,
        log,
        broker_url=celery_app.conf.broker_url,
        queues="metrics",
        visibility_timeout=VISIBILITY_TIMEOUT,
    )


def _kill(worker: subprocess.Popen) -> None:
    worker_kill(worker)


def _wait_until(condition, seconds: float, what: str, log: Path) -> None:
    wait_until(condition, seconds, what, log)


def _run(run_id: int) -> MetricRun:
    return MetricRun.objects.get(pk=run_id)


def _snapshots() -> list[tuple]:
    return sorted(
        MetricSnapshot.objects.values_list(
            "metric", "source", "period", "team_id", "numerator", "denominator", "related_count"
        ),
        key=repr,
    )


@pytest.fixture
def broker():
    url = celery_app.conf.broker_url
    needs_redis(url)
    client = redis.Redis.from_url(url)
    # Messages and unacknowledged deliveries left by an interrupted run of this test.
    client.delete("metrics", "unacked", "unacked_index", "unacked_mutex")
    yield client
    client.delete("metrics", "unacked", "unacked_index", "unacked_mutex")


@pytest.fixture
def records():
    call_command("generate_demo_data", children=1500, seed=7, stdout=open(os.devnull, "w"))  # noqa: SIM115


def _pool_process(worker: subprocess.Popen) -> int:
    """The pid of the worker's one pool process (prefork, concurrency 1)."""
    children = [
        int(pid)
        for path in Path(f"/proc/{worker.pid}/task").glob("*/children")
        for pid in path.read_text().split()
    ]
    assert len(children) == 1, children
    return children[0]


@pytest.mark.parametrize("kill", ["the whole worker", "its pool process"])
def test_a_recomputation_survives_its_worker_being_killed(broker, records, tmp_path, kill):
    """Killed whole (host lost): Redis redelivers after the visibility timeout to a new worker. Pool process
    killed: the worker rejects the task back to the queue (task_reject_on_worker_lost) and runs it again."""
    needs_postgresql("the worker processes share the test's database")
    whole = kill == "the whole worker"
    blocked = services.SCOPES[2]
    run = MetricRun.objects.create(trigger=MetricRun.Trigger.MANUAL, steps_total=len(services.SCOPES))
    first_log, second_log = tmp_path / "first-worker.log", tmp_path / "second-worker.log"
    first = second = None
    # Another session holds one scope's lock: the first worker gets that far and waits.
    holder = psycopg.connect(**connection.get_connection_params(), autocommit=True)
    try:
        holder.execute(
            "SELECT pg_advisory_lock(%s::bigint)", [services._LOCK_BASE | zlib.crc32(blocked.name.encode())]
        )
        first = _start_worker("first", first_log)
        celery_app.send_task("metrics.tasks.metrics_recompute_task", args=[run.pk])

        _wait_until(
            lambda: _run(run.pk).status == MetricRun.Status.RUNNING and _run(run.pk).steps_done >= 2,
            WAIT_SECONDS,
            "the first worker did not start the run",
            first_log,
        )
        assert broker.hlen("unacked") == 1, "the running task's message is held unacknowledged"
        if whole:
            _kill(first)
        else:
            os.kill(_pool_process(first), signal.SIGKILL)
        part_way = _run(run.pk)
        assert part_way.status == MetricRun.Status.RUNNING
        assert 2 <= part_way.steps_done < len(services.SCOPES)
    finally:
        holder.close()  # the blocked scope may go ahead now
        if first is not None and (whole or sys.exc_info()[0]):
            _kill(first)

    log = second_log if whole else first_log
    try:
        if whole:
            second = _start_worker("second", second_log)
        _wait_until(
            lambda: _run(run.pk).status == MetricRun.Status.DONE, WAIT_SECONDS, "the run did not finish", log
        )
        _wait_until(lambda: broker.hlen("unacked") == 0, 10, "the task was not acknowledged", log)
    finally:
        for worker in (first, second):
            if worker is not None:
                _kill(worker)

    text = log.read_text()
    if whole:
        assert "Task metrics.tasks.metrics_recompute_task" in text, "not redelivered"
    else:
        assert "SIGKILL" in text and text.count("received") >= 2, "not run again"
    done = _run(run.pk)
    assert done.steps_done == done.steps_total == len(services.SCOPES)
    assert done.snapshot_count == MetricSnapshot.objects.count() > 0
    after_retry = _snapshots()
    assert len(after_retry) == len(set(after_retry)), "duplicate snapshots"
    keys = [row[:4] for row in after_retry]
    assert len(keys) == len(set(keys)), "two snapshots for one metric, period and team"

    services.metrics_recompute()  # a clean recomputation, here
    assert _snapshots() == after_retry
