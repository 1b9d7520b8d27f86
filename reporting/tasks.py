from celery import shared_task


@shared_task(acks_late=True)
def report_version_generate(version_id: int) -> str:
    """Freezes a panel report version's data and renders its PDF (reporting.report_services).

    Idempotent: the claim on the version row lets one worker run it; a finished version is left alone.
    """
    from reporting import report_services  # it imports this module to enqueue

    version = report_services.report_version_render(version_id=version_id)
    return version.status if version else "skipped"
