from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from metrics.models import MetricRun, MetricSnapshot, MetricTarget


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
