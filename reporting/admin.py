from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reporting.models import MetricRun, MetricSnapshot, MetricTarget, PanelReport, ReportVersion


@admin.register(MetricTarget)
class MetricTargetAdmin(SimpleHistoryAdmin):
    list_display = ("metric", "target_percent", "amber_percent", "updated_by", "updated_at")
    readonly_fields = ("updated_by", "updated_at")

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


class _ReadOnly(admin.ModelAdmin):
    """Written only by the recomputation: shown, never edited here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MetricSnapshot)
class MetricSnapshotAdmin(_ReadOnly):
    list_display = ("metric", "source", "period", "team", "numerator", "denominator", "related_count")
    list_filter = ("metric", "source", "team")
    date_hierarchy = "period"


@admin.register(MetricRun)
class MetricRunAdmin(_ReadOnly):
    list_display = ("created_at", "trigger", "status", "steps_done", "steps_total", "snapshot_count")
    list_filter = ("status", "trigger")


@admin.register(PanelReport)
class PanelReportAdmin(_ReadOnly):
    """Built on the Reports pages; shown here for support."""

    list_display = ("title", "report_type", "meeting_name", "meeting_date", "status", "created_by")
    list_filter = ("report_type", "status")


@admin.register(ReportVersion)
class ReportVersionAdmin(_ReadOnly):
    """Frozen once generated: never edited, so an issued version stays as the panel read it."""

    list_display = ("report", "number", "status", "generated_by", "generated_at", "issued_at", "page_count")
    list_filter = ("status",)
    exclude = ("data",)
