"""Forms for the QA lead's pages. They validate and normalise; the views hand `cleaned_data` to services."""

import datetime

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Fluid, Layout, Size
from django import forms
from django.contrib.auth.models import User

from accounts.people import person_name
from audits import services
from audits.models import Agency, Audit, AuditProgramme, AuditTool, CaseAudit, Question, ToolVersion
from cases.models import S47Enquiry, Team
from common import roles
from common.forms import date_field, whole_number_field

# A sampling service's error on a model field, shown against the sample form's field that set it.
SAMPLE_FORM_FIELDS = {"sample_size": "size", "sample_percent": "percent", "frame_outcome": "outcome"}


def percent_field(label: str, subject: str, help_text: str = "") -> forms.IntegerField:
    return whole_number_field(
        label, subject=subject, minimum=1, maximum=100, required=False, help_text=help_text
    )


def _helper(*fields, button: str) -> FormHelper:
    helper = FormHelper()
    helper.layout = Layout(*fields, Button.primary("submit", button))
    return helper


class ProgrammeForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="For example, QA audit programme 2014 to 2015",
        error_messages={"required": "Enter the programme's title"},
    )
    year_start = date_field(
        "Year starts on",
        name="the day the year starts on",
        help_text="The first day of the year, for example, 1 4 2026",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.text("title"), Field("year_start"), button="Add programme")


class ProgrammeReviewForm(forms.Form):
    reviewed_on = date_field("Reviewed on", name="the date of the review", rule="not_future")
    note = forms.CharField(
        label="What the review found and decided",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what the review found and decided"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field("reviewed_on"),
            Field.textarea("note", rows=4),
            button="Add review note",
        )


class AuditStatusForm(forms.Form):
    status = forms.ChoiceField(
        label="Status", choices=Audit.Status.choices, error_messages={"required": "Select the status"}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.select("status"), button="Change status")


class AuditCreateForm(forms.Form):
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter the audit's title"}
    )
    theme = forms.CharField(
        label="Theme", max_length=200, required=False, help_text="For example, domestic abuse"
    )
    programme = forms.ModelChoiceField(
        label="Programme",
        queryset=AuditProgramme.objects.all(),
        to_field_name="uuid",
        required=False,
        empty_label="Not part of a programme",
    )
    planned_month = date_field("Planned month", name="the planned month", month_only=True)
    tool = forms.ModelChoiceField(
        label="Audit tool",
        queryset=AuditTool.objects.all(),
        to_field_name="uuid",
        required=False,
        empty_label="Select a tool",
        help_text="The audit uses the tool's latest version.",
    )
    tool_version = forms.ModelChoiceField(
        label="Or a particular version of a tool",
        queryset=ToolVersion.objects.select_related("tool"),
        to_field_name="uuid",
        required=False,
        empty_label="The latest version",
    )
    agencies = forms.MultipleChoiceField(
        label="Which agencies audit each case?",
        choices=Agency.choices,
        initial=[Agency.SOCIAL_CARE],
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose more than one for a multi-agency audit.",
        error_messages={"required": "Select at least one agency"},
    )
    due_date = date_field("Due date", name="the due date", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("title"),
            Field.text("theme"),
            Field.select("programme"),
            Field("planned_month"),
            Field.select("tool"),
            Field.select("tool_version"),
            Field.checkboxes("agencies", legend_size=Size.SMALL),
            Field("due_date"),
            button="Create audit",
        )

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        tool, version = data.get("tool"), data.get("tool_version")
        if version is None and tool is None:
            self.add_error("tool", "Select an audit tool")
        elif version is not None and tool is not None and version.tool_id != tool.pk:
            self.add_error("tool_version", f"{version} is not a version of {tool}: choose one or the other")
        elif version is None and tool is not None:
            version = tool.latest_version()
            if version is None:
                self.add_error("tool", f"{tool} has no version yet")
        data["tool_version"] = version
        return data


class SampleForm(forms.Form):
    frame_type = forms.ChoiceField(
        label="Which records?",
        choices=Audit.FrameType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select which records to sample"},
    )
    frame_start = date_field(
        "From", name="the first date", required=False, help_text="The record's date, for example, 1 1 2026"
    )
    frame_end = date_field("To", name="the last date", required=False)
    teams = forms.ModelMultipleChoiceField(
        label="Teams",
        queryset=Team.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked for every team.",
    )
    outcome = forms.ChoiceField(
        label="S47 outcome",
        choices=[("", "Any outcome"), *S47Enquiry.Outcome.choices],
        required=False,
        help_text="S47 enquiries only.",
    )
    size = whole_number_field("Number of cases", subject="The number of cases", minimum=1, required=False)
    percent = percent_field(
        "Or a percentage of the records", "The percentage of the records", help_text="From 1 to 100."
    )
    stratify_by_team = forms.BooleanField(
        label="Stratify by team: each team's share of the sample matches its share of the records",
        required=False,
    )
    exclude_recently_audited = forms.BooleanField(
        label="Leave out children audited in the last 12 months", required=False, initial=True
    )
    subsample_percent = percent_field(
        "Sub-sample percentage",
        "The sub-sample percentage",
        help_text="Cases asked the sub-sample questions (for example, 10 for the consent questions).",
    )
    double_percent = percent_field(
        "Double-scoring percentage",
        "The double-scoring percentage",
        help_text="Cases scored twice, blind, by two auditors, to measure how far auditors agree.",
    )
    double_count = whole_number_field(
        "Or a number of cases to score twice",
        subject="The number of cases to score twice",
        minimum=1,
        required=False,
    )
    seed = whole_number_field(
        "Seed",
        subject="The seed",
        minimum=0,
        maximum=2**63 - 1,
        required=False,
        help_text="Leave blank for a random seed. The seed is recorded: the same seed draws the same sample.",
    )
    seed.error_messages["max_value"] = "The seed must be 19 digits or fewer"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Fieldset(
                Field.radios("frame_type", small=True),
                Field("frame_start"),
                Field("frame_end"),
                Field.checkboxes("teams", small=True),
                Field.select("outcome"),
                legend="Sampling frame",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("size", field_width=4),
                Field.text("percent", field_width=3),
                Field.checkbox("stratify_by_team", small=True),
                Field.checkbox("exclude_recently_audited", small=True),
                Field.text("subsample_percent", field_width=3),
                Field.text("double_percent", field_width=3),
                Field.text("double_count", field_width=4),
                Field.text("seed", field_width=Fluid.ONE_THIRD),
                legend="Sample",
                legend_size=Size.MEDIUM,
            ),
            button="Draw the sample",
        )

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        size, percent = data.get("size"), data.get("percent")
        if "size" in data and "percent" in data:
            if size is None and percent is None:
                self.add_error("size", "Enter a number of cases or a percentage")
            elif size is not None and percent is not None:
                self.add_error("percent", "Enter a number of cases or a percentage, not both")
        if data.get("double_percent") is not None and data.get("double_count") is not None:
            self.add_error("double_count", "Enter a percentage or a number of cases to score twice, not both")
        if data.get("frame_type") != Audit.FrameType.S47:
            data["outcome"] = ""  # only S47 enquiries have an outcome to filter on
        start, end = data.get("frame_start"), data.get("frame_end")
        if start and end and end < start:
            self.add_error("frame_end", "The last date must be the same as or after the first date")
        return data


class ToolEditForm(forms.Form):
    """One field per question of the base version, plus rows for new questions."""

    NEW_ROWS = 3

    partly_counts_half = forms.BooleanField(label="Partly counts a half in results", required=False)
    change_note = forms.CharField(
        label="What changed, and why",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter what changed, and why"},
    )

    def __init__(self, *args, base: ToolVersion, **kwargs):
        kwargs.setdefault("initial", {"partly_counts_half": base.partly_counts_half})
        super().__init__(*args, **kwargs)
        self.base = base
        self.sections = list(base.sections.prefetch_related("questions").order_by("order"))
        section_choices = [("", "Choose a section"), *((s.order, s.title) for s in self.sections)]
        layout = [Field.checkbox("partly_counts_half")]
        for section in self.sections:
            fields = []
            for question in section.questions.all():
                self.fields[f"q{question.pk}_text"] = forms.CharField(
                    label=question.code,
                    max_length=500,
                    initial=question.text,
                    widget=forms.Textarea(attrs={"rows": 2}),
                    error_messages={"required": f"Enter the text of {question.code}, or tick Remove"},
                )
                self.fields[f"q{question.pk}_remove"] = forms.BooleanField(
                    label=f"Remove {question.code}", required=False
                )
                fields += [
                    Field.textarea(f"q{question.pk}_text", rows=2),
                    Field.checkbox(f"q{question.pk}_remove", small=True),
                ]
            layout.append(Fieldset(*fields, legend=section.title, legend_size=Size.MEDIUM))
        new_fields = []
        for n in range(1, self.NEW_ROWS + 1):
            self.fields[f"new{n}_section"] = forms.TypedChoiceField(
                label=f"New question {n}: section",
                choices=section_choices,
                coerce=int,
                empty_value=None,
                required=False,
            )
            self.fields[f"new{n}_code"] = forms.CharField(label="Code", max_length=20, required=False)
            self.fields[f"new{n}_text"] = forms.CharField(label="Question", max_length=500, required=False)
            self.fields[f"new{n}_kind"] = forms.ChoiceField(
                label="Answer",
                choices=Question.Kind.choices,
                initial=Question.Kind.RATING,
                error_messages={"required": f"Select the kind of answer to new question {n}"},
            )
            new_fields += [
                Field.select(f"new{n}_section"),
                Field.text(f"new{n}_code", field_width=5),
                Field.text(f"new{n}_text"),
                Field.select(f"new{n}_kind"),
            ]
        layout.append(Fieldset(*new_fields, legend="Add questions", legend_size=Size.MEDIUM))
        layout.append(Field.textarea("change_note", rows=3))
        self.helper = _helper(*layout, button=f"Save as version {self._next_number()}")

    def _next_number(self) -> int:
        return max(self.base.tool.versions.values_list("number", flat=True), default=0) + 1

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        for n in range(1, self.NEW_ROWS + 1):
            section, code, text = (data.get(f"new{n}_{part}") for part in ("section", "code", "text"))
            if not (code or text):
                continue
            if section is None:
                self.add_error(f"new{n}_section", f"Select a section for new question {n}")
            if not code:
                self.add_error(f"new{n}_code", f"Enter a code for new question {n}")
            if not text:
                self.add_error(f"new{n}_text", f"Enter the text of new question {n}")
        return data

    def changes(self) -> dict:
        """The edits, as `services.tool_version_create` takes them."""
        data = self.cleaned_data
        questions = [q for section in self.sections for q in section.questions.all()]
        return {
            "partly_counts_half": data["partly_counts_half"],
            "change_note": data["change_note"],
            "texts": {q.pk: data[f"q{q.pk}_text"] for q in questions},
            "removed": {q.pk for q in questions if data[f"q{q.pk}_remove"]},
            "added": [
                {
                    "section": data[f"new{n}_section"],
                    "code": data[f"new{n}_code"],
                    "text": data[f"new{n}_text"],
                    "kind": data[f"new{n}_kind"],
                }
                for n in range(1, self.NEW_ROWS + 1)
                if data.get(f"new{n}_code") or data.get(f"new{n}_text")
            ],
        }


def auditors_by_agency() -> dict[str, list[User]]:
    """Auditors and partner agency auditors by the agency they audit for (services.auditor_fits)."""
    users = (
        User.objects.filter(is_active=True, groups__name__in=[roles.AUDITOR, roles.PARTNER_AUDITOR])
        .select_related("auditor_profile")
        .prefetch_related("groups")
        .distinct()
        .order_by("first_name", "last_name", "username")  # shown by name (accounts.people)
    )
    by_agency: dict[str, list[User]] = {}
    for user in users:
        # Read the prefetched groups rather than one query per user.
        roles.remember_roles(user, (g.name for g in user.groups.all()))
        agency = services.auditor_agency(user)
        if agency:
            by_agency.setdefault(agency, []).append(user)
    return by_agency


class AssignmentForm(forms.Form):
    """One auditor and one due date per case audit; field names carry the case audit's UUID."""

    def __init__(self, *args, case_audits: list[CaseAudit], auditors: dict[str, list[User]], **kwargs):
        super().__init__(*args, **kwargs)
        self.case_audits = case_audits
        self.users = {user.pk: user for people in auditors.values() for user in people}
        self.fields["assign_unassigned"] = forms.TypedChoiceField(
            label="Assign every case left unassigned below to",
            help_text="Only cases of the auditor's own agency are assigned.",
            choices=[
                ("", "Nobody"),
                *(
                    (u.pk, f"{person_name(u)} ({Agency(a).label})")
                    for a, people in auditors.items()
                    for u in people
                ),
            ],
            coerce=int,
            empty_value=None,
            required=False,
        )
        self.rows = []
        for case_audit in case_audits:
            key = case_audit.uuid.hex
            people = list(auditors.get(case_audit.agency, []))
            if case_audit.auditor and case_audit.auditor.pk not in {u.pk for u in people}:
                # Keep the current auditor selectable, so saving other rows does not unassign them silently.
                people.append(case_audit.auditor)
                self.users.setdefault(case_audit.auditor.pk, case_audit.auditor)
            row = f"case {case_audit.child.child_id} ({case_audit.get_agency_display()})"
            if case_audit.scoring == 2:
                row = f"the second scoring of {row}"
            self.fields[f"auditor_{key}"] = forms.TypedChoiceField(
                label=f"Auditor for {row}",
                choices=[("", "Not assigned"), *((u.pk, person_name(u)) for u in people)],
                coerce=int,
                empty_value=None,
                required=False,
                initial=case_audit.auditor_id,
                error_messages={
                    "invalid_choice": f"Select an auditor who audits for {case_audit.get_agency_display()} for {row}"
                },
                widget=forms.Select(attrs={"class": "govuk-select"}),
            )
            self.fields[f"due_{key}"] = date_field(
                f"Due date for {row}", required=False, name=f"the due date for {row}", help_text=""
            )
            self.fields[f"due_{key}"].initial = case_audit.due_date
            self.rows.append((case_audit, self[f"auditor_{key}"], self[f"due_{key}"]))
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field.select("assign_unassigned"))

    def clean(self):
        data = super().clean()
        needed = ["assign_unassigned"] + [
            f"{f}_{c.uuid.hex}" for c in self.case_audits for f in ("auditor", "due")
        ]
        if all(name in (data or {}) for name in needed):
            first_auditor = {
                (c.record_id, c.agency): auditor for c, auditor, _due in self.assignments() if c.scoring == 1
            }
            for case_audit, auditor, _due in self.assignments():
                if (
                    case_audit.scoring == 2
                    and auditor
                    and first_auditor.get((case_audit.record_id, case_audit.agency)) == auditor
                ):
                    self.add_error(
                        f"auditor_{case_audit.uuid.hex}",
                        f"Select a different auditor for the second scoring of case {case_audit.child.child_id}: "
                        "a case scored twice needs two auditors",
                    )
        return data

    def assignments(self) -> list[tuple[CaseAudit, User | None, datetime.date | None]]:
        data = self.cleaned_data
        everyone = self.users.get(data["assign_unassigned"])
        chosen: dict[int, User | None] = {}
        first_of = {(c.record_id, c.agency): c.pk for c in self.case_audits if c.scoring == 1}
        # First scorings before second ones: a second scoring never goes to its first auditor through
        # "assign every case left unassigned", so that choice leaves it for another auditor.
        for case_audit in sorted(self.case_audits, key=lambda c: c.scoring):
            auditor = self.users.get(data[f"auditor_{case_audit.uuid.hex}"])
            if auditor is None and everyone and services.auditor_fits(everyone, case_audit.agency):
                first = chosen.get(first_of.get((case_audit.record_id, case_audit.agency), 0))
                if case_audit.scoring == 1 or first != everyone:
                    auditor = everyone
            chosen[case_audit.pk] = auditor
        return [(c, chosen[c.pk], data[f"due_{c.uuid.hex}"]) for c in self.case_audits]


class AuditFilterForm(forms.Form):
    programme = forms.ModelChoiceField(
        label="Programme",
        queryset=AuditProgramme.objects.all(),
        to_field_name="uuid",
        required=False,
        empty_label="All programmes",
    )
    status = forms.ChoiceField(
        label="Status", choices=[("", "Any status"), *Audit.Status.choices], required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(
            Field.select("programme"), Field.select("status"), Button.secondary("filter", "Apply filters")
        )
