from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from accounts.models import EnrolmentLink
from accounts.services import enrolment_link_issue, user_disable


@admin.action(description="Disable the selected accounts and sign them out everywhere")
def disable_accounts(modeladmin, request, queryset):
    ended = sum(user_disable(user=user, by=request.user) for user in queryset.exclude(pk=request.user.pk))
    modeladmin.message_user(request, f"Accounts disabled; {ended} session(s) ended.", messages.SUCCESS)


@admin.action(description="Issue a two-factor set-up link to each selected account")
def issue_enrolment_links(modeladmin, request, queryset):
    for user in queryset:
        try:
            path = enrolment_link_issue(user=user, by=request.user)
        except ValidationError as error:
            modeladmin.message_user(request, error.messages[0], messages.ERROR)
            continue
        modeladmin.message_user(
            request,
            f"Set-up link for {user.username} (works once, for {settings.TWO_FACTOR_LINK_HOURS} hours; "
            f"give it only to them): {request.build_absolute_uri(path)}",
            messages.SUCCESS,
        )


admin.site.unregister(User)


@admin.register(User)
class AccountAdmin(UserAdmin):
    actions = [disable_accounts, issue_enrolment_links]


@admin.register(EnrolmentLink)
class EnrolmentLinkAdmin(admin.ModelAdmin):
    """Read-only: links are issued by the action on accounts (or `manage.py two_factor_link`)."""

    list_display = ("user", "issued_by", "issued_at", "expires_at", "used_at")
    readonly_fields = [f.name for f in EnrolmentLink._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
