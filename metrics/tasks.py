"""The recomputation's Celery task, and the helpers that queue it once the caller's transaction commits.

This module sits above metrics.services: the service decides (claims, counts, writes), the task runs it.
"""

from celery import shared_task
from django.contrib.auth.models import User
from django.db import transaction

from cases.events import RecordsImported
from metrics import services
from metrics.models import MetricRun


@shared_task(acks_late=True)
def metrics_recompute_task(run_id: int | None = None, trigger: str = MetricRun.Trigger.IMPORT) -> int:
    """Recomputes every metric snapshot; returns the number written (0 if another worker had the run).

    Queued with a run's id by the Recalculate button and after an import (a refresh of the months the
    import wrote in: the run row says which); with no id (nightly, from config/schedule.py) it makes its
    own run row, a recomputation of everything that checks what the refreshes left. Idempotent, so a redelivery after a lost worker
    (acks_late) does no harm: the claim on the run row stops a second worker running the same run.
    """
    if run_id is None:
        run_id = MetricRun.objects.create(trigger=trigger, status=MetricRun.Status.QUEUED).pk
    run = services.metrics_run_execute(run_id=run_id)
    return run.snapshot_count if run else 0


def metrics_recompute_on_import(event: RecordsImported) -> None:
    """Subscribed to cases' `records_imported` (metrics/apps.py): the figures of the months an import
    wrote records in are stale, and are counted again (an import that changed nothing changes none)."""
    if not event.since:
        return
    user = User.objects.filter(pk=event.user_id).first() if event.user_id else None
    run, created = services.metrics_refresh_queue(since=event.since, user=user)
    if created:
        transaction.on_commit(lambda: metrics_recompute_task.delay(run.pk))


def metrics_run_request(*, trigger: str, user: User | None = None) -> MetricRun:
    """Queues a recomputation after the transaction commits, or returns the run already waiting to start
    (a second press is a no-op: nothing more is queued)."""
    run, created = services.metrics_run_queue(trigger=trigger, user=user)
    if created:
        transaction.on_commit(lambda: metrics_recompute_task.delay(run.pk))
    return run
