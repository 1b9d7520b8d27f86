"""Form helpers shared by the apps' forms."""

from collections.abc import Mapping

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms
from django.core.exceptions import ValidationError

# A date is typed as dd/mm/yyyy; ISO dates (a bookmarked or API-built URL) are read too.
DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATE_HINT = "For example, 03/03/2014"


class FilterForm(forms.Form):
    """A GET form rendered with the GOV.UK template pack: the filters above a list."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(*self.fields.keys(), Button("filter", "Apply filters"))


def date_input(name: str) -> Field:
    """A date typed as dd/mm/yyyy, sized for it.

    crispy-forms-gds styles a TextInput, not a DateInput: `Field.text(name, field_width=10)` on a date
    field drops the `govuk-input` class and leaves an unstyled box, so the GOV.UK classes are given here.
    """
    return Field(name, css_class="govuk-input govuk-input--width-10")


def date_field(
    label: str, *, required: bool = True, help_text: str = DATE_HINT, name: str = ""
) -> forms.DateField:
    """A date typed as dd/mm/yyyy, with GOV.UK's error messages ("Enter the due date as a real date")."""
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        help_text=help_text,
        error_messages={
            "invalid": f"Enter {name or label.lower()} as a real date, like 03/03/2014",
            "required": f"Enter {name or label.lower()}",
        },
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"class": "govuk-input"}),
    )


def number_input() -> forms.TextInput:
    """GOV.UK asks for a text input with a numeric keyboard, not type=number, for whole numbers."""
    return forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"})


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
