"""The reporting app's tasks on the home page (common/home.py): reports in draft and versions ready to
issue, for report officers; issued reports, for panel members."""

from django.db.models import Max, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from common.home import SHOWN, HomeItem, HomeTask
from common.http import AuthenticatedHttpRequest
from reporting import access
from reporting.models import PanelReport, ReportVersion


def drafts(request: AuthenticatedHttpRequest) -> HomeTask:
    found = (
        access.panel_reports_visible_to(request.user)
        .filter(status=PanelReport.Status.DRAFT)
        .annotate(last_version=Max("versions__number"))
        .order_by("meeting_date", "pk")
    )
    return HomeTask(
        title="Reports in draft",
        count=found.count(),
        items=[
            HomeItem(
                text=report.title,
                url=reverse("reporting-report", args=[report.uuid]),
                hint=f"{report.meeting_name} on {report.meeting_date:%-d %B %Y} · "
                + (f"version {report.last_version} generated" if report.last_version else "no version yet"),
            )
            for report in found[:SHOWN]
        ],
        empty="Panel reports you start will appear here until they are issued.",
        url=reverse("reporting-reports"),
        link_text="All reports",
    )


def ready_to_issue(request: AuthenticatedHttpRequest) -> HomeTask:
    """The newest version of each draft report, when it was generated and is not issued yet."""
    newest = ReportVersion.objects.filter(report=OuterRef("report")).order_by("-number").values("pk")[:1]
    found = (
        access.report_versions_visible_to(request.user)
        .filter(
            status=ReportVersion.Status.DONE,
            issued_at__isnull=True,
            report__status=PanelReport.Status.DRAFT,
            pk=Subquery(newest),
        )
        .select_related("report")
        .order_by("report__meeting_date", "pk")
    )
    return HomeTask(
        title="Versions ready to issue to the panel",
        count=found.count(),
        items=[
            HomeItem(
                text=f"{version.report.title}, version {version.number}",
                url=reverse("reporting-version", args=[version.uuid]),
                hint=f"for {version.report.meeting_name} on {version.report.meeting_date:%-d %B %Y}"
                + (
                    f" · generated {timezone.localtime(version.generated_at):%-d %B %Y}"
                    if version.generated_at
                    else ""
                ),
            )
            for version in found[:SHOWN]
        ],
        empty="A generated version of a draft report will appear here, for you to check and issue.",
    )


def issued(request: AuthenticatedHttpRequest) -> HomeTask:
    found = (
        access.report_versions_visible_to(request.user)
        .filter(issued_at__isnull=False)
        .select_related("report")
        .order_by("-issued_at", "-pk")
    )
    return HomeTask(
        title="Reports issued to the panel",
        count=found.count(),
        items=[
            HomeItem(
                text=f"{version.report.title}, version {version.number}",
                url=reverse("reporting-version", args=[version.uuid]),
                hint=f"{version.report.meeting_name} on {version.report.meeting_date:%-d %B %Y} · "
                f"issued {timezone.localtime(version.issued_at):%-d %B %Y}",
            )
            for version in found[:SHOWN]
        ],
        empty="Reports will appear here when a report officer issues them to your panel.",
        url=reverse("reporting-reports"),
        link_text="All issued reports",
    )
