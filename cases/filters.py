"""Filters for the case lists, by django-filter. Standards filter through cases.standards."""

import django_filters
from django.db.models import Q
from django.utils import timezone

from cases import standards
from cases.models import Child, S47Enquiry, Team, Worker
from common.child_ids import normalise_child_id
from common.filters import date_filter
from common.forms import FilterForm

MET_CHOICES = [("met", "Met"), ("missed", "Not met")]


def _date_filter(label: str, lookup: str) -> django_filters.DateFilter:
    return date_filter(label, field_name="start_date", lookup=lookup)


def _met_filter(measure: standards.MetricKey, condition) -> django_filters.ChoiceFilter:
    """Met, or not met; an enquiry whose sources did not hold the fields is neither (docs/metrics.md)."""
    held = standards.SOURCE_NEEDS[measure].condition

    def apply(queryset, name, value):
        return queryset.filter(held & condition) if value == "met" else queryset.filter(held & ~condition)

    return django_filters.ChoiceFilter(
        label=measure.label, choices=MET_CHOICES, empty_label="Any", method=apply
    )


class S47EnquiryFilter(django_filters.FilterSet):
    child_id = django_filters.CharFilter(label="Child ID", method="filter_child_id")
    team = django_filters.ModelChoiceFilter(queryset=Team.objects.all(), empty_label="All teams")
    worker = django_filters.ModelChoiceFilter(queryset=Worker.objects.all(), empty_label="All workers")
    start_from = _date_filter("Started on or after", "gte")
    start_to = _date_filter("Started on or before", "lte")
    outcome = django_filters.ChoiceFilter(choices=S47Enquiry.Outcome.choices, empty_label="Any outcome")
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=[("completed", "Completed"), ("open", "Open"), ("overdue", "Open and overdue")],
        empty_label="Any",
        method="filter_status",
    )
    within_target = django_filters.ChoiceFilter(
        label="Completed within 15 working days",
        choices=MET_CHOICES,
        empty_label="Any",
        method="filter_within_target",
    )
    consent = _met_filter(standards.MetricKey.CONSENT_RECORDED, standards.CONSENT_RECORDED)
    chronology = _met_filter(standards.MetricKey.CHRONOLOGY_ON_FILE, standards.CHRONOLOGY_ON_FILE)
    oversight = _met_filter(standards.MetricKey.MANAGEMENT_OVERSIGHT, standards.OVERSIGHT_RECORDED)

    class Meta:
        model = S47Enquiry
        fields: list[str] = []
        form = FilterForm

    def filter_child_id(self, queryset, name, value):
        return queryset.filter(child__child_id=normalise_child_id(value))

    def filter_status(self, queryset, name, value):
        if value == "completed":
            return queryset.filter(standards.S47_COMPLETED)
        if value == "open":
            return queryset.filter(Q(end_date__isnull=True) & standards.HOLDS_END_DATE)
        return queryset.filter(standards.s47_open_and_overdue(timezone.localdate()))

    def filter_within_target(self, queryset, name, value):
        return queryset.filter(
            standards.S47_WITHIN_TARGET if value == "met" else standards.S47_OUTSIDE_TARGET
        )


class ChildFilter(django_filters.FilterSet):
    child_id = django_filters.CharFilter(label="Child ID", method="filter_child_id")

    class Meta:
        model = Child
        fields: list[str] = []
        form = FilterForm

    def filter_child_id(self, queryset, name, value):
        # IDs are stored normalised: "ex 00" finds EX0001 and EX0002.
        return queryset.filter(child_id__startswith=normalise_child_id(value))
