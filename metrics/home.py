"""The metrics app's task on the home page (common/home.py): the measures below their target in the
last complete month, and the recomputations that failed."""

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from common.home import SHOWN, HomeItem, HomeTask
from common.http import AuthenticatedHttpRequest
from metrics import selectors
from metrics.forms import DEFAULT_LEAVING_MONTHS
from metrics.models import MetricRun
from metrics.periods import last_complete_month


def below_target(request: AuthenticatedHttpRequest) -> HomeTask:
    today = timezone.localdate()
    month = last_complete_month(today)
    data = selectors.dashboard(
        first=month,
        last=month,
        team=None,
        leaving_months=DEFAULT_LEAVING_MONTHS,
        targets=selectors.targets_by_metric(),
        today=today,
    )
    below = sorted(
        (panel for panel in data.panels if panel.status in ("red", "amber")),
        key=lambda panel: (panel.status != "red", panel.metric.name),
    )
    dashboard = reverse("metrics-dashboard")
    items = [
        HomeItem(
            text=panel.metric.name,
            url=f"{dashboard}#{panel.metric.key}",
            hint=f"{panel.latest.records} in {month:%B %Y} · target {panel.target.target_percent}%"
            if panel.target
            else f"{panel.latest.records} in {month:%B %Y}",
            tag="Red" if panel.status == "red" else "",
        )
        for panel in below
    ]
    return HomeTask(
        title="Measures below target",
        count=len(below),
        items=items,
        empty=f"Measures below their red or amber target in {month:%B %Y} will appear here."
        if data.panels and any(panel.target for panel in data.panels)
        else "No measure has a target yet: an administrator sets them on the dashboard's Targets page.",
        url=dashboard,
        link_text="Dashboard",
    )


def failed_runs(request: AuthenticatedHttpRequest) -> HomeTask:
    """Recomputations that failed since the last one that finished well (a later success settles them)."""
    last_done = MetricRun.objects.filter(status=MetricRun.Status.DONE).aggregate(at=Max("created_at"))["at"]
    found = MetricRun.objects.filter(status=MetricRun.Status.FAILED).order_by("-created_at")
    if last_done:
        found = found.filter(created_at__gt=last_done)
    return HomeTask(
        title="Failed recalculations of the measures",
        count=found.count(),
        items=[
            HomeItem(
                text=f"{run.get_trigger_display()} run of {timezone.localtime(run.created_at):%-d %B %Y %H:%M}",
                url=reverse("metrics-run", args=[run.uuid]),
                hint=(run.error.splitlines() or ["No error was recorded."])[-1][:160],
            )
            for run in found[:SHOWN]
        ],
        empty="A recalculation of the measures that fails will appear here until one succeeds.",
    )
