"""The form helpers every app uses: GOV.UK date inputs and their messages, numbers typed in text boxes,
and a service's errors put on the form."""

import datetime
from typing import cast

import django_filters
import pytest
import time_machine
from django import forms
from django.core.exceptions import ValidationError

from common.filters import date_filter
from common.forms import (
    DATE_HINT,
    MONTH_HINT,
    add_service_errors,
    date_field,
    number_input,
    whole_number_field,
)
from common.models import AccessLogEntry
from tests.dates import date_parts


class DueForm(forms.Form):
    due_date = date_field("Due date", name="the due date")
    size = forms.IntegerField(required=False, widget=number_input())


def due(day: str, month: str, year: str) -> DueForm:
    return DueForm({"due_date_0": day, "due_date_1": month, "due_date_2": year})


def test_a_date_is_typed_as_day_month_and_year():
    form = due("3", "03", " 2014 ")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["due_date"] == datetime.date(2014, 3, 3)


def test_a_missing_date_asks_for_it_by_name():
    assert DueForm({}).errors["due_date"] == ["Enter the due date"]
    assert due("", "", "").errors["due_date"] == ["Enter the due date"]


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("3", "", "2014", "Due date must include a month"),
        ("", "3", "2014", "Due date must include a day"),
        ("3", "3", "", "Due date must include a year"),
        ("", "", "2014", "Due date must include a day and month"),
        ("31", "2", "2014", "Due date must be a real date"),
        ("3", "13", "2014", "Due date must be a real date"),
        ("3", "March", "2014", "Due date must be a real date"),
        ("3", "3", "14", "Due date must include a year with 4 numbers"),
    ],
)
def test_a_part_missing_or_wrong_is_named_in_govuk_words(day: str, month: str, year: str, message: str):
    assert due(day, month, year).errors["due_date"] == [message]


def test_the_boxes_in_error_are_marked_and_the_summary_links_the_first():
    form = due("", "3", "")
    assert not form.is_valid()
    html = str(form["due_date"])
    day, month, year = html.split("<input")[1:]
    assert "govuk-input--error" in day and "govuk-input--error" in year
    assert "govuk-input--error" not in month
    # crispy-forms-gds's error summary links an error to the box whose sub-field carries it.
    boxes = cast(forms.MultiValueField, form.fields["due_date"]).fields
    assert [getattr(box.widget, "errors", []) for box in boxes] == [
        ["Due date must include a day and year"],
        [],
        [],
    ]


def test_a_month_out_of_range_marks_the_month_and_a_day_the_month_lacks_marks_the_day():
    form = due("3", "13", "2014")
    assert not form.is_valid() and form.fields["due_date"].widget.error_parts == {1}
    form = due("31", "2", "2014")
    assert not form.is_valid() and form.fields["due_date"].widget.error_parts == {0}


def test_the_boxes_are_labelled_numeric_text_inputs_filled_from_the_initial_date():
    form = DueForm(initial={"due_date": datetime.date(2014, 3, 27)})
    html = str(form["due_date"])
    assert html.count('type="text"') == 3 and html.count('inputmode="numeric"') == 3
    assert 'type="number"' not in html
    for label in ("Day", "Month", "Year"):
        assert f">{label}</label>" in html
    assert 'name="due_date_0" value="27"' in html and 'name="due_date_2" value="2014"' in html


@time_machine.travel(datetime.datetime(2014, 3, 3, 12, tzinfo=datetime.UTC))
def test_a_date_rule_is_checked_against_today():
    class RuleForm(forms.Form):
        review = date_field("Review date", rule="future")
        written = date_field("Date of the update", rule="not_future")

    today = datetime.date(2014, 3, 3)
    form = RuleForm({**date_parts("review", today), **date_parts("written", today + datetime.timedelta(1))})
    assert form.errors == {
        "review": ["Review date must be in the future"],
        "written": ["Date of the update must be today or in the past"],
    }
    form = RuleForm({**date_parts("review", today + datetime.timedelta(1)), **date_parts("written", today)})
    assert form.is_valid(), form.errors


def test_a_month_input_asks_for_the_month_and_year_and_cleans_to_the_first_day():
    class MonthForm(forms.Form):
        planned = date_field("Planned month", name="the planned month", month_only=True)

    assert MonthForm().fields["planned"].help_text == MONTH_HINT
    form = MonthForm({"planned_0": "4", "planned_1": "2014"})
    assert form.is_valid() and form.cleaned_data == {"planned": datetime.date(2014, 4, 1)}
    assert MonthForm({"planned_0": "", "planned_1": "2014"}).errors["planned"] == [
        "Planned month must include a month"
    ]
    assert MonthForm({}).errors["planned"] == ["Enter the planned month"]
    assert str(MonthForm()["planned"]).count("<input") == 2


def test_an_optional_date_may_be_left_empty_and_uses_the_usual_hint():
    field = date_field("Meeting date", required=False)
    assert (field.required, field.help_text) == (False, DATE_HINT)
    assert field.clean(["", "", ""]) is None


def test_a_whole_number_is_a_text_input_with_a_numeric_keyboard():
    html = str(DueForm()["size"])
    assert 'type="text"' in html and 'inputmode="numeric"' in html
    assert "pattern=" not in html  # the browser's own check would hide the GOV.UK message


def test_a_whole_number_fields_messages_name_it():
    class SampleForm(forms.Form):
        size = whole_number_field("Sample size", minimum=1, maximum=500)

    assert SampleForm({}).errors["size"] == ["Enter sample size"]
    assert SampleForm({"size": "ten"}).errors["size"] == ["Sample size must be a number"]
    assert SampleForm({"size": "501"}).errors["size"] == ["Sample size must be between 1 and 500"]
    assert SampleForm({"size": "0"}).errors["size"] == ["Sample size must be between 1 and 500"]
    form = SampleForm({"size": "12"})
    assert form.is_valid() and form.cleaned_data == {"size": 12}


def test_a_services_field_error_goes_on_that_field_and_others_at_the_top():
    form = DueForm(date_parts("due_date", "03/03/2014"))
    assert form.is_valid()
    add_service_errors(form, ValidationError({"due_date": "Too late", "owner": "Not a manager"}))
    assert form.errors == {"due_date": ["Too late"], "__all__": ["Not a manager"]}


def test_a_services_error_on_no_field_goes_at_the_top():
    form = DueForm(date_parts("due_date", "03/03/2014"))
    form.is_valid()
    add_service_errors(form, ValidationError(["Locked", "Closed"]))
    assert form.non_field_errors() == ["Locked", "Closed"]


def test_a_model_field_is_mapped_to_the_form_field_that_set_it():
    form = DueForm(date_parts("due_date", "03/03/2014"))
    form.is_valid()
    add_service_errors(form, ValidationError({"sample_size": "Too many"}), {"sample_size": "size"})
    assert form.errors == {"size": ["Too many"]}


def test_a_date_filter_reads_a_date_typed_in_one_box_and_names_itself_in_its_message():
    class Filters(django_filters.FilterSet):
        on = date_filter("On", field_name="at__date", lookup="exact", invalid="Enter a real date")
        since = date_filter("Since", field_name="at__date", lookup="gte")

    filters = Filters({"on": "3 3 2014", "since": "30/02/2014"}, queryset=AccessLogEntry.objects.none())
    form = filters.form
    assert not form.is_valid()
    assert form.cleaned_data["on"] == datetime.date(2014, 3, 3)
    assert form.errors["since"] == ["Enter a real date, for example 27 3 2026"]
    assert form.fields["since"].help_text == "For example, 27 3 2026"
    assert Filters({"on": "03/03/2014"}, queryset=AccessLogEntry.objects.none()).form.is_valid()
    assert Filters({"on": "x"}, queryset=AccessLogEntry.objects.none()).form.errors["on"] == [
        "Enter a real date"
    ]
    assert filters.filters["since"].lookup_expr == "gte"
