"""Tasks go to their own queues (config/queues.py); in-process (eager) running still works."""

import pytest

from config import celery_app


@pytest.mark.parametrize(
    ("task", "queue"),
    [
        ("metrics.tasks.metrics_recompute_task", "metrics"),
        ("reporting.tasks.report_version_generate", "reports"),
        ("actions.tasks.reminders_send_task", "email"),
        ("actions.tasks.anything_else", "email"),
        ("cases.tasks.s47_targets_refresh_task", "celery"),
        ("common.tasks.access_log_purge_task", "celery"),
    ],
)
def test_each_task_goes_to_its_queue(task, queue):
    celery_app.loader.import_default_modules()  # autodiscovery of each app's tasks.py, as a worker does
    assert task in celery_app.tasks or task.endswith("anything_else"), f"{task} is not a registered task"
    assert celery_app.amqp.router.route({}, task)["queue"].name == queue


def test_a_worker_with_no_queue_named_consumes_every_queue():
    assert set(celery_app.amqp.queues) == {"celery", "metrics", "reports", "email"}


def test_a_lost_worker_s_task_is_redelivered_not_dropped():
    conf = celery_app.conf
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert conf.worker_prefetch_multiplier == 1
    assert conf.broker_transport_options["visibility_timeout"] > 0


@pytest.mark.django_db
def test_eager_tasks_still_run_in_process():
    from metrics.models import MetricRun
    from metrics.tasks import metrics_recompute_task

    result = metrics_recompute_task.delay(trigger="manual")
    assert result.successful()
    assert MetricRun.objects.get().status == MetricRun.Status.DONE
