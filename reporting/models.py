"""Panel reports: a report's header and selections, its narrative sections, and each generated version."""

from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from common.models import PublicIdModel


class PanelReport(PublicIdModel):
    """A report to a panel or committee: its header, the data it draws on, and its narrative sections.

    The figures are not stored here: each generated version freezes them (`ReportVersion.data`)."""

    class Type(models.TextChoices):
        SCRUTINY_PANEL = "scrutiny_panel", "Scrutiny panel audit report"
        QUALITY_ASSURANCE = "quality_assurance", "Quality assurance report"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ISSUED = "issued", "Issued"

    report_type = models.CharField(max_length=20, choices=Type.choices)
    title = models.CharField(max_length=200)
    meeting_name = models.CharField(max_length=200, help_text='e.g. "CYPS Scrutiny Panel".')
    meeting_date = models.DateField()
    item_number = models.CharField(max_length=20, blank=True)
    authorised_by = models.CharField(max_length=200, blank=True)
    lead_officer = models.CharField(max_length=200, blank=True)
    wards_affected = models.CharField(max_length=200, default="All")
    key_decision = models.BooleanField(default=False)
    period_start = models.DateField()
    period_end = models.DateField()
    audits = models.ManyToManyField("audits.Audit", blank=True, related_name="+")
    metrics = models.JSONField(default=list, blank=True, help_text="Keys of the measures shown.")
    action_plans = models.ManyToManyField("actions.ActionPlan", blank=True, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])
    # Set by a service before save(): simple-history writes them on the history row.
    _change_reason: str
    _history_user: User | None
    header: dict  # the header the list page shows (reporting.views.report_list)

    class Meta:
        ordering = ["-meeting_date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="panel_report_period_end_not_before_start",
            )
        ]

    def __str__(self) -> str:
        return self.title


class ReportSection(models.Model):
    """A narrative section, written by the report officer; the default text comes from the report type."""

    report = models.ForeignKey(PanelReport, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(max_length=30)
    title = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField()
    text = models.TextField(blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])
    # Set by a service before save(): simple-history writes them on the history row.
    _change_reason: str
    _history_user: User | None

    class Meta:
        ordering = ["report", "order"]
        constraints = [models.UniqueConstraint(fields=["report", "key"], name="report_section_unique_key")]

    def __str__(self) -> str:
        return f"{self.report}: {self.title}"


class ReportVersion(PublicIdModel):
    """One generated PDF: numbered per report, with the frozen data it was drawn from.

    `data` holds every figure, table and narrative the PDF shows, so the same version renders the same
    text whatever has changed since. The PDF itself is kept in REPORTS_ROOT, outside the web root."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    report = models.ForeignKey(PanelReport, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done.")
    progress_note = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    data = models.JSONField(null=True, blank=True)
    pdf_name = models.CharField(max_length=300, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    generated_at = models.DateTimeField(null=True, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["report", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="report_version_unique_number"),
            models.CheckConstraint(
                condition=Q(issued_at__isnull=True) | Q(status="done"), name="report_version_issued_only_done"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} v{self.number}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def issued(self) -> bool:
        return self.issued_at is not None
