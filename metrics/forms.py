"""Filters for the dashboard and the drill-downs (GET forms), the target form, and the benchmark pack forms."""

import dataclasses
import datetime
from typing import cast

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout, Submit
from django import forms

from cases.models import Team
from cases.standards import PERCENT_KEYS, MetricKey, metric_choices
from common.forms import MONTH_HINT, FilterForm, whole_number_field
from metrics.benchmark import COUNT_MEASURES as BENCHMARK_COUNTS
from metrics.benchmark import MAX_PACK_BYTES
from metrics.periods import add_months, last_complete_month, month_index, parse_month

DEFAULT_MONTHS = 12
MAX_MONTHS = 120
DEFAULT_LEAVING_MONTHS = 6
MONTH_HELP = MONTH_HINT


class MonthField(forms.CharField):
    """A month typed as "3 2026" or 03/2026 (or 2026-03, as the dashboard's links write it); cleaned to its
    first day. A GET filter keeps one box: the dashboard's links carry the month as one parameter."""

    widget = forms.TextInput(attrs={"class": "govuk-input govuk-input--width-5", "inputmode": "numeric"})

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        month = parse_month(value)
        if month is None:
            raise forms.ValidationError("Enter a real month, for example 3 2026", code="invalid")
        return month


@dataclasses.dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date
    team: Team | None


class _PeriodForm(FilterForm):
    """From and to months and a team; with none given, the last complete month(s) and all teams."""

    default_months = DEFAULT_MONTHS

    start = MonthField(label="From (month)", required=False, help_text=MONTH_HELP)
    end = MonthField(label="To (month)", required=False, help_text=MONTH_HELP)
    team = forms.ChoiceField(
        label="Team",
        required=False,
        widget=forms.Select(attrs={"class": "govuk-select"}),
        error_messages={"invalid_choice": "Select a team from the list"},
    )

    def __init__(self, data=None, *, today: datetime.date, **kwargs):
        self.today = today
        last = last_complete_month(today)
        self.default_end = last
        self.default_start = add_months(last, 1 - self.default_months)
        super().__init__(data, **kwargs)
        # The teams are read once, for the choices and for the cleaned value (no second query to look one up).
        self.teams = {str(team.pk): team for team in Team.objects.all()}
        cast(forms.ChoiceField, self.fields["team"]).choices = [
            ("", "All teams"),
            *((pk, team.name) for pk, team in self.teams.items()),
        ]
        self.initial.setdefault("start", f"{self.default_start.month} {self.default_start.year}")
        self.initial.setdefault("end", f"{self.default_end.month} {self.default_end.year}")

    def clean_team(self) -> Team | None:
        return self.teams.get(self.cleaned_data["team"])

    def clean(self):
        cleaned = super().clean()
        assert cleaned is not None  # Form.clean returns cleaned_data
        start = cleaned.get("start") or self.default_start
        end = cleaned.get("end") or self.default_end
        if "start" in cleaned and "end" in cleaned:
            if start > end:
                self.add_error("end", "The 'to' month must be the same as or after the 'from' month.")
            elif month_index(end) - month_index(start) >= MAX_MONTHS:
                self.add_error("start", f"Choose at most {MAX_MONTHS} months.")
        cleaned["start"], cleaned["end"] = start, end
        return cleaned

    def period(self) -> Period:
        """The period to show: the form's, or the defaults when it is unbound or has errors."""
        if self.is_bound and self.is_valid():
            data = self.cleaned_data
            return Period(data["start"], data["end"], data["team"])
        return Period(self.default_start, self.default_end, None)


class DashboardForm(_PeriodForm):
    leaving_months = whole_number_field(
        "Leaving care within (months)",
        subject="Leaving care within",
        minimum=1,
        maximum=24,
        required=False,
        help_text="Young people looked after who turn 18 by the end of this many months from now.",
        width=3,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("leaving_months", DEFAULT_LEAVING_MONTHS)

    def govuk_fields(self) -> list[dict]:
        """The fields as GOV.UK form groups (metrics/includes/filter_fields.html): the markup
        crispy-forms-gds gives, without its tree of templates, which took a fifth of the dashboard's time."""
        groups = []
        for field in self.visible_fields():
            described = [f"{field.auto_id}_hint"] if field.help_text else []
            described += [f"{field.auto_id}_{n}_error" for n in range(1, len(field.errors) + 1)]
            attrs: dict[str, str | bool] = {"aria-describedby": " ".join(described)} if described else {}
            if field.errors:
                kind = "select" if isinstance(field.field.widget, forms.Select) else "input"
                attrs["class"] = f"{field.field.widget.attrs.get('class', '')} govuk-{kind}--error".strip()
                attrs["aria-invalid"] = "true"
            groups.append({"field": field, "widget": field.as_widget(attrs=attrs)})
        return groups

    def leaving(self) -> int:
        if self.is_bound and self.is_valid() and self.cleaned_data.get("leaving_months"):
            return self.cleaned_data["leaving_months"]
        return DEFAULT_LEAVING_MONTHS


class AnswerFilterForm(_PeriodForm):
    """The auditors' answers behind an audit figure: by period, team and child."""

    child_id = forms.CharField(
        label="Child ID",
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10"}),
    )

    def child(self) -> str:
        return self.cleaned_data.get("child_id", "") if self.is_bound and self.is_valid() else ""


class DrilldownForm(AnswerFilterForm):
    """The records behind a figure: also by whether each met the standard."""

    default_months = 1

    met = forms.ChoiceField(
        label="Standard",
        choices=[("", "Met or not met"), ("met", "Met"), ("missed", "Not met")],
        required=False,
        error_messages={"invalid_choice": "Select met, not met, or both"},
    )

    list = forms.ChoiceField(
        choices=[("", "The figure's records"), ("related", "The count beside it")],
        required=False,
        widget=forms.HiddenInput,
    )

    def related(self) -> bool:
        return self.is_bound and self.is_valid() and self.cleaned_data.get("list") == "related"

    def met_value(self) -> bool | None:
        if self.is_bound and self.is_valid():
            return {"met": True, "missed": False}.get(self.cleaned_data.get("met") or "")
        return None


class TargetForm(forms.Form):
    target_percent = whole_number_field(
        "Target (%)",
        subject="The target",
        minimum=0,
        maximum=100,
        help_text="Green at or above this percentage.",
        width=3,
        required_message="Enter the target percentage",
    )
    amber_percent = whole_number_field(
        "Amber from (%)",
        subject="The amber threshold",
        minimum=0,
        maximum=100,
        help_text="Amber at or above this percentage and below the target; red below it.",
        width=3,
        required_message="Enter the percentage amber starts from",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout("target_percent", "amber_percent", Submit("save", "Save target"))

    def clean(self):
        cleaned = super().clean()
        assert cleaned is not None  # Form.clean returns cleaned_data
        target, amber = cleaned.get("target_percent"), cleaned.get("amber_percent")
        if target is not None and amber is not None and amber > target:
            self.add_error("amber_percent", "Amber must start at or below the target.")
        return cleaned


# Benchmark packs -------------------------------------------------------------------------------------------

REGION_MEASURES = (*PERCENT_KEYS, *BENCHMARK_COUNTS)


class BenchmarkExportForm(forms.Form):
    """The months of this council's pack: by default the last 12 complete months."""

    first = MonthField(label="From (month)", help_text=MONTH_HELP)
    last = MonthField(label="To (month)", help_text=MONTH_HELP)

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        last = last_complete_month(today)
        first = add_months(last, 1 - DEFAULT_MONTHS)
        self.initial.setdefault("first", f"{first.month} {first.year}")
        self.initial.setdefault("last", f"{last.month} {last.year}")
        self.fields["first"].error_messages["required"] = "Enter the first month of the pack"
        self.fields["last"].error_messages["required"] = "Enter the last month of the pack"
        self.helper = FormHelper()
        self.helper.layout = Layout("first", "last", Submit("export", "Download the signed pack"))

    def clean(self):
        cleaned = super().clean()
        assert cleaned is not None  # Form.clean returns cleaned_data
        first, last = cleaned.get("first"), cleaned.get("last")
        if first and last:
            if first > last:
                self.add_error("last", "The 'to' month must be the same as or after the 'from' month.")
            elif month_index(last) - month_index(first) >= MAX_MONTHS:
                self.add_error("first", f"Choose at most {MAX_MONTHS} months.")
        return cleaned


class BenchmarkImportForm(forms.Form):
    pack = forms.FileField(
        label="Benchmark pack",
        help_text="The signed .json file another council sent.",
        error_messages={"required": "Select the benchmark pack file", "empty": "The selected file is empty"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout("pack", Submit("import", "Check and import"))

    def clean_pack(self) -> bytes:
        upload = self.cleaned_data["pack"]
        if upload.size > MAX_PACK_BYTES:
            raise forms.ValidationError(
                f"The selected file must be smaller than {MAX_PACK_BYTES // 1024 // 1024} MB"
            )
        return upload.read()


class RegionForm(forms.Form):
    """The measure to compare, and the councils counted as this one's statistical neighbours (all the
    councils whose packs are held, until the user chooses)."""

    measure = forms.ChoiceField(
        label="Measure",
        choices=metric_choices(REGION_MEASURES),
        required=False,
        widget=forms.Select(attrs={"class": "govuk-select"}),
        error_messages={"invalid_choice": "Select a measure from the list"},
    )
    councils = forms.MultipleChoiceField(
        label="Statistical neighbours",
        help_text="The councils to compare with: the median, quartiles and rank are of these and this council.",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select councils from the list"},
    )

    def __init__(self, data=None, *, councils: list[tuple[str, str]], **kwargs):
        super().__init__(data, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["councils"]).choices = councils
        self.all_codes = [code for code, _name in councils]
        self.fields["councils"].initial = self.all_codes  # every council ticked until the user chooses
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout("measure", "councils", Submit("compare", "Compare"))

    def choice(self) -> tuple[MetricKey, list[str]]:
        """The measure and council codes chosen; the first measure and every council by default."""
        if self.is_bound and self.is_valid():
            measure = self.cleaned_data["measure"] or REGION_MEASURES[0]
            return MetricKey(measure), self.cleaned_data["councils"] or self.all_codes
        return REGION_MEASURES[0], self.all_codes
