"""Feedback to practitioners: their own feedback and their response; the QA lead's response rates."""

import uuid

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from audits import access
from audits import feedback as feedback_service
from audits.models import Feedback, FeedbackResponse
from common import roles
from common.access_log import access_log_record
from common.decorators import role_required
from common.forms import add_service_errors
from common.http import AuthenticatedHttpRequest

COMMENT_MAX = 4000


class FeedbackResponseForm(forms.Form):
    answer = forms.ChoiceField(
        label="Do you agree with the feedback?",
        choices=(
            Choice(FeedbackResponse.Answer.AGREE, "Agree"),
            Choice(FeedbackResponse.Answer.PARTLY, "Partly agree"),
            Choice(FeedbackResponse.Answer.DISAGREE, "Disagree"),
        ),
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you agree, partly agree or disagree"},
    )
    comment = forms.CharField(
        label="Your comment",
        help_text="Needed if you partly agree or disagree: say which findings, and why.",
        max_length=COMMENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": f"Your comment must be {COMMENT_MAX} characters or fewer"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("answer", legend_size=Size.SMALL),
            Field.textarea("comment", rows=5),
            Button.primary("submit", "Send your response"),
        )

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        answer, comment = cleaned.get("answer"), (cleaned.get("comment") or "").strip()
        if answer and answer != FeedbackResponse.Answer.AGREE and not comment:
            self.add_error("comment", feedback_service.COMMENT_REQUIRED)
        cleaned["comment"] = comment
        return cleaned


def _log(request: AuthenticatedHttpRequest, feedbacks: list[Feedback], *, action: str, ref="") -> None:
    access_log_record(
        request, action=action, object_type="practitioner feedback", object_ref=ref,
        child_ids=[f.case_audit.child.child_id for f in feedbacks],
    )  # fmt: skip


@role_required(roles.PRACTITIONER)
@require_GET
def feedback_mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The practitioner's own feedback: on cases allocated to them, and on their team's cases."""
    profile = getattr(request.user, "practitioner_profile", None)
    found = list(
        access.feedback_visible_to(request.user)
        .select_related("case_audit__audit", "case_audit__child", "worker", "response")
        .order_by(F("response").asc(nulls_first=True), "respond_by", "pk")
    )
    own = [f for f in found if profile is not None and f.worker_id == profile.worker_id]
    team = [f for f in found if f not in own]
    _log(request, found, action="list")
    today = timezone.localdate()
    context = {
        "own": [(f, feedback_service.is_overdue(f, today)) for f in own],
        "team": team,
        "linked": profile is not None,
        "days": settings.FEEDBACK_RESPONSE_WORKING_DAYS,
    }
    return render(request, "audits/feedback_mine.html", context)


def _back(request: AuthenticatedHttpRequest, feedback: Feedback) -> str:
    if roles.has_role(request.user, roles.PRACTITIONER):
        return reverse("audits-feedback-mine")
    if roles.has_role(request.user, *access.FEEDBACK_OVERVIEW_ROLES):
        return reverse("audits-feedback-overview")
    return reverse("audits-results", args=[feedback.case_audit.audit.uuid])  # a moderator


def _page(
    request: AuthenticatedHttpRequest,
    feedback: Feedback,
    *,
    form: FeedbackResponseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    _log(request, [feedback], action="view", ref=feedback.uuid)
    response = getattr(feedback, "response", None)
    respondent = feedback_service.is_respondent(feedback, request.user)
    if form is None and respondent and response is None:
        form = FeedbackResponseForm()
    context = {
        "feedback": feedback,
        "case_audit": feedback.case_audit,
        "findings": feedback_service.findings_of(feedback.case_audit),
        "response": response,
        "respondent": respondent,
        "overdue": feedback_service.is_overdue(feedback, timezone.localdate()),
        "form": form if response is None and respondent else None,
        "back": _back(request, feedback),
        "may_overview": roles.has_role(request.user, *access.FEEDBACK_OVERVIEW_ROLES),
    }
    return render(request, "audits/feedback_detail.html", context, status=status)


@role_required(*access.FEEDBACK_ROLES)
@require_GET
def feedback_detail(request: AuthenticatedHttpRequest, feedback_uuid: uuid.UUID) -> HttpResponse:
    feedback = access.access_feedback(request.user, feedback_uuid)
    return _page(request, feedback)


@role_required(roles.PRACTITIONER)
@require_POST
def feedback_respond(request: AuthenticatedHttpRequest, feedback_uuid: uuid.UUID) -> HttpResponse:
    feedback = access.access_feedback(request.user, feedback_uuid, respond=True)
    form = FeedbackResponseForm(request.POST)
    if form.is_valid():
        try:
            feedback_service.feedback_respond(feedback=feedback, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your response is sent. Thank you.")
            return redirect("audits-feedback", feedback_uuid=feedback.uuid)
    return _page(request, feedback, form=form, status=400)


@role_required(*access.FEEDBACK_OVERVIEW_ROLES)
@require_GET
def feedback_overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Response rates per audit, partly-agree and disagree responses, and feedback past its date."""
    overview = feedback_service.feedback_overview(today=timezone.localdate())
    _log(request, [*overview.disagreements, *overview.overdue], action="list")
    return render(request, "audits/feedback_overview.html", {"overview": overview})
