"""Writes for panel reports: create and edit a report, request a version, generate it (the Celery task's
service), issue it to the panel.

Imports nothing of reporting.tasks: the task calls this module, and the enqueue-after-commit step lives
beside the task (`reporting.tasks.report_version_enqueue`), called by the page that requests a version."""

import datetime
import hashlib
import logging

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from accounts.people import person_name
from common.history import save_with_history
from reporting import storage
from reporting.content import report_content
from reporting.models import PanelReport, ReportSection, ReportVersion
from reporting.privacy import content_naming_children, refusal_message
from reporting.render import RenderedPdf, report_pdf
from reporting.sections import section_templates

logger = logging.getLogger(__name__)

HEADER_FIELDS = (
    "title",
    "meeting_name",
    "meeting_date",
    "item_number",
    "authorised_by",
    "lead_officer",
    "wards_affected",
    "key_decision",
    "period_start",
    "period_end",
)
# A version left running this long (a worker lost mid-way) may be claimed again by a redelivered task.
STALE_AFTER = datetime.timedelta(minutes=15)


class ReportRefused(Exception):
    """The report cannot be generated as it stands; the message is shown to the report officer."""


@transaction.atomic
def panel_report_create(*, user: User, report_type: str, **header) -> PanelReport:
    """A draft report with the type's narrative sections, each with its default text."""
    report = PanelReport.objects.create(
        report_type=report_type, created_by=user, **{k: header[k] for k in HEADER_FIELDS if k in header}
    )
    ReportSection.objects.bulk_create(
        ReportSection(report=report, key=t.key, title=t.title, order=i, text=t.default, updated_by=user)
        for i, t in enumerate(section_templates(report_type), start=1)
    )
    return report


@transaction.atomic
def panel_report_update(*, report: PanelReport, user: User, **header) -> PanelReport:
    for field in HEADER_FIELDS:
        if field in header:
            setattr(report, field, header[field])
    save_with_history(report, user=user)
    return report


@transaction.atomic
def panel_report_selections_save(
    *, report: PanelReport, user: User, audits, metrics: list[str], action_plans
) -> PanelReport:
    report.metrics = list(metrics)
    save_with_history(report, user=user, update_fields=["metrics", "updated_at"])
    report.audits.set(audits)
    report.action_plans.set(action_plans)
    return report


@transaction.atomic
def report_section_save(*, section: ReportSection, user: User, text: str) -> ReportSection:
    section.text = text.strip()
    section.updated_by = user
    save_with_history(section, user=user, update_fields=["text", "updated_by", "updated_at"])
    return section


@transaction.atomic
def report_version_request(*, report: PanelReport, user: User) -> ReportVersion:
    """A new numbered version, queued. The caller hands it to the worker with
    `reporting.tasks.report_version_enqueue` (this module does not know the task: the task calls it)."""
    PanelReport.objects.select_for_update().filter(pk=report.pk).first()  # numbers handed out in turn
    number = (report.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    return ReportVersion.objects.create(report=report, number=number, generated_by=user)


def _claim(version_id: int, now: datetime.datetime) -> bool:
    """Queued (or abandoned while running) -> running, in one conditional UPDATE: zero rows means another
    worker has it, or it is finished."""
    claimable = Q(status=ReportVersion.Status.QUEUED) | Q(
        status=ReportVersion.Status.RUNNING, requested_at__lt=now - STALE_AFTER
    )
    return bool(
        ReportVersion.objects.filter(claimable, pk=version_id).update(
            status=ReportVersion.Status.RUNNING, progress=5, progress_note="Reading the figures", error=""
        )
    )


def _progress(version: ReportVersion, percent: int, note: str) -> None:
    version.progress, version.progress_note = percent, note
    ReportVersion.objects.filter(pk=version.pk).update(progress=percent, progress_note=note)


def report_version_render(*, version_id: int, now: datetime.datetime | None = None) -> ReportVersion | None:
    """Freeze the report's data (once) and render its PDF; None if the version was not ours to run.

    Idempotent: a finished version is left alone, and a version whose data is already frozen renders from
    that data, never from the database again. Failures are recorded on the version for the page to show.
    """
    now = now or timezone.now()
    if not _claim(version_id, now):
        return None
    version = ReportVersion.objects.select_related("report", "generated_by").get(pk=version_id)
    try:
        if version.data is None:
            report = version.report
            content = report_content(
                report,
                version_number=version.number,
                generated_at=now,
                generated_by=person_name(version.generated_by),
                today=timezone.localdate(now),
            )
            flagged = content_naming_children(content)
            if flagged:
                raise ReportRefused(refusal_message(flagged))
            version.data = content
            version.generated_at = now
            ReportVersion.objects.filter(pk=version.pk).update(data=content, generated_at=now)
        _progress(version, 40, "Drawing the PDF")
        rendered = report_pdf(version.data)
        _progress(version, 90, "Storing the PDF")
        name = storage.pdf_save(
            f"{version.report.uuid}/{version.report.uuid}-v{version.number}.pdf", rendered.pdf
        )
        version.pdf_name = name
        version.sha256 = hashlib.sha256(rendered.pdf).hexdigest()
        version.page_count = rendered.page_count
        version.status = ReportVersion.Status.DONE
        version.progress, version.progress_note = 100, "Done"
        version.save(
            update_fields=["pdf_name", "sha256", "page_count", "status", "progress", "progress_note"]
        )
    except ReportRefused as refused:
        _fail(version, str(refused))
    except Exception as error:  # recorded for the page; the worker stays up
        logger.exception("Report version %s failed", version.pk)
        _fail(
            version,
            f"The PDF could not be made ({type(error).__name__}). Try again, or ask an administrator.",
        )
    return version


def _fail(version: ReportVersion, message: str) -> None:
    version.status, version.error, version.progress_note = ReportVersion.Status.FAILED, message, "Failed"
    version.save(update_fields=["status", "error", "progress_note"])


def report_version_pdf(version: ReportVersion) -> bytes:
    """The stored PDF; rendered again from the frozen data if the file is gone (same text and figures)."""
    stored = storage.pdf_read(version.pdf_name)
    if stored is not None:
        return stored
    return report_version_regenerate(version).pdf


def report_version_regenerate(version: ReportVersion) -> RenderedPdf:
    """The version's PDF rendered again from its frozen data alone."""
    if version.data is None:
        raise ValueError("This version has no frozen data yet.")
    return report_pdf(version.data)


@transaction.atomic
def report_version_issue(*, version: ReportVersion, user: User) -> ReportVersion:
    """Issue a generated version to the panel: panel members can then read it. A no-op if issued."""
    if version.status != ReportVersion.Status.DONE:
        raise ReportRefused("Only a generated version can be issued.")
    if version.issued_at is None:
        # Checked again: the version may predate a child's record, or today's guard.
        flagged = content_naming_children(version.data)
        if flagged:
            raise ReportRefused(refusal_message(flagged, then="generate a new version"))
        version.issued_at, version.issued_by = timezone.now(), user
        version.save(update_fields=["issued_at", "issued_by"])
    report = version.report
    if report.status != PanelReport.Status.ISSUED:
        report.status = PanelReport.Status.ISSUED
        save_with_history(report, user=user, update_fields=["status", "updated_at"])
    return version
