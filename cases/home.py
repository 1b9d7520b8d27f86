"""The cases app's task on the home page (common/home.py): imports refused since the last good import
of the same format."""

import datetime

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from accounts.people import person_name
from cases.models import ImportBatch
from common.home import SHOWN, HomeItem, HomeTask
from common.http import AuthenticatedHttpRequest

RECENT_DAYS = 30  # an older refused import is history, not a task


def failed_imports(request: AuthenticatedHttpRequest) -> HomeTask:
    later_success = ImportBatch.objects.filter(
        file_format=OuterRef("file_format"),
        status=ImportBatch.Status.IMPORTED,
        imported_at__gt=OuterRef("imported_at"),
    )
    found = (
        ImportBatch.objects.filter(
            status=ImportBatch.Status.REJECTED,
            imported_at__gte=timezone.now() - datetime.timedelta(days=RECENT_DAYS),
        )
        .exclude(Exists(later_success))
        .select_related("imported_by")
        .order_by("-imported_at")
    )
    upload = reverse("cases-import")
    return HomeTask(
        title="Imports refused",
        count=found.count(),
        items=[
            HomeItem(
                text=batch.file_name,
                url=upload,
                hidden="(import it again)",
                hint=f"{batch.error_count} error{'s' if batch.error_count != 1 else ''} · "
                f"{timezone.localtime(batch.imported_at):%-d %B %Y %H:%M}"
                + (f" by {person_name(batch.imported_by)}" if batch.imported_by else ""),
            )
            for batch in found[:SHOWN]
        ],
        empty=f"Case imports refused in the last {RECENT_DAYS} days, and not since imported, will appear here.",
        url=upload,
        link_text="Import records",
    )
