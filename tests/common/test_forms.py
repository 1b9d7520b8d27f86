"""The form helpers every app uses: dates typed as dd/mm/yyyy, and a service's errors put on the form."""

import datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError

from common.filters import date_filter
from common.forms import DATE_HINT, add_service_errors, date_field, number_input
from common.models import AccessLogEntry


class DueForm(forms.Form):
    due_date = date_field("Due date", name="the due date")
    size = forms.IntegerField(required=False, widget=number_input())


def test_a_date_is_read_as_typed_or_in_iso_form():
    for typed in ("03/03/2014", "2014-03-03"):
        form = DueForm({"due_date": typed})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["due_date"] == datetime.date(2014, 3, 3)


def test_a_bad_or_missing_date_is_named_in_the_message():
    assert DueForm({"due_date": "31/02/2014"}).errors["due_date"] == [
        "Enter the due date as a real date, like 03/03/2014"
    ]
    assert DueForm({}).errors["due_date"] == ["Enter the due date"]


def test_a_date_field_without_a_name_uses_its_label_and_the_usual_hint():
    field = date_field("Meeting date", required=False)
    assert (field.required, field.help_text) == (False, DATE_HINT)
    assert field.error_messages["invalid"] == "Enter meeting date as a real date, like 03/03/2014"
    assert field.widget.format == "%d/%m/%Y" and "govuk-input" in field.widget.attrs["class"]


def test_a_whole_number_is_a_text_input_with_a_numeric_keyboard():
    html = str(DueForm()["size"])
    assert 'type="text"' in html and 'inputmode="numeric"' in html


def test_a_services_field_error_goes_on_that_field_and_others_at_the_top():
    form = DueForm({"due_date": "03/03/2014"})
    assert form.is_valid()
    add_service_errors(form, ValidationError({"due_date": "Too late", "owner": "Not a manager"}))
    assert form.errors == {"due_date": ["Too late"], "__all__": ["Not a manager"]}


def test_a_services_error_on_no_field_goes_at_the_top():
    form = DueForm({"due_date": "03/03/2014"})
    form.is_valid()
    add_service_errors(form, ValidationError(["Locked", "Closed"]))
    assert form.non_field_errors() == ["Locked", "Closed"]


def test_a_model_field_is_mapped_to_the_form_field_that_set_it():
    form = DueForm({"due_date": "03/03/2014"})
    form.is_valid()
    add_service_errors(form, ValidationError({"sample_size": "Too many"}), {"sample_size": "size"})
    assert form.errors == {"size": ["Too many"]}


def test_a_date_filter_reads_typed_dates_and_may_name_its_own_message():
    class Filters(django_filters.FilterSet):
        on = date_filter("On", field_name="at__date", lookup="exact", invalid="Enter a real date")
        since = date_filter("Since", field_name="at__date", lookup="gte")

    filters = Filters({"on": "03/03/2014", "since": "30/02/2014"}, queryset=AccessLogEntry.objects.none())
    form = filters.form
    assert not form.is_valid()
    assert form.cleaned_data["on"] == datetime.date(2014, 3, 3)
    assert form.errors["since"] == ["Enter a valid date."]
    assert Filters({"on": "x"}, queryset=AccessLogEntry.objects.none()).form.errors["on"] == [
        "Enter a real date"
    ]
    assert filters.filters["since"].lookup_expr == "gte"
