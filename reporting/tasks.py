from celery import shared_task

from cases.events import RecordsImported
from reporting import services
from reporting.models import MetricRun


@shared_task(acks_late=True)
def metrics_recompute_task(run_id: int | None = None, trigger: str = MetricRun.Trigger.IMPORT) -> int:
    """Recomputes every metric snapshot; returns the number written (0 if another worker had the run).

    Queued with a run's id by the Recalculate button; with no id (after an import, and nightly from
    config/schedule.py) it makes its own run row. Idempotent, so a redelivery after a lost worker
    (acks_late) does no harm: the claim on the run row stops a second worker running the same run.
    """
    if run_id is None:
        run_id = MetricRun.objects.create(trigger=trigger, status=MetricRun.Status.QUEUED).pk
    run = services.metrics_run_execute(run_id=run_id)
    return run.snapshot_count if run else 0


def metrics_recompute_on_import(event: RecordsImported) -> None:
    """Subscribed to cases' `records_imported` (reporting/apps.py): an import makes every figure stale."""
    metrics_recompute_task.delay(trigger=MetricRun.Trigger.IMPORT)


@shared_task(acks_late=True)
def report_version_generate(version_id: int) -> str:
    """Freezes a panel report version's data and renders its PDF (reporting.report_services).

    Idempotent: the claim on the version row lets one worker run it; a finished version is left alone.
    """
    from reporting import report_services  # it imports this module to enqueue

    version = report_services.report_version_render(version_id=version_id)
    return version.status if version else "skipped"
