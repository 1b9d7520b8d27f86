from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cases import models as m


@admin.register(m.Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(m.Worker)
class WorkerAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "team")
    list_filter = ("team",)
    search_fields = ("code", "name")


@admin.register(m.Child)
class ChildAdmin(SimpleHistoryAdmin):
    list_display = ("child_id", "name", "date_of_birth", "gender")
    search_fields = ("child_id",)


@admin.register(m.S47Enquiry)
class S47EnquiryAdmin(SimpleHistoryAdmin):
    list_display = ("child", "start_date", "end_date", "target_date", "outcome", "team")
    list_filter = ("team", "outcome")
    search_fields = ("child__child_id", "enquiry_id")
    raw_id_fields = ("child", "strategy_discussion", "oversight_manager", "worker")
    readonly_fields = ("target_date",)
    date_hierarchy = "start_date"


@admin.register(m.Referral)
class ReferralAdmin(SimpleHistoryAdmin):
    list_display = ("referral_id", "child", "received_date", "source", "acknowledgement_date")
    search_fields = ("referral_id", "child__child_id")
    raw_id_fields = ("child",)


@admin.register(m.StrategyDiscussion)
class StrategyDiscussionAdmin(SimpleHistoryAdmin):
    list_display = ("discussion_id", "child", "date", "police_attended", "health_attended")
    search_fields = ("discussion_id", "child__child_id")
    raw_id_fields = ("child",)


@admin.register(m.CPPlan)
class CPPlanAdmin(SimpleHistoryAdmin):
    list_display = ("plan_id", "child", "start_date", "end_date", "category")
    search_fields = ("plan_id", "child__child_id")
    raw_id_fields = ("child",)


@admin.register(m.LookedAfterEpisode)
class LookedAfterEpisodeAdmin(SimpleHistoryAdmin):
    list_display = ("episode_id", "child", "start_date", "end_date", "legal_status")
    search_fields = ("episode_id", "child__child_id")
    raw_id_fields = ("child",)


@admin.register(m.ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = (
        "file_name",
        "status",
        "rows",
        "created",
        "updated",
        "unchanged",
        "imported_by",
        "imported_at",
    )
    readonly_fields = [f.name for f in m.ImportBatch._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
