"""Form helpers shared by the apps' forms: GOV.UK date inputs, numbers and error messages."""

import datetime
import hashlib
from collections.abc import Mapping
from typing import Literal

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

# A date in a GET filter is typed in one box: as GOV.UK's date input hint reads ("27 3 2026"), as
# dd/mm/yyyy, or in ISO form (a bookmarked or API-built URL).
DATE_FORMATS = ["%d %m %Y", "%d/%m/%Y", "%Y-%m-%d"]
DATE_HINT = "For example, 27 3 2026"
MONTH_HINT = "For example, 3 2026"

DateRule = Literal["future", "not_future"]
_PART_LABELS = {"day": "Day", "month": "Month", "year": "Year"}
_PART_WIDTHS = {"day": 2, "month": 2, "year": 4}


class FilterForm(forms.Form):
    """A GET form rendered with the GOV.UK template pack: the filters above a list.

    Rendering it (crispy-forms' templates, field by field, with every team and worker as an option) costs
    more than the list it filters, so `{% filter_form form %}` (common/templatetags/filter_forms.py)
    keeps each rendering for a while under `cache_key()`: a digest of everything the HTML is made from."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(*self.fields.keys(), Button("filter", "Apply filters"))

    def cache_key(self) -> str:
        """The same for two forms only if they render the same HTML: the form's class and prefix, what
        was sent (errors follow from it), the initial values, and per field its label, help text,
        widget and attributes, and its options as they are now (a team renamed or added changes it)."""
        data = sorted(self.data.lists()) if hasattr(self.data, "lists") else sorted(self.data.items())
        fields = [
            (
                name,
                str(field.label),
                str(field.help_text),
                field.required,
                type(field.widget).__qualname__,
                sorted(field.widget.attrs.items()),
                field_choices_key(field),
            )
            for name, field in self.fields.items()
        ]
        parts = (
            f"{type(self).__module__}.{type(self).__qualname__}",
            self.prefix,
            self.is_bound,
            data,
            sorted((k, str(v)) for k, v in self.initial.items()),
            fields,
            self.helper.form_action,
        )
        return "filter-form:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def field_choices_key(field: forms.Field) -> list[tuple[str, str]] | None:
    """A field's options as (value, label) text, as its widget will draw them.

    A model choice field's options are read in one plain query of its queryset: its own iterator reads
    them through a server-side cursor (declare, fetch, fetch, close), four round trips a field."""
    if isinstance(field, forms.ModelChoiceField) and field.queryset is not None:
        empty = [("", str(field.empty_label))] if field.empty_label is not None else []
        return empty + [
            (str(field.prepare_value(obj)), str(field.label_from_instance(obj)))
            for obj in field.queryset.all()
        ]
    if hasattr(field, "choices"):
        return [(str(value), str(label)) for value, label in field.choices]
    return None


class DateInputWidget(forms.MultiWidget):
    """GOV.UK's date input: a box each for the day, month and year (or the month and year), posted as
    `<name>_0`, `<name>_1`, `<name>_2`. The boxes an error is about get `govuk-input--error`."""

    template_name = "common/widgets/date_input.html"

    def __init__(self, parts: tuple[str, ...] = ("day", "month", "year")):
        self.parts = parts
        self.error_parts: set[int] = set()  # set by DateField.clean
        super().__init__(
            [
                forms.TextInput(
                    attrs={
                        "class": f"govuk-input govuk-date-input__input govuk-input--width-{_PART_WIDTHS[part]}",
                        "inputmode": "numeric",
                    }
                )
                for part in parts
            ]
        )

    def decompress(self, value):
        if isinstance(value, datetime.date):
            values = {"day": value.day, "month": value.month, "year": value.year}
            return [values[part] for part in self.parts]
        return [None] * len(self.parts)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for index, (part, subwidget) in enumerate(
            zip(self.parts, context["widget"]["subwidgets"], strict=True)
        ):
            subwidget["label"] = _PART_LABELS[part]
            classes = subwidget["attrs"]["class"].split()
            if index in self.error_parts and "govuk-input--error" not in classes:
                subwidget["attrs"]["class"] = " ".join([*classes, "govuk-input--error"])
        return context


class DateField(forms.MultiValueField):
    """A date typed in GOV.UK's date input, with GOV.UK's error messages ("Enter the due date", "Due date
    must include a month", "Due date must be a real date", "Due date must be in the future").

    `name` is how a message names the date ("the due date"); its subject is the label ("Due date must...").
    `month_only` asks for the month and year, and cleans to the first day of the month.
    """

    def __init__(
        self,
        *,
        label: str,
        name: str = "",
        required: bool = True,
        help_text: str = "",
        month_only: bool = False,
        rule: DateRule | None = None,
        **kwargs,
    ):
        self.parts: tuple[str, ...] = ("month", "year") if month_only else ("day", "month", "year")
        self.name = name or label.lower()
        self.subject = label
        self.rule = rule
        super().__init__(
            fields=tuple(forms.CharField(required=False) for _ in self.parts),
            require_all_fields=False,
            required=required,
            label=label,
            help_text=help_text,
            widget=DateInputWidget(self.parts),
            error_messages={"required": f"Enter {self.name}"},
            **kwargs,
        )
        # crispy-forms-gds's error summary links an error to the box it is about through the sub-fields.
        for field in self.fields:
            field.widget.errors = []

    def _error(self, message: str, parts: list[int], code: str = "invalid") -> ValidationError:
        self.widget.error_parts = set(parts)
        self.fields[parts[0]].widget.errors = [message]
        return ValidationError(message, code=code)

    def clean(self, value):
        self.widget.error_parts = set()
        for field in self.fields:
            field.widget.errors = []
        if self.disabled and not isinstance(value, list | tuple):
            value = self.widget.decompress(value)
        texts = [str(v).strip() if v is not None else "" for v in (value or [])]
        texts += [""] * (len(self.parts) - len(texts))
        if not any(texts):
            if self.required:
                raise self._error(
                    str(self.error_messages["required"]), list(range(len(self.parts))), "required"
                )
            return None
        missing = [i for i, text in enumerate(texts) if not text]
        if missing:
            names = " and ".join(self.parts[i] for i in missing)
            raise self._error(f"{self.subject} must include a {names}", missing, "incomplete")
        not_numbers = [i for i, text in enumerate(texts) if not text.isdigit()]
        if not_numbers:
            raise self._error(f"{self.subject} must be a real date", not_numbers)
        numbers = dict(zip(self.parts, (int(text) for text in texts), strict=True))
        year = self.parts.index("year")
        if len(texts[year]) != 4:
            raise self._error(f"{self.subject} must include a year with 4 numbers", [year])
        if not 1 <= numbers["month"] <= 12:
            raise self._error(f"{self.subject} must be a real date", [self.parts.index("month")])
        try:
            value = datetime.date(numbers["year"], numbers["month"], numbers.get("day", 1))
        except ValueError:  # a day the month does not have (31 2): the day is wrong
            raise self._error(f"{self.subject} must be a real date", [0]) from None
        today = timezone.localdate()
        if self.rule == "future" and value <= today:
            raise self._error(f"{self.subject} must be in the future", [0])
        if self.rule == "not_future" and value > today:
            raise self._error(f"{self.subject} must be today or in the past", [0])
        self.validate(value)
        self.run_validators(value)
        return value

    def compress(self, data_list):  # clean() builds the date itself
        raise NotImplementedError

    def has_changed(self, initial, data):
        try:
            return self.clean(data) != initial
        except ValidationError:
            return True


def date_field(
    label: str,
    *,
    required: bool = True,
    help_text: str = DATE_HINT,
    name: str = "",
    month_only: bool = False,
    rule: DateRule | None = None,
) -> DateField:
    """The one way a form asks for a date: GOV.UK's date input and its error messages."""
    if month_only and help_text == DATE_HINT:
        help_text = MONTH_HINT
    return DateField(
        label=label, name=name, required=required, help_text=help_text, month_only=month_only, rule=rule
    )


def number_input(width: int | None = None) -> forms.TextInput:
    """GOV.UK asks for a text input with a numeric keyboard, not type=number, for whole numbers
    ("Asking for numbers"); the field checks the number on the server. No `pattern` attribute: the browser
    would refuse the form with its own bubble ("Please match the requested format") before the server's
    GOV.UK error message could be shown; it was only needed by iOS before 12.2."""
    attrs = {"inputmode": "numeric", "spellcheck": "false"}
    if width:
        attrs["class"] = f"govuk-input govuk-input--width-{width}"
    return forms.TextInput(attrs=attrs)


def whole_number_field(
    label: str,
    *,
    subject: str = "",
    minimum: int | None = None,
    maximum: int | None = None,
    required: bool = True,
    help_text: str = "",
    width: int | None = None,
    required_message: str = "",
) -> forms.IntegerField:
    """A whole number in a text box, with GOV.UK's messages: "Sample size must be a number", "... must be
    between 1 and 500" (or "... must be 1 or more")."""
    subject = subject or label
    if minimum is not None and maximum is not None:
        out_of_range = f"{subject} must be between {minimum} and {maximum}"
    elif minimum is not None:
        out_of_range = f"{subject} must be {minimum} or more"
    else:
        out_of_range = f"{subject} must be {maximum} or less"
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=minimum,
        max_value=maximum,
        help_text=help_text,
        widget=number_input(width),
        error_messages={
            "required": required_message or f"Enter {subject[0].lower()}{subject[1:]}",
            "invalid": f"{subject} must be a number",
            "min_value": out_of_range,
            "max_value": out_of_range,
        },
    )


def add_service_errors(
    form: forms.Form, error: ValidationError, field_names: Mapping[str, str] | None = None
) -> None:
    """Puts a service's ValidationError on the form, so it shows in the error summary, never as a 500.

    An error on a model field goes on the form field of the same name, or of the name `field_names` maps
    it to; one on a field the form does not have, or on no field, goes at the top.
    """
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        name = (field_names or {}).get(name, name)
        form.add_error(name if name in form.fields else None, errors)
