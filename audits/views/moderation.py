"""Moderation: submitted case audits (escalations first), changes with a reason, returning, locking.

Every change goes through a service that keeps the original in a ModerationChange row, shown as the
case audit's history.
"""

import uuid

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audits import access, services, themes
from audits.models import Answer, AnswerTheme, Audit, CaseAudit, Grade
from audits.scoring_forms import ModerateAnswerForm, ModerateGradeForm, ReturnForm
from audits.views.scoring import GradeItem, Sheet, person, record_context
from common.access_log import access_log_record
from common.decorators import role_required
from common.forms import add_service_errors
from common.http import AuthenticatedHttpRequest

MODERATABLE = (CaseAudit.Status.SUBMITTED, CaseAudit.Status.MODERATED)
LABELS = {
    "value": dict(Answer.Value.choices),
    "grade": dict(Grade.choices),
    "status": dict(CaseAudit.Status.choices),
}
WHAT = {"grade": "Overall grade", "status": "Status"}


@role_required(*access.MODERATION_ROLES)
@require_GET
def moderation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    visible = access.case_audits_visible_to(request.user)
    submitted = list(
        visible.filter(status=CaseAudit.Status.SUBMITTED, audit__locked_at__isnull=True)
        .select_related("audit", "child", "auditor")
        .order_by("-escalated", "submitted_at", "audit__title")
    )
    audits = (
        access.audits_visible_to(request.user)
        .filter(locked_at__isnull=True, pk__in=visible.filter(status__in=MODERATABLE).values("audit_id"))
        .annotate(
            total=Count("case_audits"),
            moderated=Count("case_audits", filter=Q(case_audits__status=CaseAudit.Status.MODERATED)),
        )
        .order_by("title")
    )
    access_log_record(
        request, action="list", object_type="case audits to moderate",
        child_ids=[c.child.child_id for c in submitted],
    )  # fmt: skip
    return render(request, "audits/moderation_list.html", {"submitted": submitted, "audits": audits})


def _history(case_audit: CaseAudit) -> list[dict]:
    rows = []
    for change in case_audit.moderation_changes.select_related("question", "changed_by"):
        labels = LABELS.get(change.field, {})
        rows.append(
            {
                "change": change,
                "what": f"Question {change.question.code}"
                if change.question
                else WHAT.get(change.field, change.field),
                "who": person(change.changed_by),
                "before": labels.get(change.before, change.before) or "No answer",
                "after": labels.get(change.after, change.after),
            }
        )
    return rows


def _page(
    request: AuthenticatedHttpRequest,
    case_audit: CaseAudit,
    *,
    failed: str = "",
    form: forms.Form | None = None,
    status: int = 200,
) -> HttpResponse:
    """`failed` names the form that was refused (answer-<question id>, grade, return, moderated)."""
    # Logged wherever the page is drawn: a refused change shows the case record again, as the GET does.
    access_log_record(
        request, action="view", object_type="case audit", object_ref=case_audit.uuid, detail="moderation",
        child_ids=[case_audit.child.child_id],
    )  # fmt: skip
    sheet = Sheet.load(case_audit)
    tags: dict[int, list[AnswerTheme]] = {}
    for tag in AnswerTheme.objects.filter(answer__case_audit=case_audit).select_related("theme"):
        tags.setdefault(tag.answer_id, []).append(tag)
    for answer in sheet.answers.values():
        answer.moderation_tags = sorted(tags.get(answer.pk, []), key=lambda t: t.theme.name)  # type: ignore[attr-defined]
    errors = []
    if form is not None:
        for name, messages_ in form.errors.items():
            anchor = failed if name == "__all__" else f"{failed}-{name}"
            errors += [(message, f"#{anchor}") for message in messages_]
    context = record_context(request, sheet) | {
        "case_audit": case_audit,
        "audit": case_audit.audit,
        "sections": sheet.sections(),
        "grade": GradeItem.of(case_audit),
        "history": _history(case_audit),
        "can_moderate": case_audit.status in MODERATABLE and not case_audit.audit.locked,
        "value_choices": Answer.Value.choices,
        "grade_choices": Grade.choices,
        "failed": failed,
        "form": form,
        "errors": errors,
    }
    return render(request, "audits/moderation_case.html", context, status=status)


def _back(case_audit: CaseAudit) -> HttpResponse:
    return redirect("audits-moderate", case_audit_uuid=case_audit.uuid)


@role_required(*access.MODERATION_ROLES)
@require_GET
def moderate(request: AuthenticatedHttpRequest, case_audit_uuid: uuid.UUID) -> HttpResponse:
    case_audit = access.access_case_audit_for_moderation(request.user, case_audit_uuid)
    return _page(request, case_audit)


@role_required(*access.MODERATION_ROLES)
@require_POST
def moderate_answer(
    request: AuthenticatedHttpRequest, case_audit_uuid: uuid.UUID, question_id: int
) -> HttpResponse:
    case_audit = access.access_case_audit_for_moderation(request.user, case_audit_uuid)
    question = Sheet.load(case_audit).question(question_id)
    form = ModerateAnswerForm(request.POST)
    if form.is_valid():
        try:
            services.answer_moderate(
                case_audit=case_audit, question=question, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The answer to question {question.code} is changed.")
            return _back(case_audit)
    return _page(request, case_audit, failed=f"answer-{question.pk}", form=form, status=400)


@role_required(*access.MODERATION_ROLES)
@require_POST
def moderate_theme(
    request: AuthenticatedHttpRequest, case_audit_uuid: uuid.UUID, tag_id: int
) -> HttpResponse:
    """Confirms or removes one theme a finding was tagged with (`decision`: confirm or remove)."""
    case_audit = access.access_case_audit_for_moderation(request.user, case_audit_uuid)
    tag = (
        AnswerTheme.objects.select_related("theme", "answer__question")
        .filter(pk=tag_id, answer__case_audit=case_audit)
        .first()
    )
    decision = request.POST.get("decision")
    if tag is None or decision not in ("confirm", "remove") or case_audit.status not in MODERATABLE:
        return _back(case_audit)
    themes.theme_tag_moderate(tag=tag, user=request.user, confirm=decision == "confirm")
    done = "confirmed" if decision == "confirm" else "removed"
    messages.success(request, f"Theme “{tag.theme.name}” on question {tag.answer.question.code} {done}.")
    return _back(case_audit)


@role_required(*access.MODERATION_ROLES)
@require_POST
def moderate_grade(request: AuthenticatedHttpRequest, case_audit_uuid: uuid.UUID) -> HttpResponse:
    case_audit = access.access_case_audit_for_moderation(request.user, case_audit_uuid)
    form = ModerateGradeForm(request.POST)
    if form.is_valid():
        try:
            services.grade_moderate(case_audit=case_audit, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The overall grade is changed.")
            return _back(case_audit)
    return _page(request, case_audit, failed="grade", form=form, status=400)


@role_required(*access.MODERATION_ROLES)
@require_POST
def return_to_auditor(request: AuthenticatedHttpRequest, case_audit_uuid: uuid.UUID) -> HttpResponse:
    case_audit = access.access_case_audit_for_moderation(request.user, case_audit_uuid)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.case_audit_return(case_audit=case_audit, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"Case audit of child {case_audit.child.child_id} returned to the auditor."
            )
            return redirect("audits-moderation")
    return _page(request, case_audit, failed="return", form=form, status=400)


@role_required(*access.MODERATION_ROLES)
@require_POST
def mark_moderated(request: AuthenticatedHttpRequest, case_audit_uuid: uuid.UUID) -> HttpResponse:
    case_audit = access.access_case_audit_for_moderation(request.user, case_audit_uuid)
    try:
        services.case_audit_moderated(case_audit=case_audit, user=request.user)
    except ValidationError as error:
        form = forms.Form({})
        form.is_valid()
        add_service_errors(form, error)
        return _page(request, case_audit, failed="moderated", form=form, status=400)
    messages.success(request, f"Case audit of child {case_audit.child.child_id} is moderated.")
    return redirect("audits-moderation")


@role_required(*access.MODERATION_ROLES)
@require_http_methods(["GET", "POST"])
def lock(request: AuthenticatedHttpRequest, audit_uuid: uuid.UUID) -> HttpResponse:
    """GET: what locking does, with the button; POST: lock."""
    audit: Audit = access.access_audit(request.user, audit_uuid)
    if request.method == "GET":
        days = settings.CASE_AUDIT_ACCESS_DAYS_AFTER_LOCK
        context = {
            "caption": audit.title,
            "heading": "Lock the audit",
            "paragraphs": [
                f"Locking {audit.title} makes its results final: no answer or grade can change, and no "
                "case audit can be returned to its auditor or moderated again.",
                "The audit is marked complete.",
                f"Auditors lose sight of its cases and the children's records {days} days after it is "
                "locked.",
            ],
            "warning": "A locked audit cannot be unlocked.",
            "button": "Lock audit",
            "back": reverse("audits-moderation"),
        }
        return render(request, "common/confirm.html", context)
    try:
        services.audit_lock(audit=audit, user=request.user)
    except ValidationError as error:
        messages.error(request, f"{audit.title} cannot be locked yet: {' '.join(error.messages)}")
        return redirect("audits-moderation")
    results = reverse("audits-results", args=[audit.uuid])
    message = (
        '{} is locked and complete. <a class="govuk-notification-banner__link" href="{}">See its results</a>'
    )
    messages.success(request, format_html(message, audit.title, results))
    return redirect("audits-moderation")
