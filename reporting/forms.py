"""Forms for the panel report pages: they validate and normalise; the views hand `cleaned_data` to
reporting.services."""

from typing import cast

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms

from actions.models import ActionPlan
from audits.models import Audit
from cases.standards import metric_choices
from common.forms import date_field
from reporting.models import PanelReport
from reporting.privacy import texts_naming_children
from reporting.sections import measures_shown

# Where, never whose: the report officer may not open case records.
NAMES_A_CHILD = (
    "This text contains a child's name or ID from the case records. Refer to cases by their reference "
    "(Case 1, Case 2 ...)"
)


def _helper(*fields, button: str) -> FormHelper:
    helper = FormHelper()
    helper.layout = Layout(*fields, Button.primary("submit", button))
    return helper


class ReportHeaderForm(forms.Form):
    """The header block of the reference reports, and the period the figures cover."""

    report_type = forms.ChoiceField(
        label="Report type",
        choices=PanelReport.Type.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the report type"},
    )
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter the report's title"}
    )
    meeting_name = forms.CharField(
        label="Report for (meeting)",
        max_length=200,
        help_text="For example, CYPS Scrutiny Panel",
        error_messages={"required": "Enter the meeting the report is for"},
    )
    meeting_date = date_field("Meeting date", name="the meeting date")
    item_number = forms.CharField(label="Item number", max_length=20, required=False)
    authorised_by = forms.CharField(
        label="Authorised by",
        max_length=200,
        required=False,
        help_text="Name and role, for example, Director of Children's Services",
    )
    lead_officer = forms.CharField(label="Lead officer", max_length=200, required=False)
    wards_affected = forms.CharField(
        label="Ward(s) affected",
        max_length=200,
        initial="All",
        error_messages={"required": "Enter the wards affected, or All"},
    )
    key_decision = forms.TypedChoiceField(
        label="Report for a key or a non-key decision?",
        choices=[("no", "Non key decision"), ("yes", "Key decision")],
        coerce=lambda value: value == "yes",
        initial="no",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the report is for a key decision"},
    )
    period_start = date_field(
        "Figures from",
        name="the first day of the figures",
        help_text="The first day of the period, for example, 1 1 2026",
    )
    period_end = date_field(
        "Figures to",
        name="the last day of the figures",
        help_text="The last day of the period, for example, 28 2 2026",
    )

    def __init__(self, *args, creating: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        fields = [
            Field.text("title"),
            Field.text("meeting_name"),
            Field("meeting_date"),
            Field.text("item_number", field_width=5),
            Field.text("authorised_by"),
            Field.text("lead_officer"),
            Field.text("wards_affected"),
            Field.radios("key_decision", legend_size=Size.SMALL, small=True),
            Field("period_start"),
            Field("period_end"),
        ]
        if creating:
            fields.insert(0, Field.radios("report_type", legend_size=Size.SMALL))
        else:
            del self.fields["report_type"]
        self.helper = _helper(*fields, button="Create report" if creating else "Save")

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "The end of the period must be the same as or after its start")
        texts = [(name, value) for name, value in data.items() if isinstance(value, str)]
        for name in texts_naming_children(texts):
            self.add_error(name, NAMES_A_CHILD)
        return data

    @staticmethod
    def initial_for(report: PanelReport) -> dict:
        initial = {
            name: getattr(report, name) for name in ReportHeaderForm.base_fields if name != "key_decision"
        }
        initial["key_decision"] = "yes" if report.key_decision else "no"
        return initial


class ReportSelectionsForm(forms.Form):
    audits = forms.ModelMultipleChoiceField(
        label="Audits",
        queryset=Audit.objects.select_related("tool_version__tool").order_by("-planned_month", "title"),
        to_field_name="uuid",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Their results, sample and method, and their full results in an appendix.",
    )
    metrics = forms.MultipleChoiceField(
        label="Measures",
        choices=[],  # the report type's (reporting.sections.MEASURES)
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="By month over the report's period, from the dashboard's stored figures.",
        error_messages={"invalid_choice": "Select only measures this type of report shows"},
    )
    action_plans = forms.ModelMultipleChoiceField(
        label="Action plans",
        queryset=ActionPlan.objects.order_by("-created_at"),
        to_field_name="uuid",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Shown as tables of the issues identified and the action taken by the service.",
    )

    def __init__(self, *args, report_type: str, **kwargs):
        super().__init__(*args, **kwargs)
        shown = measures_shown(report_type)
        fields = [Field.checkboxes("audits", legend_size=Size.SMALL, small=True)]
        if shown:
            cast(forms.MultipleChoiceField, self.fields["metrics"]).choices = metric_choices(shown)
            fields.append(Field.checkboxes("metrics", legend_size=Size.SMALL, small=True))
        else:
            del self.fields["metrics"]  # this type of report shows no measure: none to choose
        fields.append(Field.checkboxes("action_plans", legend_size=Size.SMALL, small=True))
        self.fields["audits"].label_from_instance = lambda a: (  # type: ignore[attr-defined]  # Django's documented relabelling
            f"{a.title} ({a.tool_version}, {a.get_status_display()})"
        )
        self.helper = _helper(*fields, button="Save selections")

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        data.setdefault("metrics", [])
        return data


class ReportSectionForm(forms.Form):
    text = forms.CharField(
        label="Text",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Leave a blank line between paragraphs. Refer to cases by their reference (Case 1, Case 2 "
        "...), never by a child's name.",
    )

    def __init__(self, *args, label: str = "Text", hint: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label = label
        if hint:
            self.fields["text"].help_text = f"{hint} {self.fields['text'].help_text}"
        # One question on the page: its label is the page's heading (GOV.UK "label as page heading").
        self.helper = _helper(
            Field.textarea("text", rows=10, label_size=Size.LARGE, label_tag="h1"), button="Save"
        )

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if texts_naming_children([("text", text)]):
            raise forms.ValidationError(NAMES_A_CHILD)
        return text
