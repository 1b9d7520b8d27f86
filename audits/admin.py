"""Django admin for audits: only the link from a practitioner's log-in to their worker in the case records.

Audits, case audits and feedback name children, and change only through the app's services."""

from django.contrib import admin

from audits.models import PractitionerProfile


@admin.register(PractitionerProfile)
class PractitionerProfileAdmin(admin.ModelAdmin):
    """Give the user the Practitioner role too: the link alone shows them nothing."""

    list_display = ("user", "worker")
    list_select_related = ("user", "worker")
    search_fields = ("user__username", "worker__code", "worker__name")
    autocomplete_fields = ("user", "worker")
