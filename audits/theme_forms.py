"""Forms for the managed list of learning themes."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms


class ThemeForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        error_messages={"required": "Enter the theme's name"},
    )
    description = forms.CharField(
        label="Description (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What a finding with this theme is about, for auditors choosing it",
    )

    def __init__(self, *args, button: str = "Add theme", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("name"), Field.textarea("description", rows=3), Button.primary("submit", button)
        )


class ThemeEditForm(ThemeForm):
    is_active = forms.TypedChoiceField(
        label="Is the theme offered to auditors?",
        choices=[("yes", "Yes, active"), ("no", "No, deactivated: existing tags are kept")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the theme is active"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, button="Save theme", **kwargs)
        self.helper.layout = Layout(
            Field.text("name"),
            Field.textarea("description", rows=3),
            Field.radios("is_active", legend_size="s"),
            Button.primary("submit", "Save theme"),
        )
