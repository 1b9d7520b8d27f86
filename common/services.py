import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from common.models import AccessLogEntry


@transaction.atomic
def access_log_purge(*, today: datetime.date) -> int:
    """Deletes access log entries from before the retention period; returns how many were deleted.

    An entry is kept for ACCESS_LOG_RETENTION_DAYS whole days: with 2190 days, on 1 March 2026 the entries
    of 2 March 2020 (local time) onwards are kept. Run daily by common.tasks.access_log_purge_task.
    """
    first_kept = today - datetime.timedelta(days=settings.ACCESS_LOG_RETENTION_DAYS)
    cutoff = timezone.make_aware(datetime.datetime.combine(first_kept, datetime.time.min))
    _, by_model = AccessLogEntry.objects.filter(at__lt=cutoff).delete()
    return by_model.get(AccessLogEntry._meta.label, 0)
