"""Forms for action plans. They validate and normalise; the views hand `cleaned_data` to a service."""

from typing import cast

import django_filters
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone

from accounts.people import UserChoiceField
from actions import access, evidence, selectors
from actions.models import Action, ActionPlan
from cases.standards import PERCENT_KEYS, metric_choices
from common.filters import date_filter
from common.forms import FilterForm, date_field


def staff_users():
    """Users who may own or lead an action: active, with a role other than panel member."""
    return (
        User.objects.filter(is_active=True, groups__name__in=access.ACTION_ROLES)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def _helper(*fields, button: str) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False  # the templates write the <form> (hidden fields, enctype)
    helper.layout = Layout(*fields, Button.primary("submit", button))
    return helper


class PlanForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Enter a title"})
    theme = forms.CharField(
        label="Theme",
        max_length=200,
        required=False,
        help_text="Needed for a plan that does not follow an audit, for example, consent",
    )
    lead = UserChoiceField(
        label="Plan lead",
        queryset=User.objects.none(),
        to_field_name="username",
        error_messages={"required": "Select the plan's lead"},
    )
    review_date = date_field("Review date", name="the review date", help_text="For example, 30 9 2026")

    def __init__(self, *args, with_status: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["lead"]).queryset = staff_users()
        fields = [
            Field.text("title"),
            Field.text("theme"),
            Field.select("lead"),
            Field("review_date"),
        ]
        if with_status:
            self.fields["status"] = forms.ChoiceField(
                label="Status",
                choices=ActionPlan.Status.choices,
                widget=forms.RadioSelect,
                error_messages={"required": "Select the plan's status"},
            )
            fields.append(Field.radios("status", legend_size=Size.SMALL, inline=True))
        self.helper = _helper(*fields, button="Save the plan")


class IssueForm(forms.Form):
    description = forms.CharField(
        label="Issue identified",
        help_text="In the words the panel will read, for example, consent decision not recorded on file",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the issue identified"},
    )
    questions = forms.MultipleChoiceField(
        label="Audit questions that showed it",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The figure at the time is copied from the audit's results.",
    )
    metric = forms.ChoiceField(
        label="Or the population metric that showed it",
        required=False,
        help_text="The latest figure for all teams is copied.",
    )

    def __init__(self, *args, plan: ActionPlan, figures: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        fields = [Field.textarea("description", rows=3)]
        audit = plan.audit
        if audit is not None:
            cast(forms.ChoiceField, self.fields["questions"]).choices = [
                (q.code, f"{q.code} {q.text} ({figures.get(q.code, 'no answers yet')})")
                for q in selectors.rating_questions(audit)
            ]
            fields.append(Field.checkboxes("questions", legend_size=Size.SMALL, small=True))
        else:
            del self.fields["questions"]
        cast(forms.ChoiceField, self.fields["metric"]).choices = [
            ("", "No metric"),
            *metric_choices(PERCENT_KEYS),
        ]
        fields.append(Field.select("metric"))
        self.helper = _helper(*fields, button="Add the issue")

    def clean(self):
        cleaned = super().clean()
        assert cleaned is not None  # Form.clean returns cleaned_data
        if cleaned.get("questions") and cleaned.get("metric"):
            self.add_error("metric", "Link the issue to audit questions or to a metric, not both")
        return cleaned


class IssueEditForm(forms.Form):
    description = IssueForm.base_fields["description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.textarea("description", rows=3), button="Save the issue")


class ActionForm(forms.Form):
    description = forms.CharField(
        label="Action to be taken",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the action to be taken"},
    )
    owner = UserChoiceField(
        label="Owner",
        help_text="The person who does it and posts progress updates",
        queryset=User.objects.none(),
        to_field_name="username",
        error_messages={"required": "Select the action's owner"},
    )
    lead = forms.CharField(
        label="Lead",
        max_length=200,
        help_text="The officer or role leading it, for example, domestic violence co-ordinator",
        error_messages={"required": "Enter who leads the action"},
    )
    priority = forms.ChoiceField(
        label="Priority",
        choices=Action.Priority.choices,
        initial=Action.Priority.MEDIUM,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the action's priority"},
    )
    due_date = date_field("Due date", name="the due date", help_text="For example, 28 6 2026")

    def __init__(self, *args, locked_owner: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        owner_field = cast(forms.ModelChoiceField, self.fields["owner"])
        owner_field.queryset = staff_users()
        owner_field.empty_label = "Select the owner"
        if locked_owner is not None:
            # Awaiting sign-off: the owner stays who asked for it (separation of duties, actions.access).
            owner = owner_field
            owner.queryset = User.objects.filter(pk=locked_owner.pk)
            owner.disabled = True
            owner.help_text = "The owner cannot be changed while the action awaits sign-off: sign it off or send it back first"
        self.helper = _helper(
            Field.textarea("description", rows=3),
            Field.select("owner"),
            Field.text("lead"),
            Field.radios("priority", legend_size=Size.SMALL, inline=True),
            Field("due_date"),
            button="Save the action",
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern); each is checked as evidence."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": evidence.ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class UpdateForm(forms.Form):
    written_on = date_field(
        "Date of the update",
        name="the date of the update",
        help_text="For example, 3 6 2026",
        rule="not_future",
    )
    note = forms.CharField(
        label="What has been done",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the update"},
    )
    files = MultipleFileField(  # type: ignore[assignment]  # a field named files; the form keeps BaseForm.files apart
        label="Evidence files (optional)",
        required=False,
    )
    mark_complete = forms.BooleanField(
        label="The action is complete: ask a manager to sign it off",
        required=False,
        help_text="A manager checks the evidence before the action counts as complete.",
    )

    def __init__(self, *args, awaiting_sign_off: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = (
            "PDF, Word (.docx), Excel (.xlsx), PNG, JPEG or GIF; each smaller than "
            f"{evidence.megabytes(settings.EVIDENCE_MAX_BYTES)}. You can choose several files."
        )
        self.initial.setdefault("written_on", timezone.localdate())
        self.helper = FormHelper()
        self.helper.form_tag = False
        fields = [
            Field("written_on"),
            Field.textarea("note", rows=4),
            Field("files", css_class="govuk-file-upload"),
        ]
        if awaiting_sign_off:
            # Sign-off has already been asked for: a second tick box would only confuse.
            del self.fields["mark_complete"]
        else:
            fields.append(Field.checkbox("mark_complete", small=True))
        self.helper.layout = Layout(*fields, Button.primary("submit", "Post the update"))

    def clean_files(self):
        files = self.cleaned_data.get("files") or []
        errors = []
        for upload in files:
            try:
                evidence.evidence_check(upload)
            except forms.ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise forms.ValidationError(errors)
        return files


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the reason"},
    )

    def __init__(self, *args, label: str, button: str, required: str = "", warning: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        if required:
            self.fields["reason"].error_messages["required"] = required
        self.helper = FormHelper()
        self.helper.form_tag = False
        # A step that cannot be undone (cancelling) is a warning button (GOV.UK "warning button").
        submit = Button.warning("submit", button) if warning else Button.secondary("submit", button)
        self.helper.layout = Layout(Field.textarea("reason", rows=3), submit)


# Filters of the plan page -------------------------------------------------------------------------------


def _date_filter(label: str, lookup: str) -> django_filters.DateFilter:
    return date_filter(label, field_name="due_date", lookup=lookup)


class OwnerFilter(django_filters.ModelChoiceFilter):
    field_class = UserChoiceField  # type: ignore[assignment]  # a ModelChoiceField naming people


class ActionFilter(django_filters.FilterSet):
    """The plan page's filters; the queryset must carry the `rag` annotation (selectors.with_rag)."""

    status = django_filters.ChoiceFilter(choices=Action.Status.choices, empty_label="Any status")
    owner = OwnerFilter(queryset=User.objects.none(), to_field_name="username", empty_label="Any owner")
    rag = django_filters.ChoiceFilter(label="RAG", choices=Action.Rag.choices, empty_label="Any")
    due_from = _date_filter("Due on or after", "gte")
    due_to = _date_filter("Due on or before", "lte")

    class Meta:
        model = Action
        fields: list[str] = []
        form = FilterForm

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        if owners is not None:
            cast(django_filters.ModelChoiceFilter, self.filters["owner"]).queryset = owners
            cast(forms.ModelChoiceField, self.form.fields["owner"]).queryset = owners
