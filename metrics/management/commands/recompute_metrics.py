from django.core.management.base import BaseCommand

from metrics.models import MetricRun
from metrics.tasks import metrics_run_request


class Command(BaseCommand):
    help = (
        "Recomputes every compliance metric snapshot. With no broker configured it runs here and now; "
        "with CELERY_BROKER_URL set it queues the job for a worker."
    )

    def handle(self, *args, **options):
        run = metrics_run_request(trigger=MetricRun.Trigger.MANUAL)
        run.refresh_from_db()
        if run.status == MetricRun.Status.DONE:
            self.stdout.write(f"Metrics recomputed: {run.snapshot_count} snapshots.")
        else:
            self.stdout.write(f"Metrics recomputation {run.get_status_display().lower()} (run {run.uuid}).")
