"""Audit tools: their versions, questions and conditions; editing always makes a new version."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from audits import access, services
from audits.forms import ToolEditForm
from audits.models import Answer, AuditTool, Question, ToolVersion
from common import roles
from common.decorators import role_required
from common.forms import add_service_errors
from common.http import AuthenticatedHttpRequest

ANSWER_LABELS = dict(Answer.Value.choices)


def conditions(question: Question) -> list[str]:
    """When a question is asked, and what else it measures, in the words the tool page uses."""
    notes = []
    if question.applies_if_id:
        values = " or ".join(ANSWER_LABELS.get(v, v) for v in question.applies_if_values)
        gate = question.applies_if
        assert gate is not None  # applies_if_id is set
        notes.append(f"asked only where {gate.code} is {values}")
    if question.subsample_only:
        notes.append("sub-sample only")
    if question.measures:
        notes.append(f"also measures: {question.get_measures_display()}")
    return notes


@require_http_methods(["GET"])
@role_required(*access.AUDIT_ROLES)
def tool_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    versions = ToolVersion.objects.annotate(audit_count=Count("audits")).order_by("-number")
    tools = AuditTool.objects.prefetch_related(Prefetch("versions", queryset=versions))
    return render(request, "audits/tool_list.html", {"tools": tools})


@require_http_methods(["GET"])
@role_required(*access.AUDIT_ROLES)
def tool_version(request: AuthenticatedHttpRequest, version_uuid: uuid.UUID) -> HttpResponse:
    version = get_object_or_404(ToolVersion.objects.select_related("tool", "created_by"), uuid=version_uuid)
    questions = Question.objects.select_related("applies_if").order_by("order")
    sections = version.sections.prefetch_related(Prefetch("questions", queryset=questions))
    context = {
        "version": version,
        "sections": [(s, [(q, conditions(q)) for q in s.questions.all()]) for s in sections],
        "audit_count": version.audits.count(),
        "other_versions": version.tool.versions.exclude(pk=version.pk).order_by("-number"),
        "is_lead": roles.has_role(request.user, *access.LEAD_ROLES),
    }
    return render(request, "audits/tool_version.html", context)


@require_http_methods(["GET", "POST"])
@role_required(*access.LEAD_ROLES)
def tool_edit(request: AuthenticatedHttpRequest, version_uuid: uuid.UUID) -> HttpResponse:
    base = get_object_or_404(ToolVersion.objects.select_related("tool"), uuid=version_uuid)
    form = ToolEditForm(request.POST if request.method == "POST" else None, base=base)
    if form.is_valid():
        try:
            version = services.tool_version_create(base=base, user=request.user, **form.changes())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved as {version}. Audits using {base} keep using it, unchanged.")
            return redirect("audits-tool-version", version.uuid)
    return render(request, "audits/tool_edit.html", {"base": base, "form": form})
