"""Form helpers shared by the apps' forms."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms

# A date is typed as dd/mm/yyyy; ISO dates (a bookmarked or API-built URL) are read too.
DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


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
