from django.contrib import admin

from reporting.models import PanelReport, ReportVersion


class _ReadOnly(admin.ModelAdmin):
    """Written by the report pages and the worker: shown, never edited here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


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
