from django.contrib import admin

from common.models import AccessLogEntry


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(admin.ModelAdmin):
    """Append-only from the app: administrators can search it ("who looked at this child?") but not edit."""

    list_display = ("at", "username", "action", "object_type", "object_ref", "ip_address")
    list_filter = ("action", "object_type")
    search_fields = ("username", "object_ref", "path", "children__child_ref")
    date_hierarchy = "at"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in AccessLogEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
