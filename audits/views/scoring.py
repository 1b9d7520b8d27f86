"""Scoring in the browser: "My audits", the scoring page, and one small form per question.

Each question is its own form, autosaved by static/app/autosave.mjs (one save of a question at a time,
each carrying every field) and saved by a plain POST without JavaScript. The same partial renders the
question in the full page and as the fragment response. Saves carry the revision the editor started
from; a stale one is shown as a conflict and overwrites nothing.
"""

import datetime
import uuid
from dataclasses import dataclass, field
from functools import cached_property

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import F, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.people import person_name
from audits import access, services, suggestions
from audits.models import Answer, AnswerTheme, CaseAudit, Grade, ModerationChange, Question, Section, Theme
from audits.progress import Progress, progress_of
from audits.scoring import missing_answers, question_applies
from audits.scoring_forms import AnswerForm, GradeForm
from audits.suggestions import CaseRecord, Suggestion
from common import roles
from common.access_log import access_log_record
from common.decorators import role_required
from common.http import AuthenticatedHttpRequest

# Moderators and QA leads may open the scoring page read-only; only the assigned auditor saves.
SCORING_PAGE_ROLES = (*access.SCORING_ROLES, *access.ALL_CASE_AUDITS_ROLES)
OPEN_STATUSES = services.EDITABLE_STATUSES


def person(user: User | None) -> str:
    return person_name(user, nobody="Someone")


@dataclass
class Conflict:
    """Another person's save that beat this one: who, when, and the answer this editor tried to save."""

    who: str
    at: datetime.datetime | None
    yours: dict


@dataclass
class QuestionItem:
    question: Question
    answer: Answer | None
    is_gate: bool = False
    asked_because: str = ""
    saved_now: bool = False
    conflict: Conflict | None = None
    errors: list[str] = field(default_factory=list)
    suggestion: Suggestion | None = None  # the case record's own answer (audits.suggestions)
    reason_errors: list[str] = field(default_factory=list)  # on the reason for overriding the record
    unsaved: bool = False  # `answer` is what a refused save carried, not what is stored

    @property
    def anchor(self) -> str:
        return f"q-{self.question.code}"

    @property
    def overrides(self) -> bool:
        """The answer differs from the record's answer (shown with the auditor's reason)."""
        return bool(self.answer and suggestions.overrides(self.answer))

    @property
    def revision(self) -> int:
        return self.answer.revision if self.answer else 0

    @property
    def theme_ids(self) -> set[int]:
        """The learning themes the stored answer is tagged with (read at once by Sheet.answers_of)."""
        if self.answer is None or self.answer.pk is None:
            return set()
        known = getattr(self.answer, "tagged_theme_ids", None)
        return known if known is not None else set(self.answer.theme_tags.values_list("theme_id", flat=True))


@dataclass
class GradeItem:
    grade: str
    note: str
    revision: int
    saved_now: bool = False
    conflict: Conflict | None = None
    errors: list[str] = field(default_factory=list)
    theme_ids: set[int] = field(default_factory=set)  # the grade note's learning themes

    @classmethod
    def of(cls, case_audit: CaseAudit, **kwargs) -> "GradeItem":
        kwargs.setdefault("theme_ids", set(case_audit.grade_themes.values_list("pk", flat=True)))
        return cls(case_audit.grade, case_audit.grade_note, case_audit.revision, **kwargs)

    @property
    def grade_label(self) -> str:
        return Grade(self.grade).label if self.grade else ""


@dataclass
class Sheet:
    """A case audit's questions and answers, read in two queries whatever the tool's length."""

    case_audit: CaseAudit
    questions: list[Question]
    answers: dict[int, Answer]
    overrides: dict[int, QuestionItem] = field(default_factory=dict)

    @classmethod
    def load(cls, case_audit: CaseAudit) -> "Sheet":
        questions = list(
            Question.objects.filter(section__version_id=case_audit.audit.tool_version_id)
            .select_related("section")
            .order_by("section__order", "order")
        )
        return cls(case_audit, questions, cls.answers_of(case_audit))

    @staticmethod
    def answers_of(case_audit: CaseAudit) -> dict[int, Answer]:
        answers = {
            a.question_id: a
            for a in Answer.objects.filter(case_audit=case_audit).select_related("updated_by")
        }
        # The learning themes of every answer in one query, however many answers there are (or none).
        tagged: dict[int, set[int]] = {a.pk: set() for a in answers.values()}
        for answer_id, theme_id in AnswerTheme.objects.filter(answer__case_audit=case_audit).values_list(
            "answer_id", "theme_id"
        ):
            tagged.setdefault(answer_id, set()).add(theme_id)
        for a in answers.values():
            a.tagged_theme_ids = tagged[a.pk]  # type: ignore[attr-defined]
        return answers

    @cached_property
    def gates(self) -> set[int]:
        return {q.applies_if_id for q in self.questions if q.applies_if_id}

    def question(self, question_id: int) -> Question:
        for question in self.questions:
            if question.pk == question_id:
                return question
        raise Http404("No such question in this audit's tool.")

    @cached_property
    def case(self) -> CaseRecord:
        """The sampled record and the records it leads from, read once for the page."""
        return suggestions.case_record(self.case_audit)

    def item(self, question: Question, **kwargs) -> QuestionItem:
        if question.pk in self.overrides and not kwargs:
            return self.overrides[question.pk]
        kwargs.setdefault("answer", self.answers.get(question.pk))
        return QuestionItem(
            question,
            is_gate=question.pk in self.gates,
            asked_because=self._why(question),
            suggestion=suggestions.question_suggestion(question, self.case),
            **kwargs,
        )

    def _why(self, question: Question) -> str:
        reasons = []
        if question.applies_if_id:
            gate = next((q for q in self.questions if q.pk == question.applies_if_id), None)
            values = " or ".join(
                Answer.Value(v).label for v in question.applies_if_values if v in Answer.Value.values
            )
            reasons.append(f"the answer to question {gate.code if gate else ''} is {values or 'given'}")
        if question.subsample_only:
            reasons.append("this case is in the sub-sample")
        return "Asked because " + " and ".join(reasons) + "." if reasons else ""

    @cached_property
    def by_pk(self) -> dict[int, Question]:
        return {question.pk: question for question in self.questions}

    def applies(self, question: Question) -> bool:
        return question_applies(question, self.case_audit, self.answers, self.by_pk)

    def sections(self) -> list[tuple[Section, list[QuestionItem]]]:
        """Only the questions that apply to this case, under their sections; empty sections left out."""
        grouped: dict[int, tuple[Section, list[QuestionItem]]] = {}
        for question in self.questions:
            if self.applies(question):
                grouped.setdefault(question.section_id, (question.section, []))[1].append(self.item(question))
        return list(grouped.values())

    def progress(self) -> Progress:
        return progress_of(self.case_audit, self.questions, self.answers)

    def missing(self) -> list[Question]:
        return missing_answers(self.case_audit, self.questions, self.answers)


def record_context(request: AuthenticatedHttpRequest, sheet: Sheet) -> dict:
    """The case record panel's context (scoring_facts.html): the record, and a link to the child's
    timeline for those who may open case records. Never the child's name: only the child ID."""
    child = sheet.case_audit.child
    may_see = roles.has_role(request.user, *roles.CASE_RECORD_ROLES)
    return {
        "record": sheet.case.record,
        "facts": sheet.case,
        "timeline_url": reverse("cases-child-detail", args=[child.uuid]) if may_see else "",
    }


def can_score(user: User, case_audit: CaseAudit) -> bool:
    return (
        case_audit.auditor_id == user.pk
        and case_audit.status in OPEN_STATUSES
        and not case_audit.audit.locked
    )


def _common_context(request: AuthenticatedHttpRequest, case_audit: CaseAudit) -> dict:
    return {
        "case_audit": case_audit,
        "editable": can_score(request.user, case_audit),
        "value_choices": Answer.Value.choices,
        "grade_choices": Grade.choices,
        "theme_choices": Theme.objects.filter(is_active=True),
    }


def _returned_reason(case_audit: CaseAudit) -> ModerationChange | None:
    if case_audit.status != CaseAudit.Status.RETURNED:
        return None
    return case_audit.moderation_changes.filter(field="status").select_related("changed_by").last()


def _page(
    request: AuthenticatedHttpRequest,
    case_audit: CaseAudit,
    sheet: Sheet,
    *,
    grade: GradeItem | None = None,
    submit_errors: list[tuple[str, str]] | None = None,
    save_errors: list[tuple[str, str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    # Logged wherever the page is drawn: a refused save shows the case record again, as the GET does.
    access_log_record(
        request, action="view", object_type="case audit", object_ref=case_audit.uuid,
        child_ids=[case_audit.child.child_id],
    )  # fmt: skip
    context = (
        _common_context(request, case_audit)
        | record_context(request, sheet)
        | {
            "audit": case_audit.audit,
            "sheet": sheet,
            "progress": sheet.progress(),
            "sections": sheet.sections(),
            "grade": grade or GradeItem.of(case_audit),
            "submit_errors": submit_errors or [],
            "save_errors": save_errors or [],
            "returned": _returned_reason(case_audit),
            "today": timezone.localdate(),
            "double_scored": case_audit.scoring == 2
            or CaseAudit.objects.filter(
                audit=case_audit.audit_id, record_id=case_audit.record_id, agency=case_audit.agency, scoring=2
            ).exists(),
        }
    )
    return render(request, "audits/scoring_page.html", context, status=status)


def _fragment(
    request: AuthenticatedHttpRequest,
    case_audit: CaseAudit,
    template: str,
    live: str,
    *,
    status: int = 200,
    **context,
) -> HttpResponse:
    """A fragment response: the partial, the sentence its status line shows after a conflict or an error
    (`live`), and the case audit's status for the page header, out of band.

    static/app/autosave.mjs sends these requests (with htmx's header, so the sign-in middleware answers
    them as it answers htmx) and reads the real status: 400 for an error, 409 for a conflict.
    """
    context = _common_context(request, case_audit) | context | {"fragment": template, "live": live}
    return render(request, "audits/scoring_fragment.html", context, status=status)


def _score_url(case_audit: CaseAudit, anchor: str = "") -> str:
    url = reverse("audits-score", args=[case_audit.uuid])
    return f"{url}#{anchor}" if anchor else url


def _own_case_audits(user: User) -> QuerySet[CaseAudit]:
    """The user's own case audits in the order My audits lists them: due date, audit, record date."""
    return (
        access.case_audits_visible_to(user)
        .filter(auditor=user)  # someone who also leads sees every case audit; this page is their own
        .select_related("audit", "child")
        .order_by(F("due_date").asc(nulls_last=True), "audit__title", "record_date", "child__child_id")
    )


@role_required(*access.SCORING_ROLES)
@require_GET
def my_audits(request: AuthenticatedHttpRequest) -> HttpResponse:
    case_audits = list(_own_case_audits(request.user))
    to_do = [c for c in case_audits if c.status in OPEN_STATUSES]
    done = [c for c in case_audits if c.status not in OPEN_STATUSES]
    access_log_record(
        request, action="list", object_type="my case audits",
        child_ids=[c.child.child_id for c in case_audits],
    )  # fmt: skip
    context = {
        "groups": [("To score", to_do, True), ("Submitted", done, False)],
        "to_do": to_do,
        "done": done,
        "today": timezone.localdate(),
    }
    return render(request, "audits/my_audits.html", context)


@role_required(*SCORING_PAGE_ROLES)
@require_GET
def score(request: AuthenticatedHttpRequest, case_audit_uuid: uuid.UUID) -> HttpResponse:
    case_audit = access.access_case_audit(request.user, case_audit_uuid)
    return _page(request, case_audit, Sheet.load(case_audit))


@role_required(*access.SCORING_ROLES)
@require_POST
def answer(request: AuthenticatedHttpRequest, case_audit_uuid: uuid.UUID, question_id: int) -> HttpResponse:
    case_audit = access.access_case_audit(request.user, case_audit_uuid, write=True)
    sheet = Sheet.load(case_audit)
    question = sheet.question(question_id)
    before = sheet.answers.get(question.pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        errors = [e for errors in form.errors.values() for e in errors]
        return _answer_response(request, sheet, sheet.item(question, errors=errors), status=400)
    # A field the request does not carry keeps what is stored (a form with no radio checked sends no value).
    data = {
        name: given for name, given in form.cleaned_data.items() if name == "revision" or name in request.POST
    }
    data.pop("theme_list", None)
    if "themes_shown" in request.POST:  # no box ticked sends no theme_list: the tags are cleared
        data["theme_list"] = list(form.cleaned_data["theme_list"])
    try:
        saved = services.answer_save(
            case_audit=case_audit, question=question, user=request.user, case=sheet.case, **data
        )
    except services.EditConflict as conflict:
        theirs = conflict.current
        value = data.get("value", "")
        yours = data | {"value_label": Answer.Value(value).label if value else ""}
        clash = Conflict(person(theirs.updated_by if theirs else None), theirs and theirs.updated_at, yours)
        return _answer_response(
            request, sheet, sheet.item(question, answer=theirs, conflict=clash), status=409
        )
    except ValidationError as error:
        reason_errors = error.message_dict.get("override_reason", []) if hasattr(error, "error_dict") else []
        others = [m for m in error.messages if m not in reason_errors]
        # The page shows what was sent, not what is stored, so that nothing the auditor chose is lost.
        shown = _unsaved_answer(before, question, data)
        item = sheet.item(question, answer=shown, errors=others, reason_errors=reason_errors, unsaved=True)
        return _answer_response(request, sheet, item, status=400)
    if not request.htmx:
        return redirect(_score_url(case_audit, f"q-{question.code}"))
    # Read again after the save: the auditor's saves of other questions, sent at the same moment, may have
    # been saved while this one waited for the case audit's lock, and the progress and the questions that
    # apply count them too (read before, three quick answers would each say the count before all three).
    sheet.answers = Sheet.answers_of(case_audit)
    # The first answer starts the case audit (Not started -> In progress): the page header says so.
    case_audit.refresh_from_db(fields=["status"])
    live = f"Question {question.code} saved at {timezone.localtime(saved.updated_at):%H:%M}."
    sheet.overrides[question.pk] = sheet.item(question, saved_now=True)
    if question.pk in sheet.gates and (before.value if before else "") != saved.value:
        # Which questions apply depends on this answer: redraw them all (typed text is kept, hx-preserve).
        response = _fragment(
            request, case_audit, "audits/scoring_questions.html", live, sections=sheet.sections(),
            progress=sheet.progress(),
        )  # fmt: skip
        response["HX-Retarget"], response["HX-Reswap"] = "#questions", "outerHTML"
        return response
    return _fragment(
        request, case_audit, "audits/scoring_question.html", live, item=sheet.overrides[question.pk],
        progress=sheet.progress(),
    )  # fmt: skip


def _unsaved_answer(before: Answer | None, question: Question, data: dict) -> Answer:
    """An answer as a refused save carried it (never saved): the stored one with the fields sent."""
    shown = Answer(question=question, revision=before.revision if before else 0)
    for name in ("value", "text", "evidence", "override_reason"):
        setattr(shown, name, data.get(name, getattr(before, name) if before else ""))
    return shown


def _answer_response(
    request: AuthenticatedHttpRequest, sheet: Sheet, item: QuestionItem, *, status: int
) -> HttpResponse:
    code = item.question.code
    if request.htmx:
        live = (
            f"Question {code} not saved: {item.conflict.who} saved it first."
            if item.conflict
            else f"Question {code} not saved: {' '.join(item.errors + item.reason_errors)}"
        )
        return _fragment(
            request, sheet.case_audit, "audits/scoring_question.html", live, status=status, item=item
        )
    sheet.overrides[item.question.pk] = item
    save_errors = [(message, f"#{item.anchor}-override-reason") for message in item.reason_errors]
    return _page(request, sheet.case_audit, sheet, save_errors=save_errors, status=status)


@role_required(*access.SCORING_ROLES)
@require_POST
def grade(request: AuthenticatedHttpRequest, case_audit_uuid: uuid.UUID) -> HttpResponse:
    case_audit = access.access_case_audit(request.user, case_audit_uuid, write=True)
    form = GradeForm(request.POST)
    if not form.is_valid():
        errors = [e for errors in form.errors.values() for e in errors]
        return _grade_response(request, case_audit, GradeItem.of(case_audit, errors=errors), status=400)
    data = {name: given for name, given in form.cleaned_data.items() if name != "theme_list"}
    if "themes_shown" in request.POST:  # no box ticked sends no theme_list: the tags are cleared
        data["theme_list"] = list(form.cleaned_data["theme_list"])
    try:
        saved = services.grade_save(case_audit=case_audit, user=request.user, **data)
    except services.EditConflict as conflict:
        theirs: CaseAudit = conflict.current
        who, at = _last_grade_change(theirs)
        yours = data | {"grade_label": Grade(data["grade"]).label if data["grade"] else ""}
        item = GradeItem.of(theirs, conflict=Conflict(who, at, yours))
        return _grade_response(request, case_audit, item, status=409)
    except ValidationError as error:
        return _grade_response(
            request, case_audit, GradeItem.of(case_audit, errors=error.messages), status=400
        )
    if not request.htmx:
        return redirect(_score_url(case_audit, "grade"))
    live = f"Overall grade saved at {timezone.localtime():%H:%M}."
    return _fragment(
        request, saved, "audits/scoring_grade.html", live, grade=GradeItem.of(saved, saved_now=True)
    )


def _last_grade_change(case_audit: CaseAudit) -> tuple[str, datetime.datetime | None]:
    """Who made the grade's current revision, from the case audit's history."""
    record = (
        case_audit.history.filter(revision=case_audit.revision)
        .select_related("history_user")
        .order_by("history_date")
        .first()
    )
    return (person(record.history_user), record.history_date) if record else ("Someone", None)


def _grade_response(
    request: AuthenticatedHttpRequest, case_audit: CaseAudit, item: GradeItem, *, status: int
) -> HttpResponse:
    if request.htmx:
        live = (
            f"Overall grade not saved: {item.conflict.who} changed it first."
            if item.conflict
            else f"Overall grade not saved: {' '.join(item.errors)}"
        )
        return _fragment(request, case_audit, "audits/scoring_grade.html", live, status=status, grade=item)
    return _page(request, case_audit, Sheet.load(case_audit), grade=item, status=status)


@role_required(*access.SCORING_ROLES)
@require_POST
def submit(request: AuthenticatedHttpRequest, case_audit_uuid: uuid.UUID) -> HttpResponse:
    case_audit = access.access_case_audit(request.user, case_audit_uuid, write=True)
    try:
        services.case_audit_submit(case_audit=case_audit, user=request.user)
    except ValidationError as error:
        sheet = Sheet.load(case_audit)
        errors = _submit_errors(sheet, error)
        return _page(request, case_audit, sheet, submit_errors=errors, status=400)
    done = f"Case audit of child {case_audit.child.child_id} submitted for moderation."
    # On to the next case to score, first in My audits' order; once every one is submitted, My audits.
    following = (
        _own_case_audits(request.user)
        .filter(status__in=OPEN_STATUSES, audit__locked_at__isnull=True)
        .exclude(pk=case_audit.pk)
        .first()
    )
    if following is None:
        messages.success(request, f"{done} All your case audits are submitted.")
        return redirect("audits-mine")
    messages.success(request, f"{done} This is your next case to score.")
    return redirect(_score_url(following))


def _submit_errors(sheet: Sheet, error: ValidationError) -> list[tuple[str, str]]:
    """Each missing answer linked to its question, which is marked as needing an answer too."""
    case_audit = sheet.case_audit
    if case_audit.status not in OPEN_STATUSES:
        return [(message, "") for message in error.messages]
    errors = []
    for question in sheet.missing():
        # Linked to the field, not its block: GOV.UK Frontend's error summary moves the focus to it.
        field_id = (
            f"q-{question.code}-value-{Answer.Value.values[0]}"
            if question.kind == Question.Kind.RATING
            else f"q-{question.code}-text"
        )
        errors.append((f"Answer question {question.code}: {question.text}", f"#{field_id}"))
        sheet.overrides[question.pk] = sheet.item(question, errors=[f"Answer question {question.code}"])
    applicable = [question for question in sheet.questions if sheet.applies(question)]
    for question in suggestions.unexplained_overrides(applicable, sheet.answers):
        message = f"Explain why your answer to question {question.code} differs from the case record"
        errors.append((message, f"#q-{question.code}-override-reason"))
        reason = [suggestions.OVERRIDE_REASON_REQUIRED]
        sheet.overrides[question.pk] = sheet.item(question, reason_errors=reason)
    if not case_audit.grade:
        errors.append(("Give an overall grade", f"#grade-{Grade.values[0]}"))
    return errors or [(message, "") for message in error.messages]
