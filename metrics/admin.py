from django import forms
from django.conf import settings
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from metrics.benchmark import BenchmarkPackError, key_id, public_key_load
from metrics.models import BenchmarkPack, MetricRun, MetricSnapshot, MetricTarget, TrustedCouncilKey


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


class TrustedCouncilKeyForm(forms.ModelForm):
    class Meta:
        model = TrustedCouncilKey
        fields = ("council_code", "council_name", "public_key_pem")
        error_messages = {
            "council_code": {"required": "Enter the council's code"},
            "council_name": {"required": "Enter the council's name"},
            "public_key_pem": {"required": "Enter the council's public key"},
        }

    def clean_public_key_pem(self):
        pem = self.cleaned_data["public_key_pem"].strip() + "\n"
        try:
            public_key_load(pem)
        except BenchmarkPackError as error:
            raise forms.ValidationError(str(error)) from None
        return pem

    def clean_council_code(self):
        code = self.cleaned_data["council_code"].strip()
        if code == settings.COUNCIL_CODE:
            raise forms.ValidationError("Enter another council's code: that is this council's own.")
        return code


@admin.register(TrustedCouncilKey)
class TrustedCouncilKeyAdmin(admin.ModelAdmin):
    """Other councils' public keys: a benchmark pack is imported only where it verifies with one."""

    form = TrustedCouncilKeyForm
    list_display = ("council_name", "council_code", "fingerprint", "added_by", "added_at")
    readonly_fields = ("fingerprint", "added_by", "added_at")

    @admin.display(description="Fingerprint")
    def fingerprint(self, obj):
        return key_id(public_key_load(obj.public_key_pem)) if obj.pk else ""

    def save_model(self, request, obj, form, change):
        obj.added_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(BenchmarkPack)
class BenchmarkPackAdmin(_ReadOnly):
    """Imported from the Import benchmark pack page or the command; deleted here when no longer wanted."""

    list_display = ("council_name", "council_code", "first_month", "last_month", "key_id", "imported_at")
    list_filter = ("council_name",)
    exclude = ("content",)
