"""Forms for scoring and moderating a case audit. They validate and normalise; the services decide.

The templates write the GOV.UK markup by hand (one small form per question), so these forms carry
no layout helper.
"""

from django import forms

from audits.models import Answer, Grade, Theme

NOTE_MAX = 10_000
REASON_REQUIRED = {"required": "Enter the reason for the change"}
# A revision is posted by the page itself, never typed: a missing one is a stale or hand-made post.
REVISION_ERRORS = {
    "required": "Reload the page and try again",
    "invalid": "Reload the page and try again",
    "min_value": "Reload the page and try again",
}


class AnswerForm(forms.Form):
    """One question's answer; `revision` is the answer's revision the editor started from (0: none yet)."""

    value = forms.ChoiceField(choices=[("", "Not answered"), *Answer.Value.choices], required=False)
    text = forms.CharField(required=False, max_length=NOTE_MAX)
    evidence = forms.CharField(required=False, max_length=NOTE_MAX)
    override_reason = forms.CharField(required=False, max_length=NOTE_MAX)
    revision = forms.IntegerField(min_value=0, widget=forms.HiddenInput, error_messages=REVISION_ERRORS)
    # The learning themes ticked; the page sends `themes_shown` with them, so that none ticked clears them.
    theme_list = forms.ModelMultipleChoiceField(
        queryset=Theme.objects.filter(is_active=True), to_field_name="uuid", required=False
    )


class GradeForm(forms.Form):
    grade = forms.ChoiceField(choices=[("", "No grade yet"), *Grade.choices], required=False)
    note = forms.CharField(required=False, max_length=NOTE_MAX)
    revision = forms.IntegerField(min_value=0, widget=forms.HiddenInput, error_messages=REVISION_ERRORS)
    theme_list = forms.ModelMultipleChoiceField(
        queryset=Theme.objects.filter(is_active=True), to_field_name="uuid", required=False
    )


class ModerateAnswerForm(forms.Form):
    value = forms.ChoiceField(
        choices=Answer.Value.choices, error_messages={"required": "Select Yes, Partly, No or Not applicable"}
    )
    reason = forms.CharField(max_length=NOTE_MAX, error_messages=REASON_REQUIRED)


class ModerateGradeForm(forms.Form):
    grade = forms.ChoiceField(choices=Grade.choices, error_messages={"required": "Select a grade"})
    reason = forms.CharField(max_length=NOTE_MAX, error_messages=REASON_REQUIRED)


class ReturnForm(forms.Form):
    reason = forms.CharField(
        max_length=NOTE_MAX, error_messages={"required": "Enter the reason for returning it to the auditor"}
    )


class ReconcileForm(forms.Form):
    """The agreed answer and its reason for each question the two scorings of a case answered differently.

    Field names carry the question's pk (`value_12`, `reason_12`), as services.pair_reconcile names its errors.
    """

    def __init__(self, *args, disagreements: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.disagreements = disagreements
        for item in disagreements:
            code = item.question.code
            self.fields[f"value_{item.question.pk}"] = forms.ChoiceField(
                label=f"Agreed answer to {code}",
                choices=Answer.Value.choices,
                initial=item.agreed.value if item.agreed else None,
                error_messages={
                    "required": f"Select the agreed answer to question {code}",
                    "invalid_choice": f"Select the agreed answer to question {code}",
                },
            )
            self.fields[f"reason_{item.question.pk}"] = forms.CharField(
                label=f"Reason for the agreed answer to {code}",
                max_length=NOTE_MAX,
                initial=item.agreed.reason if item.agreed else "",
                error_messages={"required": f"Enter the reason for the agreed answer to question {code}"},
            )

    def rows(self) -> list[tuple]:
        return [
            (item, self[f"value_{item.question.pk}"], self[f"reason_{item.question.pk}"])
            for item in self.disagreements
        ]

    def decisions(self) -> dict[int, tuple[str, str]]:
        data = self.cleaned_data
        return {
            item.question.pk: (data[f"value_{item.question.pk}"], data[f"reason_{item.question.pk}"])
            for item in self.disagreements
        }
