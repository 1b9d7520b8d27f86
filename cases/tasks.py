from celery import shared_task

from cases import services


@shared_task(acks_late=True)
def s47_targets_refresh_task() -> int:
    """Nightly (config/schedule.py): idempotent, so a redelivery after a lost worker does no harm."""
    return services.s47_targets_refresh()
