from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from actions.models import Action, ActionPlan, Evidence, PlanIssue, ReminderSent


@admin.register(ActionPlan)
class ActionPlanAdmin(SimpleHistoryAdmin):
    list_display = ("title", "audit", "theme", "lead", "review_date", "status")
    list_filter = ("status",)
    search_fields = ("title", "theme")


@admin.register(PlanIssue)
class PlanIssueAdmin(SimpleHistoryAdmin):
    list_display = ("description", "plan", "figure_label")
    search_fields = ("description",)


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    """Read-only: status changes go through the pages, where the sign-off rules are applied."""

    list_display = ("description", "owner", "due_date", "status", "signed_off_by")
    list_filter = ("status", "priority")
    search_fields = ("description", "lead", "owner__username")

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ("original_name", "content_type", "size", "scan", "uploaded_by", "uploaded_at")
    list_filter = ("scan", "content_type")
    readonly_fields = [f.name for f in Evidence._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(ReminderSent)
class ReminderSentAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "sent_on", "sent_at", "action_count")
    list_filter = ("kind", "sent_on")
