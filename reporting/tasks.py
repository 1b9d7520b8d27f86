from celery import shared_task
from django.db import transaction

from reporting import services
from reporting.models import ReportVersion


@shared_task(acks_late=True)
def report_version_generate(version_id: int) -> str:
    """Freezes a panel report version's data and renders its PDF (reporting.services).

    Idempotent: the claim on the version row lets one worker run it; a finished version is left alone.
    """
    version = services.report_version_render(version_id=version_id)
    return version.status if version else "skipped"


def report_version_enqueue(version: ReportVersion) -> None:
    """Hand a requested version (services.report_version_request) to a worker once the transaction
    that made it commits; at once when there is none."""
    transaction.on_commit(lambda: report_version_generate.delay(version.pk))
