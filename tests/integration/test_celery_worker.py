"""A real Celery worker (celery.contrib.testing) consuming from Redis, in a thread of this process.

The worker thread opens its own database connection to the same test database, so the test commits
its rows (transaction=True) for the worker to see. No result backend is configured in the tests, so
the test waits by polling the database for the task's effect.
"""

import datetime
import time
from collections.abc import Callable

import pytest
from celery.contrib.testing.worker import start_worker
from celery.result import EagerResult

from cases.models import S47Enquiry
from cases.tasks import s47_targets_refresh_task
from config import celery_app
from tests.factories import S47EnquiryFactory
from tests.needs import needs_redis

D = datetime.date
pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WAIT_SECONDS = 30


@pytest.fixture
def worker():
    needs_redis(celery_app.conf.broker_url)
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        celery_app.control.purge()  # messages left in the test queue by an interrupted run
        with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=WAIT_SECONDS) as started:
            yield started
    finally:
        celery_app.conf.task_always_eager = eager


def _wait_until(condition: Callable[[], bool], seconds: float = WAIT_SECONDS) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_the_worker_corrects_a_stale_s47_target_date(worker):
    enquiry = S47EnquiryFactory.create(
        start_date=D(2023, 5, 2), target_date=D(2023, 5, 23)
    )  # before 8 May was a holiday

    result = s47_targets_refresh_task.delay()

    assert not isinstance(result, EagerResult), "the task must go through the broker, not run in-process"
    corrected = _wait_until(
        lambda: S47Enquiry.objects.filter(pk=enquiry.pk, target_date=D(2023, 5, 24)).exists()
    )
    assert corrected, f"task {result.id} did not correct the target within {WAIT_SECONDS} s"
    enquiry.refresh_from_db()
    assert enquiry.target_date == D(2023, 5, 24)
