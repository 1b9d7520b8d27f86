"""The access log search: "who looked at this child?", and by user, action, what and when."""

import django_filters
from django import forms
from django.db.models import Q

from common.child_ids import normalise_child_id
from common.forms import DATE_FORMATS, DATE_HINT, FilterForm
from common.models import AccessLogChild, AccessLogEntry


def date_filter(
    label: str, *, field_name: str, lookup: str, help_text: str = DATE_HINT, invalid: str = ""
) -> django_filters.DateFilter:
    """A list filter on a date typed in one box ("27 3 2026", or dd/mm/yyyy), sized for it.

    A GET filter keeps one box rather than GOV.UK's three: the list's links and bookmarks carry the date
    as one parameter, and an empty filter must stay empty (three boxes half-filled would be an error)."""
    return django_filters.DateFilter(
        field_name=field_name,
        lookup_expr=lookup,
        label=label,
        input_formats=DATE_FORMATS,
        help_text=help_text,
        error_messages={"invalid": invalid or "Enter a real date, for example 27 3 2026"},
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10", "inputmode": "numeric"}),
    )


def _date(label: str, lookup: str) -> django_filters.DateFilter:
    return date_filter(label, field_name="at__date", lookup=lookup)


class AccessLogFilter(django_filters.FilterSet):
    child = django_filters.CharFilter(
        label="Child ID",
        method="filter_child",
        help_text="Views of the child's record, and case audits, lists and exports that showed it.",
    )
    username = django_filters.CharFilter(field_name="username", lookup_expr="iexact", label="User (username)")
    action = django_filters.ChoiceFilter(choices=AccessLogEntry.Action.choices, empty_label="Any action")
    object_type = django_filters.CharFilter(
        field_name="object_type",
        lookup_expr="iexact",
        label="What was seen",
        help_text="For example: child, case audit, metric drill-down, audit answers",
    )
    start = _date("On or after", "gte")
    end = _date("On or before", "lte")

    class Meta:
        model = AccessLogEntry
        fields: list[str] = []
        form = FilterForm

    def filter_child(self, queryset, name, value):
        # Child IDs are logged in their stored form (common/child_ids.py); entries made before IDs were
        # normalised are found as they were written.
        named = AccessLogChild.objects.filter(
            Q(child_ref=normalise_child_id(value)) | Q(child_ref__iexact=value.strip())
        ).values("entry_id")
        return queryset.filter(pk__in=named)
