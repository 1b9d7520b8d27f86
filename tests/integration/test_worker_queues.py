"""Workers scaled out by queue (config/queues.py, docs/operations.md "Running more workers").

Two real workers (`celery -A config worker -Q metrics` and `-Q reports`, as on two machines), one Redis
and this test's PostgreSQL database: an import's recomputation runs on the metrics worker, a panel
report's PDF on the reports worker, and an email task, whose queue neither consumes, waits in Redis for a
worker of its own. Which worker ran a task, and from which queue, is read from its stored result
(CELERY_RESULT_EXTENDED).

And Redis restarted (SHUTDOWN, started again on its data) while a recomputation runs: the task's message
survives in the append-only file, the worker reconnects, and the run is done once.
"""

import io
import json
import re
import shutil
import subprocess
import zlib
from pathlib import Path

import psycopg
import pytest
import redis
from django.core.management import call_command
from django.db import connection, transaction

from cases.importing import ExtractFile, cases_import_files
from config import celery_app, queues
from metrics import services as metrics_services
from metrics.models import MetricRun, MetricSnapshot
from reporting import services as reporting_services
from reporting import tasks as reporting_tasks
from reporting.models import ReportVersion
from tests.integration.workers import RedisServer, wait_until, worker_kill, worker_start
from tests.needs import needs_postgresql, needs_redis, unavailable
from tests.reporting.report_data import known_report

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
IMPORT_FILES = [
    "children.csv",
    "referrals.csv",
    "strategy_discussions.csv",
    "s47_enquiries.csv",
    "cp_plans.csv",
]
VISIBILITY_TIMEOUT = 3
TASK = "Task metrics.tasks.metrics_recompute_task"
WAIT_SECONDS = 30


def _empty(client: redis.Redis) -> None:
    """The queues, unacknowledged deliveries and results an interrupted run of this test may have left."""
    client.delete(*queues.QUEUE_NAMES, "unacked", "unacked_index", "unacked_mutex")
    for key in client.scan_iter("celery-task-meta-*"):
        client.delete(key)


@pytest.fixture
def broker():
    """The test's Redis database, its queues emptied before and after; tasks go through it, not in-process."""
    url = celery_app.conf.broker_url
    needs_redis(url)
    needs_postgresql("the worker processes share the test's database")
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    client = redis.Redis.from_url(url)
    _empty(client)
    try:
        yield client
    finally:
        celery_app.conf.task_always_eager = eager
        _empty(client)


@pytest.fixture
def workers():
    """The worker processes a test starts: each killed at the end, however the test ends."""
    started: list[subprocess.Popen] = []
    yield started
    for worker in started:
        worker_kill(worker)


def _results(client) -> dict[str, dict]:
    """The stored result of each task run, by task name (result_extended records name, worker, queue)."""
    metas = [json.loads(client.get(key)) for key in client.scan_iter("celery-task-meta-*")]
    return {meta["name"]: meta for meta in metas}


def test_each_kind_of_task_runs_on_a_worker_of_its_own_queue(broker, workers, report_officer, tmp_path):
    url = celery_app.conf.broker_url
    logs = {queue: tmp_path / f"{queue}-worker.log" for queue in ("metrics", "reports")}
    workers += [
        worker_start(
            queue,
            logs[queue],
            broker_url=url,
            queues=queue,
            visibility_timeout=VISIBILITY_TIMEOUT,
            result_backend=url,
            environment={"REPORTS_ROOT": str(tmp_path / "reports")},
        )
        for queue in ("metrics", "reports")
    ]
    try:
        # An import, as the import page makes it: on commit it queues the recomputation (metrics/tasks.py).
        files = [ExtractFile(name, (EXAMPLES / name).read_bytes()) for name in IMPORT_FILES]
        assert cases_import_files(files=files, user=None).ok
        data = known_report(report_officer)
        with transaction.atomic():
            version = reporting_services.report_version_request(report=data.report, user=report_officer)
            reporting_tasks.report_version_enqueue(version)
        celery_app.send_task("actions.tasks.reminders_send_task")  # the email queue: no worker here

        def finished() -> bool:
            results = _results(broker)
            return {"metrics.tasks.metrics_recompute_task", "reporting.tasks.report_version_generate"} <= {
                name for name, meta in results.items() if meta["status"] == "SUCCESS"
            }

        wait_until(finished, WAIT_SECONDS, "the two tasks did not both succeed", *logs.values())
    finally:
        for worker in workers:
            worker_kill(worker)

    results = _results(broker)
    recompute = results["metrics.tasks.metrics_recompute_task"]
    report = results["reporting.tasks.report_version_generate"]
    assert (recompute["queue"], recompute["worker"].split("@")[0]) == ("metrics", "metrics")
    assert (report["queue"], report["worker"].split("@")[0]) == ("reports", "reports")
    assert "actions.tasks.reminders_send_task" not in results
    assert broker.llen("email") == 1, "the email task waits for a worker consuming its queue"
    assert "reminders_send_task" in json.loads(broker.lindex("email", 0))["headers"]["task"]

    # Each worker's log names only its own task.
    assert "Task reporting.tasks.report_version_generate[" not in logs["metrics"].read_text()
    assert "Task metrics.tasks.metrics_recompute_task[" not in logs["reports"].read_text()
    # And the work is done: the import's run, and the report's PDF.
    run = MetricRun.objects.get()
    assert (run.trigger, run.status) == (MetricRun.Trigger.IMPORT, MetricRun.Status.DONE)
    # The import's refresh wrote each of its figures once (the report's two stored ones, of months before
    # the import's records or of a count it did not write, are left as they were).
    assert run.started_at is not None
    assert run.snapshot_count == MetricSnapshot.objects.filter(computed_at__gte=run.started_at).count() > 0
    version.refresh_from_db()
    assert version.status == ReportVersion.Status.DONE, version.error
    assert version.page_count, "a PDF with pages"


@pytest.fixture
def private_redis(tmp_path):
    """A Redis of this test's own, which it may stop and start (the shared one is left alone)."""
    needs_postgresql("the worker processes share the test's database")
    if not shutil.which("redis-server"):
        unavailable("needs redis-server on the PATH, to start a Redis of the test's own")
    server = RedisServer(tmp_path / "redis")
    server.folder.mkdir()
    server.start()
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield server
    finally:
        celery_app.conf.task_always_eager = eager
        server.stop()


def _run(run_id: int) -> MetricRun:
    return MetricRun.objects.get(pk=run_id)


def _snapshot_keys() -> list[tuple]:
    return list(MetricSnapshot.objects.values_list("metric", "source", "period", "team_id"))


@pytest.mark.parametrize("worker_fate", ["rides it out", "is lost while Redis is down"])
def test_a_recomputation_running_when_redis_restarts_completes_once(
    private_redis, workers, tmp_path, worker_fate
):
    """The running task's message waits in Redis's `unacked` hash (acks_late); SHUTDOWN writes it to the
    append-only file and the restarted server has it again.

    Rides it out: the worker keeps running the task through the outage, reconnects, and acknowledges the
    message when the task ends; the run is not started again. (Losing the connection, the worker also
    hands the message back to the queue, which succeeds when Redis is back within its retries: that second
    delivery finds the run taken or finished and does nothing.)
    Lost while Redis is down (the host went with it): the message is delivered again, from the restarted
    Redis, to another worker once the visibility timeout passes, which takes the run over and finishes it.
    """
    lost = worker_fate == "is lost while Redis is down"
    visibility_timeout = VISIBILITY_TIMEOUT if lost else 60
    call_command("generate_demo_data", children=100, seed=7, stdout=io.StringIO())
    first_log, second_log = tmp_path / "first-worker.log", tmp_path / "second-worker.log"
    client = private_redis.client()
    blocked = metrics_services.SCOPES[2]
    run = MetricRun.objects.create(trigger=MetricRun.Trigger.MANUAL, steps_total=len(metrics_services.SCOPES))

    def start(name: str, log: Path) -> None:
        workers.append(
            worker_start(
                name,
                log,
                broker_url=private_redis.url,
                queues="metrics",
                visibility_timeout=visibility_timeout,
            )
        )

    # Another session holds one scope's lock, so the run is certain to be part-way when Redis goes.
    holder = psycopg.connect(**connection.get_connection_params(), autocommit=True)
    try:
        holder.execute(
            "SELECT pg_advisory_lock(%s::bigint)",
            [metrics_services._LOCK_BASE | zlib.crc32(blocked.name.encode())],
        )
        start("first", first_log)
        if lost:  # a second machine's worker, on the same queue, idle
            start("second", second_log)
        with celery_app.connection_for_write(private_redis.url) as conn:
            celery_app.send_task("metrics.tasks.metrics_recompute_task", args=[run.pk], connection=conn)
        wait_until(
            lambda: _run(run.pk).status == MetricRun.Status.RUNNING and _run(run.pk).steps_done >= 2,
            WAIT_SECONDS,
            "no worker started the run",
            first_log,
            second_log,
        )
        assert client.hlen("unacked") == 1, "the running task's message is held unacknowledged"
        if lost and " received" in second_log.read_text():  # the second worker took it: it is the one lost
            workers.reverse()
            first_log, second_log = second_log, first_log

        private_redis.shutdown()
        if lost:
            worker_kill(workers[0])
        private_redis.start()
        # Still held unacknowledged, or already handed back to the queue by the worker losing its connection.
        assert client.hlen("unacked") + client.llen("metrics") == 1, "the message is in the restarted Redis"
        started = _run(run.pk).started_at
        assert started is not None
    finally:
        holder.close()  # the blocked scope may go ahead now

    log = second_log if lost else first_log

    def all_settled() -> bool:
        """The run is done, its message acknowledged, and every delivery the worker took has ended."""
        text = log.read_text()
        return (
            _run(run.pk).status == MetricRun.Status.DONE
            and client.hlen("unacked") == 0
            and client.llen("metrics") == 0
            and text.count(f"{TASK}[") == 2 * text.count(" received")
        )

    try:
        wait_until(all_settled, WAIT_SECONDS, "the run did not finish, or its message was left", log)
    finally:
        for worker in workers:
            worker_kill(worker)

    text = log.read_text()
    # However often the message was delivered, one delivery did the work; any other found the run taken
    # or finished and did nothing (it returns 0 snapshots).
    outcomes = [int(n) for n in re.findall(rf"{re.escape(TASK)}\[[^]]+\] succeeded in [\d.]+s: (\d+)", text)]
    assert len([n for n in outcomes if n > 0]) == 1, outcomes
    assert text.count("already claimed or finished: nothing to do") == len(outcomes) - 1, outcomes
    done = _run(run.pk)
    assert done.started_at is not None
    if lost:
        assert " received" in first_log.read_text(), "the lost worker had it first"
        assert done.started_at > started, "taken over by the second worker"
    else:
        # The worker lost its connection to Redis, had it again, and went on with the run.
        assert "Connection to broker lost" in text and "Connected to redis" in text.split("broker lost", 1)[1]
        assert done.started_at == started, "the run went on: it was not started again"
    assert done.snapshot_count == max(outcomes)
    assert done.steps_done == done.steps_total == len(metrics_services.SCOPES)
    assert done.snapshot_count == MetricSnapshot.objects.count() > 0
    keys = _snapshot_keys()
    assert len(keys) == len(set(keys)), "two snapshots for one metric, period and team"
