from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from cases import models as m
from common.access_log import access_log_record
from common.models import AccessLogEntry


class CaseRecordAdmin(SimpleHistoryAdmin):
    """Case records in the Django admin: read-only, and every page that shows one is logged.

    Records change only through imports, which keep a history row with a reason for each change; an
    administrator may still delete one (an erasure), and the confirmation page is logged like the rest.
    Each access-log entry names the children the page showed, as the app's own pages do.
    """

    list_select_related: tuple[str, ...] = ("child",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def child_ref(self, obj) -> str:
        return obj.child.child_id

    def _log(self, request, response, *, action: str, obj=None, objects=()) -> None:
        if response.status_code != 200:
            return  # a redirect (no such object, or after a delete) shows no one
        shown = [obj] if obj is not None else list(objects)
        access_log_record(
            request, action=action, object_type=f"admin {self.opts.verbose_name_plural}",
            object_ref=self.child_ref(obj) if obj is not None else "", detail=request.GET.urlencode(),
            child_ids=[self.child_ref(o) for o in shown],
        )  # fmt: skip

    def _object(self, request, object_id):
        return self.get_object(request, unquote(object_id))

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", None) and response.context_data.get("cl")
        if changelist is not None:
            self._log(request, response, action=AccessLogEntry.Action.LIST, objects=changelist.result_list)
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        self._log(request, response, action=AccessLogEntry.Action.VIEW, obj=self._object(request, object_id))
        return response

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        self._log(request, response, action=AccessLogEntry.Action.VIEW, obj=self._object(request, object_id))
        return response

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied  # simple_history would save ("revert") a POST with view permission alone
        response = super().history_form_view(request, object_id, version_id, extra_context)
        self._log(request, response, action=AccessLogEntry.Action.VIEW, obj=self._object(request, object_id))
        return response

    def delete_view(self, request, object_id, extra_context=None):
        obj = self._object(request, object_id)  # read first: a confirmed delete leaves nothing to name
        response = super().delete_view(request, object_id, extra_context)
        if obj is not None and request.method == "GET":
            self._log(request, response, action=AccessLogEntry.Action.VIEW, obj=obj)
        return response


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
class ChildAdmin(CaseRecordAdmin):
    list_display = ("child_id", "name", "date_of_birth", "gender")
    list_select_related = ()
    search_fields = ("child_id",)

    def child_ref(self, obj) -> str:
        return obj.child_id


@admin.register(m.S47Enquiry)
class S47EnquiryAdmin(CaseRecordAdmin):
    list_display = ("child", "start_date", "end_date", "target_date", "outcome", "team")
    list_filter = ("team", "outcome")
    search_fields = ("child__child_id", "enquiry_id")
    raw_id_fields = ("child", "strategy_discussion", "oversight_manager", "worker")
    readonly_fields = ("target_date",)
    date_hierarchy = "start_date"


@admin.register(m.Referral)
class ReferralAdmin(CaseRecordAdmin):
    list_display = ("referral_id", "child", "received_date", "source", "acknowledgement_date")
    search_fields = ("referral_id", "child__child_id")
    raw_id_fields = ("child",)


@admin.register(m.StrategyDiscussion)
class StrategyDiscussionAdmin(CaseRecordAdmin):
    list_display = ("discussion_id", "child", "date", "police_attended", "health_attended")
    search_fields = ("discussion_id", "child__child_id")
    raw_id_fields = ("child",)


@admin.register(m.CPPlan)
class CPPlanAdmin(CaseRecordAdmin):
    list_display = ("plan_id", "child", "start_date", "end_date", "category")
    search_fields = ("plan_id", "child__child_id")
    raw_id_fields = ("child",)


@admin.register(m.LookedAfterEpisode)
class LookedAfterEpisodeAdmin(CaseRecordAdmin):
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
