from celery import shared_task
from django.utils import timezone

from common import services


@shared_task(acks_late=True)
def access_log_purge_task() -> int:
    """Daily (config/schedule.py): idempotent, so a redelivery after a lost worker does no harm."""
    return services.access_log_purge(today=timezone.localdate())
