"""Who may see the panel reports (the metrics' roles are in metrics.access)."""

import uuid

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from common import roles
from reporting.models import PanelReport, ReportVersion

# Panel reports: report officers and administrators build them, managers read them (drafts included),
# panel members read issued versions only. No panel report carries case data (reporting.content).
REPORT_BUILD_ROLES = (roles.ADMINISTRATOR, roles.REPORT_OFFICER)
REPORT_READ_ROLES = (*REPORT_BUILD_ROLES, roles.MANAGER)
REPORT_ALL_ROLES = (*REPORT_READ_ROLES, roles.PANEL_MEMBER)


def panel_reports_visible_to(user: User | AnonymousUser) -> QuerySet[PanelReport]:
    if roles.has_role(user, *REPORT_READ_ROLES):
        return PanelReport.objects.all()
    if roles.has_role(user, roles.PANEL_MEMBER):
        return PanelReport.objects.filter(versions__issued_at__isnull=False).distinct()
    return PanelReport.objects.none()


def report_versions_visible_to(user: User | AnonymousUser) -> QuerySet[ReportVersion]:
    if roles.has_role(user, *REPORT_READ_ROLES):
        return ReportVersion.objects.all()
    if roles.has_role(user, roles.PANEL_MEMBER):
        return ReportVersion.objects.filter(issued_at__isnull=False)
    return ReportVersion.objects.none()


def access_panel_report(
    user: User | AnonymousUser, report_uuid: uuid.UUID, *, write: bool = False
) -> PanelReport:
    """The report, or 404 if the user may not see it (a panel member sees only reports with an issued
    version); 403 for a write by a role that only reads."""
    try:
        report = panel_reports_visible_to(user).select_related("created_by").get(uuid=report_uuid)
    except PanelReport.DoesNotExist:
        raise Http404("No such report, or you may not see it.") from None
    if write and not roles.has_role(user, *REPORT_BUILD_ROLES):
        raise PermissionDenied
    return report


def access_report_version(
    user: User | AnonymousUser, version_uuid: uuid.UUID, *, write: bool = False
) -> ReportVersion:
    try:
        version = (
            report_versions_visible_to(user)
            .select_related("report", "generated_by", "issued_by")
            .get(uuid=version_uuid)
        )
    except ReportVersion.DoesNotExist:
        raise Http404("No such report version, or you may not see it.") from None
    if write and not roles.has_role(user, *REPORT_BUILD_ROLES):
        raise PermissionDenied
    return version
