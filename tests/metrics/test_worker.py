"""The recomputation through a real Celery worker (Redis), as tests/integration/test_celery_worker.py does."""

import datetime
from decimal import Decimal

import pytest
from celery.result import EagerResult

from metrics.models import MetricRun, MetricSnapshot
from metrics.tasks import metrics_recompute_task
from tests.factories import S47EnquiryFactory
from tests.integration.test_celery_worker import WAIT_SECONDS, _wait_until, worker  # noqa: F401  (fixture)

D = datetime.date
pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_worker_runs_a_queued_recomputation_once(worker):  # noqa: F811
    """March 2014: day 15 met, day 16 not -> 1 of 2 -> 50%, stored by the worker; a second delivery of the
    same run does nothing."""
    S47EnquiryFactory.create(start_date=D(2014, 3, 3), end_date=D(2014, 3, 24))
    S47EnquiryFactory.create(start_date=D(2014, 3, 3), end_date=D(2014, 3, 25))
    run = MetricRun.objects.create(trigger=MetricRun.Trigger.MANUAL)

    result = metrics_recompute_task.delay(run.pk)
    assert not isinstance(result, EagerResult), "the task must go through the broker, not run in-process"
    done = _wait_until(lambda: MetricRun.objects.filter(pk=run.pk, status=MetricRun.Status.DONE).exists())
    assert done, f"run {run.pk} was not done within {WAIT_SECONDS} s"

    snapshot = MetricSnapshot.objects.get(
        metric="s47_within_15_days", period=D(2014, 3, 1), team__isnull=True
    )
    assert (snapshot.numerator, snapshot.denominator) == (Decimal(1), 2)
    rows = MetricSnapshot.objects.count()

    metrics_recompute_task.delay(run.pk)  # redelivered: the run is claimed already
    nightly = metrics_recompute_task.delay(trigger=MetricRun.Trigger.NIGHTLY)
    assert _wait_until(lambda: MetricRun.objects.filter(trigger="nightly", status="done").exists()), (
        nightly.id
    )
    assert MetricRun.objects.get(pk=run.pk).finished_at is not None
    assert MetricSnapshot.objects.count() == rows
