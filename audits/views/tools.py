"""Audit tools: their versions, questions and conditions; editing always makes a new version."""

import uuid
from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from audits import access, services, tool_editor
from audits.forms import ToolEditForm
from audits.models import Answer, AuditTool, Question, Section, ToolVersion
from audits.tool_forms import QuestionForm, RemoveForm, ScoringForm, SectionForm
from audits.views.scoring import QuestionItem
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
    is_lead = roles.has_role(request.user, *access.LEAD_ROLES)
    latest = version.tool.latest_version()
    context = {
        "version": version,
        "sections": [(s, [(q, conditions(q)) for q in s.questions.all()]) for s in sections],
        "audit_count": version.audits.count(),
        "other_versions": version.tool.versions.exclude(pk=version.pk).order_by("-number"),
        "is_lead": is_lead,
        "latest": latest,
        "can_edit": is_lead and latest == version,
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


# The tool editor: one change a save, each saved as the tool's next version (audits.tool_editor) ---------


def _base(version_uuid: uuid.UUID) -> ToolVersion:
    return get_object_or_404(ToolVersion.objects.select_related("tool"), uuid=version_uuid)


def _latest_number(base: ToolVersion) -> int:
    return max(base.tool.versions.values_list("number", flat=True), default=0)


def _section_index(base: ToolVersion, section_id: int) -> int:
    ids = list(base.sections.order_by("order").values_list("pk", flat=True))
    if section_id not in ids:
        raise Http404("No such section in this version.")
    return ids.index(section_id)


def _question_code(base: ToolVersion, question_id: int) -> str:
    question = get_object_or_404(Question, pk=question_id, section__version=base)
    return question.code


def _save_change(
    request: AuthenticatedHttpRequest,
    form: forms.Form,
    base: ToolVersion,
    change: Callable[[], tool_editor.VersionSpec],
) -> HttpResponse | None:
    """The change applied and saved as a new version, then the new version's page; None, with the errors
    on the form, if the change is refused."""
    try:
        version = tool_editor.version_save(
            base=base, spec=change(), user=request.user, change_note=form.cleaned_data["change_note"]
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    messages.success(
        request,
        f"Saved as version {version.number}. Audits using version {base.number} keep using it, unchanged.",
    )
    return redirect("audits-tool-version", version.uuid)


def _change_page(
    request: AuthenticatedHttpRequest, base: ToolVersion, form: forms.Form, heading: str, **context
) -> HttpResponse:
    context |= {"base": base, "form": form, "heading": heading, "latest_number": _latest_number(base)}
    return render(request, "audits/tool_change.html", context)


def _post(request: AuthenticatedHttpRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


@require_http_methods(["GET"])
@role_required(*access.AUDIT_ROLES)
def tool_preview(request: AuthenticatedHttpRequest, version_uuid: uuid.UUID) -> HttpResponse:
    """The questions as the auditor sees them on the scoring page, read-only, with no case: every
    question is shown, each conditional one with when it is asked."""
    version = _base(version_uuid)
    questions = list(
        Question.objects.filter(section__version=version)
        .select_related("section", "applies_if")
        .order_by("section__order", "order")
    )
    gates = {q.applies_if_id for q in questions if q.applies_if_id}
    grouped: dict[int, tuple[Section, list[QuestionItem]]] = {}
    for question in questions:
        hints = []
        if question.applies_if:
            hints.append(tool_editor.condition_text(question, question.applies_if.code))
        if question.subsample_only:
            hints.append("Asked only of cases in the audit's sub-sample.")
        item = QuestionItem(question, None, is_gate=question.pk in gates, asked_because=" ".join(hints))
        grouped.setdefault(question.section_id, (question.section, []))[1].append(item)
    context = {
        "version": version,
        "sections": list(grouped.values()),
        "preview": True,
        "value_choices": Answer.Value.choices,
    }
    return render(request, "audits/tool_preview.html", context)


@require_http_methods(["GET", "POST"])
@role_required(*access.LEAD_ROLES)
def tool_question_add(request: AuthenticatedHttpRequest, version_uuid: uuid.UUID) -> HttpResponse:
    base = _base(version_uuid)
    spec = tool_editor.spec_of(base)
    section = request.GET.get("section", "")
    initial = {"section": int(section)} if section.isdigit() else {}
    form = QuestionForm(_post(request), spec=spec, button="Add question", initial=initial)
    if form.is_valid():
        data = form.cleaned_data

        def change() -> tool_editor.VersionSpec:
            return tool_editor.question_add(
                spec, question=form.question(), section=data["section"], position=data["position"]
            )

        if saved := _save_change(request, form, base, change):
            return saved
    return _change_page(request, base, form, "Add a question")


@require_http_methods(["GET", "POST"])
@role_required(*access.LEAD_ROLES)
def tool_question(
    request: AuthenticatedHttpRequest, version_uuid: uuid.UUID, question_id: int
) -> HttpResponse:
    base = _base(version_uuid)
    code = _question_code(base, question_id)
    spec = tool_editor.spec_of(base)
    initial = QuestionForm.initial_for(spec, code)
    form = QuestionForm(_post(request), spec=spec, code=code, button="Save question", initial=initial)
    if form.is_valid():
        data = form.cleaned_data

        def change() -> tool_editor.VersionSpec:
            return tool_editor.question_change(
                spec, code=code, question=form.question(), section=data["section"], position=data["position"]
            )

        if saved := _save_change(request, form, base, change):
            return saved
    return _change_page(request, base, form, f"Change question {code}")


@require_http_methods(["GET", "POST"])
@role_required(*access.LEAD_ROLES)
def tool_question_remove(
    request: AuthenticatedHttpRequest, version_uuid: uuid.UUID, question_id: int
) -> HttpResponse:
    base = _base(version_uuid)
    code = _question_code(base, question_id)
    spec = tool_editor.spec_of(base)
    form = RemoveForm(_post(request), button=f"Remove question {code}")
    if form.is_valid() and (
        saved := _save_change(request, form, base, lambda: tool_editor.question_remove(spec, code=code))
    ):
        return saved
    question = spec.question(code)
    return _change_page(
        request, base, form, f"Remove question {code}", removing=[f"{question.code}. {question.text}"]
    )


@require_http_methods(["GET", "POST"])
@role_required(*access.LEAD_ROLES)
def tool_section_add(request: AuthenticatedHttpRequest, version_uuid: uuid.UUID) -> HttpResponse:
    base = _base(version_uuid)
    spec = tool_editor.spec_of(base)
    form = SectionForm(_post(request), button="Add section")
    if form.is_valid():
        data = form.cleaned_data

        def change() -> tool_editor.VersionSpec:
            return tool_editor.section_add(spec, title=data["title"], position=data["position"])

        if saved := _save_change(request, form, base, change):
            return saved
    return _change_page(
        request,
        base,
        form,
        "Add a section",
        note="A new section is saved with no questions; add its questions next. "
        "Auditors see only sections that have questions.",
    )


@require_http_methods(["GET", "POST"])
@role_required(*access.LEAD_ROLES)
def tool_section(request: AuthenticatedHttpRequest, version_uuid: uuid.UUID, section_id: int) -> HttpResponse:
    base = _base(version_uuid)
    index = _section_index(base, section_id)
    spec = tool_editor.spec_of(base)
    initial = {"title": spec.sections[index].title, "position": index + 1}
    form = SectionForm(_post(request), button="Save section", initial=initial)
    if form.is_valid():
        data = form.cleaned_data

        def change() -> tool_editor.VersionSpec:
            return tool_editor.section_change(
                spec, section=index, title=data["title"], position=data["position"]
            )

        if saved := _save_change(request, form, base, change):
            return saved
    return _change_page(request, base, form, f"Change section {spec.sections[index].title}")


@require_http_methods(["GET", "POST"])
@role_required(*access.LEAD_ROLES)
def tool_section_remove(
    request: AuthenticatedHttpRequest, version_uuid: uuid.UUID, section_id: int
) -> HttpResponse:
    base = _base(version_uuid)
    index = _section_index(base, section_id)
    spec = tool_editor.spec_of(base)
    section = spec.sections[index]
    form = RemoveForm(_post(request), button="Remove section")
    if form.is_valid() and (
        saved := _save_change(request, form, base, lambda: tool_editor.section_remove(spec, section=index))
    ):
        return saved
    return _change_page(
        request,
        base,
        form,
        f"Remove section {section.title}",
        removing=[f"{q.code}. {q.text}" for q in section.questions],
        note="Its questions are removed with it." if section.questions else "",
    )


@require_http_methods(["GET", "POST"])
@role_required(*access.LEAD_ROLES)
def tool_scoring(request: AuthenticatedHttpRequest, version_uuid: uuid.UUID) -> HttpResponse:
    base = _base(version_uuid)
    spec = tool_editor.spec_of(base)
    initial = {"partly": "half" if base.partly_counts_half else "nothing"}
    form = ScoringForm(_post(request), button="Save scoring rule", initial=initial)
    if form.is_valid():
        partly = form.partly_counts_half()
        if saved := _save_change(
            request, form, base, lambda: tool_editor.scoring_change(spec, partly_counts_half=partly)
        ):
            return saved
    return _change_page(
        request,
        base,
        form,
        "Change the scoring rule",
        note="Results count Yes as 1 and No as nothing; Not applicable is left out. Grades are the auditor's "
        "judgement on Ofsted's four-point scale and are not worked out from the answers.",
    )
