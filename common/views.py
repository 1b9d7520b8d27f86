from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.views.decorators.http import require_GET

from common import roles
from common.access_log import access_log_record
from common.decorators import role_required
from common.exports import csv_response
from common.filters import AccessLogFilter
from common.home import home_tasks
from common.http import AuthenticatedHttpRequest
from common.models import AccessLogChild, AccessLogEntry
from common.pagination import page_of_many, query_without
from common.roles import user_roles

CSV_HEADER = ["When", "Username", "Action", "What", "Reference", "Child IDs", "Detail", "Path", "IP address"]


@login_required
@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every signed-in user lands here: the tasks their roles give them (common.home), with counts and
    links. The children the tasks name are logged, as on every list."""
    tasks = home_tasks(request)
    shown = [child_id for task in tasks for child_id in task.child_ids]
    if shown:
        access_log_record(
            request, action=AccessLogEntry.Action.LIST, object_type="home tasks", child_ids=shown
        )
    context = {
        "roles": sorted(user_roles(request.user)),
        "tasks": tasks,  # those with something in them first; the others, with what will appear, below
        "waiting": [task for task in tasks if task.count],
        "quiet": [task for task in tasks if not task.count],
    }
    return render(request, "common/home.html", context)


@role_required(roles.ADMINISTRATOR)
@require_GET
def access_log(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """Search the access log ("who looked at this child?"); the search is itself logged."""
    entries = AccessLogEntry.objects.prefetch_related("children").order_by("-at", "-pk")
    filterset = AccessLogFilter(request.GET, queryset=entries)
    found = filterset.qs if filterset.is_valid() else entries.none()
    query = query_without(request, "page", "format")
    # The log names children too: a search or download of it names each child it shows, like any list.
    if request.GET.get("format") == "csv":
        shown = AccessLogChild.objects.filter(entry__in=found.values("pk")).values_list(
            "child_ref", flat=True
        )
        access_log_record(
            request, action=AccessLogEntry.Action.EXPORT, object_type="access log", detail=query,
            child_ids=shown.distinct().order_by(),
        )  # fmt: skip
        rows = (_csv_row(entry) for entry in found.iterator(chunk_size=2000))
        return csv_response(f"access-log-{timezone.localdate():%Y-%m-%d}", CSV_HEADER, rows)
    page = page_of_many(request, found)
    access_log_record(
        request, action=AccessLogEntry.Action.LIST, object_type="access log", detail=query,
        child_ids=[child.child_ref for entry in page for child in entry.children.all()],
    )  # fmt: skip
    return render(
        request,
        "common/access_log.html",
        {
            "filter": filterset,
            "page": page,
            "query": query,
            "retention": _retention(settings.ACCESS_LOG_RETENTION_DAYS),
        },
    )


def _retention(days: int) -> str:
    """2190 -> "6 years" (as retention schedules put it); other periods in days."""
    if days % 365 == 0:
        years = days // 365
        return f"{years} year{pluralize(years)}"
    return f"{days} day{pluralize(days)}"


def _csv_row(entry: AccessLogEntry) -> list[str]:
    return [
        f"{timezone.localtime(entry.at):%d/%m/%Y %H:%M:%S}",
        entry.username,
        entry.get_action_display(),
        entry.object_type,
        entry.object_ref,
        " ".join(child.child_ref for child in entry.children.all()),
        entry.detail,
        entry.path,
        entry.ip_address or "",
    ]
