"""Every Celery task has its queue named in config/queues.py, every queue has a worker to consume it, and
in-process (eager) running still works.

A task added without a route would land on the default queue, whatever kind of work it is; a queue no
worker consumes would hold its tasks for ever. Both are caught here, before a deployment finds them.
tests/integration/test_worker_queues.py shows the routes at work, with real workers on two queues.
"""

import ast
import tomllib
from pathlib import Path

import pytest
import yaml
from celery import Celery

from config import celery_app, queues
from config.schedule import CELERY_BEAT_SCHEDULE
from metrics.models import MetricRun
from metrics.tasks import metrics_recompute_task

ROOT = Path(__file__).resolve().parents[2]
# Every package of the project (the import-linter's list, which a new app must join).
PROJECT_PACKAGES: list[str] = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"][
    "root_packages"
]


def _project_tasks(app: Celery) -> set[str]:
    """The names of the tasks the app registers once every installed app's tasks module is imported (as a
    worker does at start-up), leaving out Celery's own (celery.chord, celery.group, ...)."""
    app.loader.import_default_modules()
    return {name for name in app.tasks if not name.startswith("celery.")}


def _unrouted(app: Celery) -> list[str]:
    """Tasks of the app with no queue of their own in config/queues.py, or routed to an undeclared queue."""
    router = app.amqp.router
    return sorted(
        name
        for name in _project_tasks(app)
        if name not in queues.TASK_QUEUES
        or router.route({}, name)["queue"].name != queues.TASK_QUEUES[name]
        or queues.TASK_QUEUES[name] not in queues.QUEUE_NAMES
    )


def test_every_task_the_app_registers_has_a_declared_queue():
    assert _project_tasks(celery_app), "no task found: the walk itself is broken"
    assert _unrouted(celery_app) == []


def test_a_new_task_without_a_route_is_caught():
    @celery_app.task(name="common.tasks.unrouted_example_task")
    def unrouted_example_task() -> None:
        """Registered only for this test."""

    try:
        assert _unrouted(celery_app) == ["common.tasks.unrouted_example_task"]
        # It would have gone to the default queue, unnoticed.
        assert celery_app.amqp.router.route({}, unrouted_example_task.name)["queue"].name == queues.DEFAULT
    finally:
        celery_app.tasks.unregister("common.tasks.unrouted_example_task")
    assert _unrouted(celery_app) == []


def test_every_route_names_a_task_that_exists():
    """A task renamed or removed leaves no stale route behind."""
    assert set(queues.TASK_QUEUES) - _project_tasks(celery_app) == set()


def _decorated_tasks(path: Path) -> set[str]:
    """`module.function` of each function decorated with shared_task or app.task in one source file."""
    module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
            if name in ("shared_task", "task"):
                found.add(f"{module}.{node.name}")
    return found


def test_a_task_defined_outside_a_tasks_module_is_routed_too():
    """The worker imports `<app>.tasks` only; a task defined anywhere else must still have its route (and
    be imported from a tasks module, or the worker would not know it)."""
    in_source = set().union(
        *(_decorated_tasks(path) for package in PROJECT_PACKAGES for path in (ROOT / package).rglob("*.py"))
    )
    assert in_source, "no task found in the source: the scan itself is broken"
    assert in_source - set(queues.TASK_QUEUES) == set()
    assert in_source == _project_tasks(celery_app)


def test_every_periodic_task_is_a_routed_task():
    for entry in CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in queues.TASK_QUEUES, entry


def _compose_worker_queues() -> dict[str, set[str]]:
    """docker-compose.yml's worker services and the queues each consumes (every queue when it names none)."""
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    consumed = {}
    for name, service in services.items():
        command = service.get("command") or []
        if command[:4] != ["celery", "-A", "config", "worker"]:
            continue
        named = [arg.split("=", 1)[1] for arg in command if arg.startswith("--queues=")]
        consumed[name] = set(",".join(named).split(",")) if named else set(queues.QUEUE_NAMES)
    return consumed


def test_docker_compose_runs_a_worker_for_every_queue_and_no_queue_that_is_not_declared():
    consumed = _compose_worker_queues()
    assert consumed, "no worker service found in docker-compose.yml"
    everything = set().union(*consumed.values())
    assert everything == queues.QUEUE_NAMES, consumed


def test_the_recomputation_an_import_queues_goes_to_the_metrics_queue():
    """The same task as the nightly recomputation, so the same queue (config/queues.py says why)."""
    assert celery_app.amqp.router.route({}, "metrics.tasks.metrics_recompute_task")["queue"].name == "metrics"


@pytest.mark.parametrize(
    ("task", "queue"),
    [
        ("metrics.tasks.metrics_recompute_task", "metrics"),
        ("reporting.tasks.report_version_generate", "reports"),
        ("actions.tasks.reminders_send_task", "email"),
        ("cases.tasks.s47_targets_refresh_task", "imports"),
        ("common.tasks.access_log_purge_task", "celery"),
    ],
)
def test_each_task_goes_to_its_queue(task, queue):
    assert celery_app.amqp.router.route({}, task)["queue"].name == queue


def test_a_worker_with_no_queue_named_consumes_every_queue():
    assert set(celery_app.amqp.queues) == {"celery", "metrics", "reports", "email", "imports"}


def test_a_lost_worker_s_task_is_redelivered_not_dropped():
    conf = celery_app.conf
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert conf.worker_prefetch_multiplier == 1
    assert conf.broker_transport_options["visibility_timeout"] > 0
    # A task running when Redis goes away goes on, and is acknowledged when it is back.
    assert conf.worker_cancel_long_running_tasks_on_connection_loss is False


def test_a_task_s_result_says_which_worker_ran_it_from_which_queue():
    assert celery_app.conf.result_extended


@pytest.mark.django_db
def test_eager_tasks_still_run_in_process():
    result = metrics_recompute_task.delay(trigger="manual")
    assert result.successful()
    assert MetricRun.objects.get().status == MetricRun.Status.DONE
