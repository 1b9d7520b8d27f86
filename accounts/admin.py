from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from accounts.services import user_disable


@admin.action(description="Disable the selected accounts and sign them out everywhere")
def disable_accounts(modeladmin, request, queryset):
    ended = sum(user_disable(user=user, by=request.user) for user in queryset.exclude(pk=request.user.pk))
    modeladmin.message_user(request, f"Accounts disabled; {ended} session(s) ended.", messages.SUCCESS)


admin.site.unregister(User)


@admin.register(User)
class AccountAdmin(UserAdmin):
    actions = [disable_accounts]
