"""Panel report pages: build a report (header, selections, narratives), preview it, generate numbered PDF
versions (Celery), issue one to the panel, download the PDF or its tables as Excel."""

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common import roles
from common.access_log import access_log_record
from common.decorators import role_required
from common.exports import XLSX_TYPE
from common.http import AuthenticatedHttpRequest
from common.models import AccessLogEntry
from reporting import services, tasks
from reporting.access import (
    REPORT_ALL_ROLES,
    REPORT_BUILD_ROLES,
    REPORT_READ_ROLES,
    access_panel_report,
    access_report_version,
    panel_reports_visible_to,
    report_versions_visible_to,
)
from reporting.content import date_text, report_content
from reporting.forms import ReportHeaderForm, ReportSectionForm, ReportSelectionsForm
from reporting.models import PanelReport, ReportVersion
from reporting.privacy import content_naming_children
from reporting.render import report_html
from reporting.sections import measures_shown, section_templates
from reporting.xlsx import report_xlsx

POLL_SECONDS = 2


@role_required(*REPORT_ALL_ROLES)
@require_GET
def report_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    reports = list(
        panel_reports_visible_to(request.user).select_related("created_by").order_by("-meeting_date", "title")
    )
    if roles.has_role(request.user, *REPORT_READ_ROLES):
        for report in reports:
            report.header = live_header(report)
    else:
        issued = issued_headers(reports)
        for report in reports:
            report.header = issued.get(report.pk, {})
    return render(
        request,
        "reporting/report_list.html",
        {"reports": reports, "may_build": roles.has_role(request.user, *REPORT_BUILD_ROLES)},
    )


def live_header(report: PanelReport) -> dict:
    """The draft's header, in the frozen content's shape (reporting.content)."""
    return {
        "title": report.title,
        "meeting_name": report.meeting_name,
        "meeting_date_text": date_text(report.meeting_date),
        "item_number": report.item_number,
        "authorised_by": report.authorised_by,
        "lead_officer": report.lead_officer,
        "wards_affected": report.wards_affected,
        "key_decision": report.key_decision,
        "period_text": f"{date_text(report.period_start)} to {date_text(report.period_end)}",
    }


def issued_headers(reports: list[PanelReport]) -> dict[int, dict]:
    """Each report's header as its latest issued version froze it: what the panel was given, not the
    draft a report officer may be changing since (one query, reading the header only)."""
    rows = (
        ReportVersion.objects.filter(report__in=reports, issued_at__isnull=False, data__isnull=False)
        .order_by("report_id", "number")
        .values_list("report_id", "data__header")
    )
    return dict(rows)


@role_required(*REPORT_BUILD_ROLES)
@require_http_methods(["GET", "POST"])
def report_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ReportHeaderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        report = services.panel_report_create(user=request.user, **form.cleaned_data)
        messages.success(request, "Report created. Choose what it draws on, then edit its narrative.")
        return redirect("reporting-report-selections", report_uuid=report.uuid)
    return render(request, "reporting/report_form.html", {"form": form, "heading": "Create a panel report"})


@role_required(*REPORT_ALL_ROLES)
@require_GET
def report_detail(request: AuthenticatedHttpRequest, report_uuid: uuid.UUID) -> HttpResponse:
    report = access_panel_report(request.user, report_uuid)
    may_build = roles.has_role(request.user, *REPORT_BUILD_ROLES)
    versions = (
        report_versions_visible_to(request.user)
        .filter(report=report)
        .select_related("generated_by", "issued_by")
        .order_by("-number")
    )
    may_read_draft = roles.has_role(request.user, *REPORT_READ_ROLES)
    header = live_header(report) if may_read_draft else issued_headers([report]).get(report.pk, {})
    return render(
        request,
        "reporting/report_detail.html",
        {
            "report": report,
            "header": header,
            "versions": versions,
            "may_build": may_build,
            "may_read_draft": may_read_draft,
            "audits": report.audits.select_related("tool_version__tool") if may_read_draft else [],
            "plans": report.action_plans.all() if may_read_draft else [],
            "measures": [key.label for key in measures_shown(report.report_type) if key in report.metrics],
            "shows_measures": bool(measures_shown(report.report_type)),
            "sections": report.sections.order_by("order") if may_read_draft else [],
        },
    )


@role_required(*REPORT_BUILD_ROLES)
@require_http_methods(["GET", "POST"])
def report_edit(request: AuthenticatedHttpRequest, report_uuid: uuid.UUID) -> HttpResponse:
    report = access_panel_report(request.user, report_uuid, write=True)
    form = ReportHeaderForm(
        request.POST or None, initial=ReportHeaderForm.initial_for(report), creating=False
    )
    if request.method == "POST" and form.is_valid():
        services.panel_report_update(report=report, user=request.user, **form.cleaned_data)
        messages.success(request, "Header saved.")
        return redirect("reporting-report", report_uuid=report.uuid)
    return render(
        request,
        "reporting/report_form.html",
        {"form": form, "report": report, "heading": "Change the header"},
    )


@role_required(*REPORT_BUILD_ROLES)
@require_http_methods(["GET", "POST"])
def report_selections(request: AuthenticatedHttpRequest, report_uuid: uuid.UUID) -> HttpResponse:
    report = access_panel_report(request.user, report_uuid, write=True)
    initial = {
        "audits": [a.uuid for a in report.audits.all()],
        "metrics": report.metrics,
        "action_plans": [p.uuid for p in report.action_plans.all()],
    }
    form = ReportSelectionsForm(request.POST or None, initial=initial, report_type=report.report_type)
    if request.method == "POST" and form.is_valid():
        services.panel_report_selections_save(report=report, user=request.user, **form.cleaned_data)
        messages.success(request, "Selections saved.")
        return redirect("reporting-report", report_uuid=report.uuid)
    return render(
        request,
        "reporting/report_form.html",
        {"form": form, "report": report, "heading": "Choose what the report draws on"},
    )


@role_required(*REPORT_BUILD_ROLES)
@require_http_methods(["GET", "POST"])
def report_section_edit(request: AuthenticatedHttpRequest, report_uuid: uuid.UUID, key: str) -> HttpResponse:
    report = access_panel_report(request.user, report_uuid, write=True)
    section = report.sections.filter(key=key).first()
    if section is None:
        raise Http404("No such section.")
    hint = next((t.hint for t in section_templates(report.report_type) if t.key == key), "")
    form = ReportSectionForm(
        request.POST or None, initial={"text": section.text}, label=section.title, hint=hint
    )
    if request.method == "POST" and form.is_valid():
        services.report_section_save(section=section, user=request.user, text=form.cleaned_data["text"])
        messages.success(request, f"{section.title}: saved.")
        return redirect("reporting-report", report_uuid=report.uuid)
    return render(
        request,
        "reporting/report_form.html",
        {"form": form, "report": report, "heading": f"Edit: {section.title}", "label_is_heading": True},
    )


@role_required(*REPORT_READ_ROLES)
@require_GET
def report_preview(request: AuthenticatedHttpRequest, report_uuid: uuid.UUID) -> HttpResponse:
    """The report as the PDF will show it, with the figures as they stand now (nothing is frozen)."""
    report = access_panel_report(request.user, report_uuid)
    now = timezone.now()
    content = report_content(
        report, version_number=0, generated_at=now, generated_by="", today=timezone.localdate(now)
    )
    return HttpResponse(report_html(content, preview=True, back_url=report_url(report)))


def report_url(report: PanelReport) -> str:
    return reverse("reporting-report", kwargs={"report_uuid": report.uuid})


@role_required(*REPORT_BUILD_ROLES)
@require_POST
def report_generate(request: AuthenticatedHttpRequest, report_uuid: uuid.UUID) -> HttpResponse:
    report = access_panel_report(request.user, report_uuid, write=True)
    version = services.report_version_request(report=report, user=request.user)
    tasks.report_version_enqueue(version)
    return redirect("reporting-version", version_uuid=version.uuid)


@role_required(*REPORT_ALL_ROLES)
@require_GET
def version_detail(request: AuthenticatedHttpRequest, version_uuid: uuid.UUID) -> HttpResponse:
    """The version's progress; the status part polls itself with htmx until the PDF is made."""
    version = access_report_version(request.user, version_uuid)
    context = {
        "version": version,
        "report": version.report,
        # The version's own title; a version not yet frozen (readers of drafts only) has the draft's.
        "title": version.data["header"]["title"] if version.data else version.report.title,
        "poll_seconds": POLL_SECONDS,
        "may_build": roles.has_role(request.user, *REPORT_BUILD_ROLES),
    }
    if request.htmx:
        return render(request, "reporting/report_version_fragment.html", context)
    return render(request, "reporting/report_version.html", context)


@role_required(*REPORT_ALL_ROLES)
@require_GET
def version_pdf(request: AuthenticatedHttpRequest, version_uuid: uuid.UUID) -> HttpResponse:
    version = _done(access_report_version(request.user, version_uuid))
    if refused := _names_a_child(request, version):
        return refused
    access_log_record(
        request, action=AccessLogEntry.Action.EXPORT, object_type="panel report", object_ref=str(version.uuid),
        detail=f"pdf: {version.report.title} v{version.number}",
    )  # fmt: skip
    response = HttpResponse(services.report_version_pdf(version), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_file_name(version)}.pdf"'
    return response


@role_required(*REPORT_ALL_ROLES)
@require_GET
def version_xlsx(request: AuthenticatedHttpRequest, version_uuid: uuid.UUID) -> HttpResponse:
    version = _done(access_report_version(request.user, version_uuid))
    if refused := _names_a_child(request, version):
        return refused
    access_log_record(
        request, action=AccessLogEntry.Action.EXPORT, object_type="panel report", object_ref=str(version.uuid),
        detail=f"xlsx: {version.report.title} v{version.number}",
    )  # fmt: skip
    assert version.data is not None  # a done version holds its content
    response = HttpResponse(report_xlsx(version.data), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_file_name(version)}.xlsx"'
    return response


@role_required(*REPORT_BUILD_ROLES)
@require_http_methods(["GET", "POST"])
def version_issue(request: AuthenticatedHttpRequest, version_uuid: uuid.UUID) -> HttpResponse:
    """GET: what issuing does, with the button; POST: issue."""
    version = access_report_version(request.user, version_uuid, write=True)
    report = version.report
    if version.status != ReportVersion.Status.DONE:
        messages.error(request, "Only a generated version can be issued.")
    elif version.issued:
        messages.success(request, f"Version {version.number} was already issued.")
    elif request.method == "GET":
        context = {
            "caption": report.title,
            "heading": f"Issue version {version.number} to the panel",
            "paragraphs": [
                f"Issuing version {version.number} of {report.title} lets panel members read and download "
                "it, and marks the report as issued.",
                "The version's content stays as it was generated: a change needs a new version.",
            ],
            "warning": "An issued version cannot be withdrawn from the panel.",
            "button": "Issue to panel",
            "back": reverse("reporting-report", args=[report.uuid]),
        }
        return render(request, "common/confirm.html", context)
    else:
        try:
            services.report_version_issue(version=version, user=request.user)
        except services.ReportRefused as refused:
            messages.error(request, f"Version {version.number} was not issued. {refused}")
        else:
            messages.success(request, f"Version {version.number} issued: panel members can now read it.")
    return redirect("reporting-report", report_uuid=version.report.uuid)


def _names_a_child(request: HttpRequest, version: ReportVersion) -> HttpResponse | None:
    """Back to the version's page with the reason, if its content names a child (checked at each
    download: the version may predate a child's record, or today's guard)."""
    flagged = content_naming_children(version.data)
    if not flagged:
        return None
    messages.error(
        request,
        "This version cannot be downloaded: it names a child from the case records, or gives a child's "
        f"ID, in {'; '.join(flagged)}. A report officer must change the report and issue a new version.",
    )
    return redirect("reporting-version", version_uuid=version.uuid)


def _done(version: ReportVersion) -> ReportVersion:
    if version.status != ReportVersion.Status.DONE:
        raise Http404("This version has not been generated.")
    return version


def _file_name(version: ReportVersion) -> str:
    meeting = version.report.meeting_date.isoformat()
    return f"panel-report-{meeting}-v{version.number}"
