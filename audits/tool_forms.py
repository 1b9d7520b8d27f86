"""Forms of the tool editor: one change each (a question, a section, a removal, the scoring rule), with the
note saved on the new version. They validate and normalise; audits.tool_editor applies the change."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Layout, Size
from django import forms
from django.core.validators import RegexValidator

from audits.models import Answer, Question
from audits.tool_editor import QuestionSpec, VersionSpec
from cases.standards import AUDIT_KEYS, metric_choices
from common.forms import whole_number_field


def change_note_field() -> forms.CharField:
    return forms.CharField(
        label="What changed, and why",
        help_text="Shown with the new version in the tool's history.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter what changed, and why"},
    )


def _helper(*fields, button: str, warning: bool = False) -> FormHelper:
    helper = FormHelper()
    submit = Button.warning("submit", button) if warning else Button.primary("submit", button)
    helper.layout = Layout(*fields, Field.textarea("change_note", rows=3), submit)
    return helper


def _shorten(text: str, length: int = 70) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


class QuestionForm(forms.Form):
    """A question to add, or the question `code` to change: its words, where it sits, when it is asked and
    what it measures."""

    code = forms.CharField(
        label="Code",
        help_text="A short reference, unique within the tool, for example D15",
        max_length=20,
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9][A-Za-z0-9.\-]*$",
                "Enter a code of letters and numbers (dots and hyphens may follow), for example D15",
            )
        ],
        error_messages={"required": "Enter the question's code"},
    )
    text = forms.CharField(
        label="Question",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter the question"},
    )
    guidance = forms.CharField(
        label="Guidance for auditors (optional)",
        help_text="Shown under the question while scoring.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    kind = forms.ChoiceField(
        label="Answer",
        choices=Question.Kind.choices,
        initial=Question.Kind.RATING,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the kind of answer",
            "invalid_choice": "Select the kind of answer",
        },
    )
    section = forms.TypedChoiceField(
        label="Section",
        coerce=int,
        error_messages={"required": "Select a section", "invalid_choice": "Select a section from the list"},
    )
    position = whole_number_field(
        "Position in the section",
        minimum=1,
        maximum=999,
        required=False,
        help_text="1 puts it first. Leave blank to put it last.",
        width=3,
    )
    applies_if = forms.ChoiceField(
        label="Condition",
        required=False,
        help_text="A question can be asked only if an earlier Yes / Partly / No question has certain answers.",
        error_messages={"invalid_choice": "Select an earlier question from the list"},
    )
    applies_if_values = forms.MultipleChoiceField(
        label="Asked only if that question's answer is",
        choices=Answer.Value.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select answers from the list"},
    )
    subsample_only = forms.BooleanField(label="Asked only of cases in the audit's sub-sample", required=False)
    measures = forms.ChoiceField(
        label="Measure it feeds (optional)",
        help_text="Its answers are compared with the case records' figures for this measure.",
        choices=[("", "Nothing else"), *metric_choices(AUDIT_KEYS)],
        required=False,
        error_messages={"invalid_choice": "Select a measure from the list, or Nothing else"},
    )
    change_note = change_note_field()

    def __init__(self, *args, spec: VersionSpec, button: str, code: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.spec = spec
        section_field = self.fields["section"]
        assert isinstance(section_field, forms.TypedChoiceField)
        section_field.choices = [(i, s.title) for i, s in enumerate(spec.sections)]
        gate_field = self.fields["applies_if"]
        assert isinstance(gate_field, forms.ChoiceField)
        gate_field.choices = [
            ("", "None: always asked"),
            *(
                (q.code, f"Only if {q.code} has certain answers ({_shorten(q.text, 45)})")
                for q in spec.questions()
                if q.kind == Question.Kind.RATING and q.code != code
            ),
        ]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("code", field_width=5),
            Field.textarea("text", rows=2),
            Field.textarea("guidance", rows=3),
            Field.radios("kind", legend_size=Size.SMALL, small=True),
            Fieldset(
                Field.select("section"),
                Field.text("position", field_width=3),
                legend="Where it goes",
                legend_size=Size.SMALL,
            ),
            Fieldset(
                Field.select("applies_if"),
                Field.checkboxes("applies_if_values", legend_size=Size.SMALL, small=True),
                Field.checkbox("subsample_only", small=True),
                legend="When it is asked",
                legend_size=Size.SMALL,
            ),
            Field.select("measures"),
            Field.textarea("change_note", rows=3),
            Button.primary("submit", button),
        )

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        if data.get("applies_if") and not data.get("applies_if_values"):
            self.add_error("applies_if_values", "Select the answers that mean the question is asked")
        if not data.get("applies_if") and data.get("applies_if_values"):
            self.add_error("applies_if", "Select the question whose answer decides if this one is asked")
        return data

    @classmethod
    def initial_for(cls, spec: VersionSpec, code: str) -> dict:
        s, q = spec.where(code)
        question = spec.sections[s].questions[q]
        return {
            "code": question.code,
            "text": question.text,
            "guidance": question.guidance,
            "kind": question.kind,
            "section": s,
            "position": q + 1,
            "applies_if": question.applies_if,
            "applies_if_values": list(question.applies_if_values),
            "subsample_only": question.subsample_only,
            "measures": question.measures,
        }

    def question(self) -> QuestionSpec:
        data = self.cleaned_data
        return QuestionSpec(
            code=data["code"],
            text=data["text"],
            kind=data["kind"],
            guidance=data["guidance"],
            applies_if=data["applies_if"],
            applies_if_values=tuple(v for v, _ in Answer.Value.choices if v in data["applies_if_values"]),
            subsample_only=data["subsample_only"],
            measures=data["measures"],
        )


class SectionForm(forms.Form):
    title = forms.CharField(
        label="Section title", max_length=200, error_messages={"required": "Enter the section's title"}
    )
    position = whole_number_field(
        "Position in the tool",
        minimum=1,
        maximum=99,
        required=False,
        help_text="1 puts it first. Leave blank to put it last.",
        width=2,
    )
    change_note = change_note_field()

    def __init__(self, *args, button: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.text("title"), Field.text("position", field_width=2), button=button)


class RemoveForm(forms.Form):
    change_note = change_note_field()

    def __init__(self, *args, button: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(button=button, warning=True)


class ScoringForm(forms.Form):
    """The tool's scoring rule: what a Partly answer counts for in results."""

    partly = forms.ChoiceField(
        label="What does Partly count for in results?",
        choices=[
            ("half", "A half: Yes counts 1, Partly a half, No nothing"),
            ("nothing", "Nothing: only Yes counts"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select what Partly counts for",
            "invalid_choice": "Select what Partly counts for",
        },
    )
    change_note = change_note_field()

    def __init__(self, *args, button: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.radios("partly", legend_size=Size.SMALL), button=button)

    def partly_counts_half(self) -> bool:
        return self.cleaned_data["partly"] == "half"
