"""Form layout helpers shared by the apps' forms."""

from crispy_forms_gds.layout import Field


def date_input(name: str) -> Field:
    """A date typed as dd/mm/yyyy, sized for it.

    crispy-forms-gds styles a TextInput, not a DateInput: `Field.text(name, field_width=10)` on a date
    field drops the `govuk-input` class and leaves an unstyled box, so the GOV.UK classes are given here.
    """
    return Field(name, css_class="govuk-input govuk-input--width-10")
