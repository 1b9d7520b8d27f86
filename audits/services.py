"""Every change to audits, samples, answers and grades. Each records who did it.

Answers and grades use optimistic locking: a save names the revision it was made from, and a save
from a stale revision raises `EditConflict` instead of overwriting another person's work.
"""

import datetime
import secrets
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.people import person_name
from audits import double, feedback, sampling, suggestions, tasks, themes
from audits.models import (
    Agency,
    Answer,
    Audit,
    AuditProgramme,
    AuditTool,
    CaseAudit,
    Grade,
    ModerationChange,
    ProgrammeReview,
    Question,
    ReconciledAnswer,
    Section,
    Theme,
    ToolVersion,
)
from audits.scoring import missing_answers, question_applies
from cases.models import Team
from common import roles
from common.history import REASON_MAX, save_with_history

EDITABLE_STATUSES = (CaseAudit.Status.NOT_STARTED, CaseAudit.Status.IN_PROGRESS, CaseAudit.Status.RETURNED)


class EditConflict(Exception):
    """Someone else saved this answer or grade since the editor loaded it."""

    def __init__(self, message: str, current=None):
        super().__init__(message)
        self.current = current


def _parameters(audit: Audit) -> sampling.SampleParameters:
    exclude: frozenset[int] = frozenset()
    if audit.exclude_recently_audited:
        since = audit.planned_month - datetime.timedelta(days=sampling.RECENT_AUDIT_DAYS)
        exclude = frozenset(
            CaseAudit.objects.filter(
                audit__planned_month__gte=since, audit__planned_month__lte=audit.planned_month
            )
            .exclude(audit=audit)
            .values_list("child_id", flat=True)
        )
    return sampling.SampleParameters(
        frame_type=audit.frame_type,
        frame_start=audit.frame_start,
        frame_end=audit.frame_end,
        team_ids=tuple(sorted(audit.frame_teams.values_list("pk", flat=True))),
        outcome=audit.frame_outcome,
        size=audit.sample_size,
        percent=audit.sample_percent,
        stratify_by_team=audit.stratify_by_team,
        exclude_child_ids=exclude,
        subsample_percent=audit.subsample_percent,
        double_percent=audit.double_percent,
        double_count=audit.double_count,
        seed=audit.seed or 0,
    )


@transaction.atomic
def audit_create(
    *,
    user: User,
    title: str,
    tool_version: ToolVersion,
    planned_month: datetime.date,
    agencies: list[str] | None = None,
    programme=None,
    theme: str = "",
    due_date: datetime.date | None = None,
) -> Audit:
    agencies = agencies or [Agency.SOCIAL_CARE]
    unknown = set(agencies) - set(Agency.values)
    if unknown:
        raise ValidationError({"agencies": f"Unknown agency: {', '.join(sorted(unknown))}."})
    audit = Audit(
        title=title,
        tool_version=tool_version,
        planned_month=planned_month.replace(day=1),
        agencies=agencies,
        programme=programme,
        theme=theme,
        due_date=due_date,
        lead=user,
    )
    save_with_history(audit, user=user, reason="Audit created", force_insert=True)
    return audit


@transaction.atomic
def sample_draw(
    *,
    audit: Audit,
    user: User,
    frame_type: str,
    frame_start: datetime.date | None,
    frame_end: datetime.date | None,
    teams: list[Team],
    outcome: str = "",
    size: int | None = None,
    percent: int | None = None,
    stratify_by_team: bool = False,
    exclude_recently_audited: bool = True,
    subsample_percent: int | None = None,
    double_percent: int | None = None,
    double_count: int | None = None,
    seed: int | None = None,
) -> list[CaseAudit]:
    """Records the parameters, draws the sample and freezes it as unconfirmed case audits.

    A case in the double-scoring sub-sample gets a second case audit per agency (`scoring` 2), for a second
    auditor to score blind. Until the sample is confirmed it may be drawn again (the previous draw is replaced).
    """
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    if audit.sample_confirmed_at:
        raise ValidationError("The sample is already confirmed; it cannot be drawn again.")
    if (size is None) == (percent is None):
        raise ValidationError("Give either a number of cases or a percentage, not both.")
    audit.frame_type, audit.frame_start, audit.frame_end = frame_type, frame_start, frame_end
    audit.frame_outcome, audit.sample_size, audit.sample_percent = outcome, size, percent
    audit.stratify_by_team, audit.exclude_recently_audited = stratify_by_team, exclude_recently_audited
    if double_percent is not None and double_count is not None:
        raise ValidationError("Give either a number of cases to score twice or a percentage, not both.")
    audit.subsample_percent = subsample_percent
    audit.double_percent, audit.double_count = double_percent, double_count
    audit.seed = seed if seed is not None else secrets.randbelow(2**31)
    audit.status = Audit.Status.SAMPLING
    audit.full_clean(exclude=["lead", "locked_by"])
    save_with_history(audit, user=user, reason="Sample drawn")
    audit.frame_teams.set(teams)
    audit.case_audits.all().delete()
    drawn = sampling.draw(_parameters(audit))
    return CaseAudit.objects.bulk_create(
        CaseAudit(
            audit=audit,
            child_id=case.record.child_id,
            record_id=case.record.record_id,
            record_date=case.record.record_date,
            team_id=case.record.team_id,
            agency=agency,
            in_subsample=case.in_subsample,
            scoring=scoring,
            due_date=audit.due_date,
        )
        for case in drawn
        for agency in audit.agencies
        for scoring in ((1, 2) if case.double_scored else (1,))
    )


@transaction.atomic
def sample_confirm(*, audit: Audit, user: User) -> Audit:
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    if not audit.case_audits.exists():
        raise ValidationError("Draw a sample with at least one case before confirming it.")
    if audit.sample_confirmed_at is None:
        audit.sample_confirmed_at = timezone.now()
        audit.status = Audit.Status.IN_PROGRESS
        save_with_history(
            audit, user=user, reason="Sample confirmed", update_fields=["sample_confirmed_at", "status"]
        )
    return audit


@transaction.atomic
def case_audit_assign(
    *, case_audit: CaseAudit, auditor: User | None, due_date: datetime.date | None, user: User
) -> CaseAudit:
    if case_audit.audit.locked:
        raise ValidationError("The audit is locked.")
    case_audit.auditor, case_audit.due_date = auditor, due_date
    save_with_history(
        case_audit,
        user=user,
        reason=f"assigned by {user.get_username()}",
        update_fields=["auditor", "due_date"],
    )
    return case_audit


def _lock_case_audit(case_audit: CaseAudit) -> CaseAudit:
    return CaseAudit.objects.select_for_update().select_related("audit").get(pk=case_audit.pk)


@transaction.atomic
def answer_save(
    *,
    case_audit: CaseAudit,
    question: Question,
    user: User,
    value: str | None = None,
    text: str | None = None,
    evidence: str | None = None,
    override_reason: str | None = None,
    revision: int = 0,
    theme_list: list[Theme] | None = None,
    case: suggestions.CaseRecord | None = None,
) -> Answer:
    """Saves one answer; `revision` is the answer's revision the editor started from (0: no answer yet).

    A field given as None keeps what is stored: a save that carries only the evidence notes never clears
    the rating (a form with no radio checked sends no value at all). `theme_list` (None: keep) sets the
    learning themes the finding is tagged with (audits.themes); a change of tags alone keeps the revision.

    Where the case record holds the question's answer (audits.suggestions), it is stored beside the
    auditor's (`record_value`), and an answer that differs from it needs `override_reason`. `case` is the
    case record as the caller has read it for its page (the scoring page draws the record's answer beside
    the question); it is read here when not given.
    """
    case_audit = _lock_case_audit(case_audit)
    if case_audit.status not in EDITABLE_STATUSES:
        raise ValidationError(
            f"This case audit is {case_audit.get_status_display().lower()}: answers are closed."
        )
    if question.section.version_id != case_audit.audit.tool_version_id:
        raise ValidationError("That question is not in this audit's tool.")
    answer = Answer.objects.filter(case_audit=case_audit, question=question).first()
    value, text, evidence, override_reason = (
        given if given is not None else (getattr(answer, name) if answer else "")
        for given, name in (
            (value, "value"),
            (text, "text"),
            (evidence, "evidence"),
            (override_reason, "override_reason"),
        )
    )
    if value and value not in Answer.Value.values:
        raise ValidationError({"value": "Choose Yes, Partly, No or Not applicable."})
    if question.kind == Question.Kind.TEXT and value:
        raise ValidationError({"value": "A free-text question takes text, not a rating."})
    current = answer.revision if answer else 0
    if revision != current:
        raise EditConflict(
            f"{(answer and answer.updated_by) or 'Someone'} saved question {question.code} after you opened it. "
            "Their answer is shown; check it and save yours again if it should replace it.",
            current=answer,
        )
    record_value = _record_value(case_audit, question, case)
    if record_value and value and value != record_value and not override_reason.strip():
        raise ValidationError({"override_reason": suggestions.OVERRIDE_REASON_REQUIRED})
    fields = (value, text, evidence, override_reason, record_value)
    if (
        answer
        and (answer.value, answer.text, answer.evidence, answer.override_reason, answer.record_value)
        == fields
    ):
        if theme_list is not None:
            themes.answer_themes_set(answer=answer, user=user, themes=theme_list)
        return answer
    if answer is None:
        answer = Answer(case_audit=case_audit, question=question, revision=0)
    answer.value, answer.text, answer.evidence, answer.updated_by = value, text, evidence, user
    answer.override_reason, answer.record_value = override_reason, record_value
    answer.revision += 1
    save_with_history(answer, user=user)
    if theme_list is not None:
        themes.answer_themes_set(answer=answer, user=user, themes=theme_list)
    if case_audit.status == CaseAudit.Status.NOT_STARTED:
        case_audit.status = CaseAudit.Status.IN_PROGRESS
        save_with_history(case_audit, user=user, update_fields=["status"])
    return answer


def _record_value(case_audit: CaseAudit, question: Question, case: suggestions.CaseRecord | None) -> str:
    """The case record's answer to the question now (audits.suggestions), "" where it holds none."""
    if question.kind != Question.Kind.RATING or not question.measures:
        return ""  # no need to read the case record
    suggested = suggestions.question_suggestion(question, case or suggestions.case_record(case_audit))
    return suggested.value if suggested else ""


@transaction.atomic
def grade_save(
    *,
    case_audit: CaseAudit,
    user: User,
    grade: str,
    note: str = "",
    revision: int,
    theme_list: list[Theme] | None = None,
) -> CaseAudit:
    """Saves the overall grade and its note; `theme_list` (None: keep) sets the note's learning themes."""
    case_audit = _lock_case_audit(case_audit)
    if case_audit.status not in EDITABLE_STATUSES:
        raise ValidationError("This case audit is closed to changes.")
    if grade and grade not in Grade.values:
        raise ValidationError({"grade": "Choose a grade on Ofsted's scale."})
    if revision != case_audit.revision:
        raise EditConflict(
            "Someone else changed the overall grade after you opened this case audit.", case_audit
        )
    if (case_audit.grade, case_audit.grade_note) != (grade, note):
        case_audit.grade, case_audit.grade_note = grade, note
        case_audit.revision += 1
        if case_audit.status == CaseAudit.Status.NOT_STARTED:
            case_audit.status = CaseAudit.Status.IN_PROGRESS
        save_with_history(case_audit, user=user)
    if theme_list is not None:
        themes.grade_themes_set(case_audit=case_audit, themes=theme_list)
    return case_audit


@dataclass(frozen=True)
class AnswerEdit:
    question: Question
    value: str
    text: str
    evidence: str
    revision: int  # the answer's revision the editor started from (0: no answer yet)


@dataclass(frozen=True)
class CaseAuditEdit:
    case_audit: CaseAudit
    answers: list[AnswerEdit]
    grade: str | None = None  # None: the grade is left as it is
    grade_revision: int = 0  # the case audit's revision the editor started from


# Rows per INSERT or UPDATE: a statement stays well under PostgreSQL's 65,535 parameters.
BULK_BATCH = 1000


def _about(error: Exception, case_audit: CaseAudit) -> Exception:
    """The error, naming the case audit it is about (so a caller can say which row of a workbook it was)."""
    error.case_audit_id = case_audit.pk  # type: ignore[attr-defined]  # read back by the workbook import
    return error


@transaction.atomic
def answers_save_many(*, edits: list[CaseAuditEdit], user: User, reason: str = "") -> tuple[int, int]:
    """Saves many case audits' answers and grades: all of them or, on any conflict or bad value, none.

    The checks and optimistic locking of `answer_save` and `grade_save`, in a number of queries that does not
    grow with the edits: one lock on all the case audits, one read of their answers, then bulk writes, each
    with its history rows (who, and `reason`). Raises EditConflict or ValidationError, each with the
    `case_audit_id` it is about. Returns (answers saved, grades saved).
    """
    ids = sorted(
        {edit.case_audit.pk for edit in edits}
    )  # locked in one order, so two imports cannot deadlock
    locked = {
        case_audit.pk: case_audit
        for case_audit in CaseAudit.objects.select_for_update(of=("self",))
        .select_related("audit")
        .filter(pk__in=ids)
        .order_by("pk")
    }
    current = {(a.case_audit_id, a.question_id): a for a in Answer.objects.filter(case_audit__in=ids)}
    now = timezone.now()
    created: list[Answer] = []
    updated: list[Answer] = []
    graded: list[CaseAudit] = []
    touched: dict[int, CaseAudit] = {}
    for edit in edits:
        case_audit = locked.get(edit.case_audit.pk)
        if case_audit is None:
            raise _about(ValidationError("This case audit no longer exists."), edit.case_audit)
        if case_audit.status not in EDITABLE_STATUSES:
            message = f"This case audit is {case_audit.get_status_display().lower()}: answers are closed."
            raise _about(ValidationError(message), case_audit)
        for change in edit.answers:
            answer = _answer_edited(case_audit, change, current.get((case_audit.pk, change.question.pk)))
            if answer is None:
                continue
            answer.updated_by, answer.updated_at = user, now
            (updated if answer.pk else created).append(answer)
            touched[case_audit.pk] = case_audit
        if edit.grade is not None and _grade_edited(case_audit, edit.grade, edit.grade_revision):
            graded.append(case_audit)
            touched[case_audit.pk] = case_audit
    changed = {case_audit.pk: case_audit for case_audit in graded}
    for case_audit in touched.values():
        if case_audit.status == CaseAudit.Status.NOT_STARTED:
            case_audit.status = CaseAudit.Status.IN_PROGRESS
            changed[case_audit.pk] = case_audit
    history = {
        "default_user": user,
        "default_change_reason": reason[:REASON_MAX] or None,
        "batch_size": BULK_BATCH,
    }
    if created:
        bulk_create_with_history(created, Answer, **history)
    if updated:
        fields = ["value", "text", "evidence", "updated_by", "updated_at", "revision"]
        bulk_update_with_history(updated, Answer, fields, **history)
    if changed:
        bulk_update_with_history(
            list(changed.values()), CaseAudit, ["grade", "revision", "status"], **history
        )
    return len(created) + len(updated), len(graded)


def _answer_edited(case_audit: CaseAudit, change: AnswerEdit, answer: Answer | None) -> Answer | None:
    """The answer with the change made (not saved), None if it changes nothing; `answer_save`'s checks."""
    question, value, text = change.question, change.value, change.text
    if question.section.version_id != case_audit.audit.tool_version_id:
        raise _about(ValidationError("That question is not in this audit's tool."), case_audit)
    if value and value not in Answer.Value.values:
        raise _about(ValidationError("Choose Yes, Partly, No or Not applicable."), case_audit)
    if question.kind == Question.Kind.TEXT and value:
        raise _about(ValidationError("A free-text question takes text, not a rating."), case_audit)
    if change.revision != (answer.revision if answer else 0):
        raise _about(
            EditConflict(
                f"{(answer and answer.updated_by) or 'Someone'} saved question {question.code} after you "
                "opened it. Their answer is shown; check it and save yours again if it should replace it.",
                current=answer,
            ),
            case_audit,
        )
    if answer and (answer.value, answer.text, answer.evidence) == (value, text, change.evidence):
        return None
    if answer is None:
        answer = Answer(case_audit=case_audit, question=question, revision=0)
    answer.value, answer.text, answer.evidence = value, text, change.evidence
    answer.revision += 1
    return answer


def _grade_edited(case_audit: CaseAudit, grade: str, revision: int) -> bool:
    """Sets the grade (not saved) and says whether it changed; `grade_save`'s checks."""
    if grade and grade not in Grade.values:
        raise _about(ValidationError("Choose a grade on Ofsted's scale."), case_audit)
    if revision != case_audit.revision:
        raise _about(
            EditConflict(
                "Someone else changed the overall grade after you opened this case audit.", case_audit
            ),
            case_audit,
        )
    if case_audit.grade == grade:
        return False
    case_audit.grade = grade
    case_audit.revision += 1
    return True


def _answers_by_question(case_audit: CaseAudit) -> dict[int, Answer]:
    return {answer.question_id: answer for answer in case_audit.answers.all()}


def _questions(case_audit: CaseAudit) -> list[Question]:
    return list(
        Question.objects.filter(section__version=case_audit.audit.tool_version_id).order_by(
            "section__order", "order"
        )
    )


@transaction.atomic
def case_audit_submit(*, case_audit: CaseAudit, user: User) -> CaseAudit:
    case_audit = _lock_case_audit(case_audit)
    if case_audit.status not in EDITABLE_STATUSES:
        raise ValidationError("This case audit has already been submitted.")
    questions, answers = _questions(case_audit), _answers_by_question(case_audit)
    missing = missing_answers(case_audit, questions, answers)
    errors = [f"Answer question {q.code}: {q.text}" for q in missing]
    applicable = [q for q in questions if question_applies(q, case_audit, answers)]
    errors += [
        f"{suggestions.OVERRIDE_REASON_REQUIRED} (question {q.code})"
        for q in suggestions.unexplained_overrides(applicable, answers)
    ]
    if not case_audit.grade:
        errors.append("Give an overall grade.")
    if errors:
        raise ValidationError(errors)
    case_audit.status = CaseAudit.Status.SUBMITTED
    case_audit.submitted_at = timezone.now()
    case_audit.escalated = case_audit.grade == Grade.INADEQUATE
    save_with_history(case_audit, user=user, reason="Submitted")
    return case_audit


def _moderatable(case_audit: CaseAudit) -> CaseAudit:
    case_audit = _lock_case_audit(case_audit)
    if case_audit.audit.locked:
        raise ValidationError("The audit is locked.")
    if case_audit.status not in (CaseAudit.Status.SUBMITTED, CaseAudit.Status.MODERATED):
        raise ValidationError("Only submitted case audits can be moderated.")
    return case_audit


def _require_reason(reason: str) -> str:
    if not reason.strip():
        raise ValidationError({"reason": "Enter the reason for the change."})
    return reason.strip()


@transaction.atomic
def answer_moderate(
    *, case_audit: CaseAudit, question: Question, user: User, value: str, reason: str
) -> Answer:
    reason = _require_reason(reason)
    case_audit = _moderatable(case_audit)
    if question.section.version_id != case_audit.audit.tool_version_id:
        raise ValidationError("That question is not in this audit's tool.")
    if question.kind != Question.Kind.RATING:
        raise ValidationError("Only rated answers can be changed in moderation.")
    if value not in Answer.Value.values:
        raise ValidationError({"value": "Choose Yes, Partly, No or Not applicable."})
    answer = Answer.objects.filter(case_audit=case_audit, question=question).first()
    before = answer.value if answer else ""
    if answer is not None and before == value:  # `value` is a rating, never blank
        return answer
    answers = _answers_by_question(case_audit)
    if not question_applies(question, case_audit, answers):
        raise ValidationError("That question does not apply to this case.")
    if answer is None:
        answer = Answer(case_audit=case_audit, question=question, revision=0)
    answer.value, answer.updated_by = value, user
    answer.revision += 1
    save_with_history(answer, user=user, reason=reason)
    ModerationChange.objects.create(
        case_audit=case_audit,
        question=question,
        field="value",
        before=before,
        after=value,
        reason=reason,
        changed_by=user,
    )
    return answer


@transaction.atomic
def grade_moderate(*, case_audit: CaseAudit, user: User, grade: str, reason: str) -> CaseAudit:
    reason = _require_reason(reason)
    case_audit = _moderatable(case_audit)
    if grade not in Grade.values:
        raise ValidationError({"grade": "Choose a grade on Ofsted's scale."})
    if case_audit.grade == grade:
        return case_audit
    ModerationChange.objects.create(
        case_audit=case_audit,
        field="grade",
        before=case_audit.grade,
        after=grade,
        reason=reason,
        changed_by=user,
    )
    case_audit.grade = grade
    case_audit.escalated = grade == Grade.INADEQUATE
    case_audit.revision += 1
    save_with_history(case_audit, user=user, reason=reason)
    return case_audit


@transaction.atomic
def case_audit_moderated(*, case_audit: CaseAudit, user: User) -> CaseAudit:
    case_audit = _moderatable(case_audit)
    case_audit.status = CaseAudit.Status.MODERATED
    save_with_history(case_audit, user=user, reason="Moderated", update_fields=["status"])
    # The findings go to the case's worker and team manager, the first time it is moderated.
    sent = feedback.feedback_send(case_audit=case_audit, user=user)
    if sent is not None and sent.emailed_at is None:
        transaction.on_commit(lambda: tasks.feedback_email_task.delay(sent.pk))
    return case_audit


@transaction.atomic
def case_audit_return(*, case_audit: CaseAudit, user: User, reason: str) -> CaseAudit:
    reason = _require_reason(reason)
    case_audit = _moderatable(case_audit)
    ModerationChange.objects.create(
        case_audit=case_audit,
        field="status",
        before=case_audit.status,
        after=CaseAudit.Status.RETURNED,
        reason=reason,
        changed_by=user,
    )
    case_audit.status = CaseAudit.Status.RETURNED
    save_with_history(case_audit, user=user, reason=f"Returned: {reason}", update_fields=["status"])
    return case_audit


@transaction.atomic
def audit_lock(*, audit: Audit, user: User) -> Audit:
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    if audit.locked:
        return audit
    open_cases = audit.case_audits.exclude(status=CaseAudit.Status.MODERATED).count()
    if open_cases:
        raise ValidationError(f"{open_cases} case audit(s) are not yet moderated.")
    audit.locked_at, audit.locked_by = timezone.now(), user
    audit.status = Audit.Status.COMPLETE
    save_with_history(audit, user=user, reason="Locked")
    return audit


@transaction.atomic
def reaudit_create(*, audit: Audit, user: User, planned_month: datetime.date, same_cases: bool) -> Audit:
    """A new audit with the same tool version and sampling parameters: a fresh sample or the same cases."""
    new = audit_create(
        user=user,
        title=f"{audit.title} (re-audit)",
        tool_version=audit.tool_version,
        planned_month=planned_month,
        agencies=list(audit.agencies),
        programme=audit.programme,
        theme=audit.theme,
    )
    new.reaudit_of = audit
    save_with_history(new, user=user, reason=f"Re-audit of {audit.title}", update_fields=["reaudit_of"])
    teams = list(audit.frame_teams.all())
    if same_cases:
        for field in (
            "frame_type",
            "frame_start",
            "frame_end",
            "frame_outcome",
            "sample_size",
            "sample_percent",
            "stratify_by_team",
            "subsample_percent",
            "double_percent",
            "double_count",
            "seed",
        ):
            setattr(new, field, getattr(audit, field))
        new.exclude_recently_audited = False
        new.status = Audit.Status.SAMPLING
        save_with_history(new, user=user, reason="Sample copied from the audit re-audited")
        new.frame_teams.set(teams)
        originals = audit.case_audits.all()
        CaseAudit.objects.bulk_create(
            CaseAudit(
                audit=new,
                child_id=c.child_id,
                record_id=c.record_id,
                record_date=c.record_date,
                team_id=c.team_id,
                agency=c.agency,
                in_subsample=c.in_subsample,
                scoring=c.scoring,
            )
            for c in originals
        )
    else:
        sample_draw(
            audit=new,
            user=user,
            frame_type=audit.frame_type,
            frame_start=audit.frame_start,
            frame_end=audit.frame_end,
            teams=teams,
            outcome=audit.frame_outcome,
            size=audit.sample_size,
            percent=audit.sample_percent,
            stratify_by_team=audit.stratify_by_team,
            exclude_recently_audited=False,
            subsample_percent=audit.subsample_percent,
            double_percent=audit.double_percent,
            double_count=audit.double_count,
            seed=None,
        )
    return new


# The QA lead's pages: programmes, audit status, tool versions and assignment ----------------------


@transaction.atomic
def programme_create(*, user: User, title: str, year_start: datetime.date) -> AuditProgramme:
    programme = AuditProgramme(title=title.strip(), year_start=year_start, created_by=user)
    programme.full_clean(exclude=["created_by"])
    programme.save()
    return programme


@transaction.atomic
def programme_review_add(
    *, programme: AuditProgramme, user: User, reviewed_on: datetime.date, note: str
) -> ProgrammeReview:
    if not note.strip():
        raise ValidationError({"note": "Enter what the review found."})
    return ProgrammeReview.objects.create(
        programme=programme, reviewed_on=reviewed_on, note=note.strip(), reviewed_by=user
    )


@transaction.atomic
def audit_status_set(*, audit: Audit, user: User, status: str) -> Audit:
    """Sets the workflow status; the change and who made it are kept in the audit's history."""
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    if status not in Audit.Status.values:
        raise ValidationError({"status": "Choose a status from the list."})
    if audit.status == status:
        return audit
    if audit.locked and status not in (Audit.Status.COMPLETE, Audit.Status.REPORTED):
        raise ValidationError({"status": "The audit is locked: it can only be complete or reported."})
    before = audit.get_status_display()
    audit.status = status
    reason = f"status {before} -> {audit.get_status_display()} by {user.get_username()}"
    save_with_history(audit, user=user, reason=reason, update_fields=["status"])
    return audit


@transaction.atomic
def tool_version_create(
    *,
    base: ToolVersion,
    user: User,
    change_note: str,
    partly_counts_half: bool | None = None,
    texts: dict[int, str] | None = None,
    removed: set[int] | frozenset[int] = frozenset(),
    added: list[dict] | None = None,
) -> ToolVersion:
    """A new version of the base's tool: a copy of `base` with the changes applied. `base` is never changed.

    `texts` maps a base question's id to its new text; `removed` holds base question ids to leave out;
    `added` holds new questions ({"section": section order, "code", "text", "kind"}), put at the end of
    their section. Conditions (`applies_if`) point to the copies of the questions they pointed to.
    """
    texts, added = texts or {}, added or []
    tool = AuditTool.objects.select_for_update().get(pk=base.tool_id)
    sections = list(base.sections.order_by("order"))
    questions = list(Question.objects.filter(section__version=base).select_related("applies_if"))
    by_pk = {q.pk: q for q in questions}
    errors = [f"Question {pk} is not in {base}." for pk in sorted({*texts, *removed} - set(by_pk))]
    for question in questions:
        if question.pk not in removed and question.applies_if_id in removed:
            gate = question.applies_if
            assert gate is not None  # applies_if_id is set
            errors.append(
                f"{question.code} is asked only where {gate.code} is answered: "
                f"remove {question.code} too, or keep {gate.code}."
            )
    for pk, text in texts.items():
        if pk in by_pk and not text.strip():
            errors.append(f"Give the text of question {by_pk[pk].code}.")
    section_orders = {s.order for s in sections}
    codes = [q.code for q in questions if q.pk not in removed]
    for new in added:
        codes.append(new["code"])
        if new["section"] not in section_orders:
            errors.append(f"Choose a section for new question {new['code']}.")
        if new.get("kind", Question.Kind.RATING) not in Question.Kind.values:
            errors.append(f"Choose the kind of answer for new question {new['code']}.")
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        errors.append(f"Each question needs its own code: {', '.join(duplicates)} used more than once.")
    partly = base.partly_counts_half if partly_counts_half is None else partly_counts_half
    changed_texts = {pk for pk, text in texts.items() if pk in by_pk and text.strip() != by_pk[pk].text}
    if not errors and not (changed_texts or removed or added or partly != base.partly_counts_half):
        errors.append("Nothing has changed: edit, add or remove a question, or change the Partly setting.")
    if errors:
        raise ValidationError(errors)

    number = (tool.versions.aggregate(Max("number"))["number__max"] or 0) + 1
    version = ToolVersion.objects.create(
        tool=tool, number=number, partly_counts_half=partly, change_note=change_note.strip(), created_by=user
    )
    copies: dict[int, Question] = {}
    for section in sections:
        kept = [q for q in questions if q.section_id == section.pk and q.pk not in removed]
        new_here = [n for n in added if n["section"] == section.order]
        if not kept and not new_here:
            continue
        copy = Section.objects.create(version=version, order=section.order, title=section.title)
        for question in sorted(kept, key=lambda q: q.order):
            copies[question.pk] = Question.objects.create(
                section=copy,
                order=question.order,
                code=question.code,
                text=texts.get(question.pk, question.text).strip(),
                guidance=question.guidance,
                kind=question.kind,
                applies_if_values=list(question.applies_if_values),
                subsample_only=question.subsample_only,
                measures=question.measures,
            )
        order = max((q.order for q in kept), default=0)
        for offset, new in enumerate(new_here, start=1):
            Question.objects.create(
                section=copy,
                order=order + offset,
                code=new["code"].strip(),
                text=new["text"].strip(),
                kind=new.get("kind", Question.Kind.RATING),
            )
    # A second pass: a condition may point to any kept question, so every copy must exist first.
    gated = []
    for question in questions:
        if question.pk in copies and question.applies_if_id:
            copies[question.pk].applies_if = copies[question.applies_if_id]
            gated.append(copies[question.pk])
    Question.objects.bulk_update(gated, ["applies_if"])
    return version


def auditor_agency(user: User) -> str | None:
    """The agency a user audits for: an Auditor without a profile audits for social care."""
    profile = getattr(user, "auditor_profile", None)
    if profile is not None:
        return profile.agency
    return Agency.SOCIAL_CARE if roles.has_role(user, roles.AUDITOR) else None


def auditor_fits(user: User, agency: str) -> bool:
    """An Auditor or partner agency auditor who audits for the case audit's agency (as access.py shows it)."""
    return roles.has_role(user, roles.AUDITOR, roles.PARTNER_AUDITOR) and auditor_agency(user) == agency


@transaction.atomic
def case_audits_assign(
    *,
    audit: Audit,
    user: User,
    assignments: list[tuple[CaseAudit, User | None, datetime.date | None]],
) -> int:
    """Assigns many case audits at once: all of them or, if any row is wrong, none. Returns rows changed."""
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    if audit.sample_confirmed_at is None:
        raise ValidationError("Confirm the sample before assigning auditors.")
    errors = []
    for case_audit, auditor, _due in assignments:
        if case_audit.audit_id != audit.pk:
            errors.append(f"Case {case_audit.child.child_id} is not in this audit.")
        elif auditor is not None and not auditor_fits(auditor, case_audit.agency):
            errors.append(
                f"{person_name(auditor)} cannot audit case {case_audit.child.child_id} for "
                f"{case_audit.get_agency_display().lower()}: choose an auditor from that agency."
            )
    errors += _same_auditor_twice(audit, assignments)
    if errors:
        raise ValidationError(errors)
    changed = 0
    for case_audit, auditor, due_date in assignments:
        if (case_audit.auditor_id, case_audit.due_date) != (auditor.pk if auditor else None, due_date):
            case_audit_assign(case_audit=case_audit, auditor=auditor, due_date=due_date, user=user)
            changed += 1
    return changed


def _same_auditor_twice(
    audit: Audit, assignments: list[tuple[CaseAudit, User | None, datetime.date | None]]
) -> list[str]:
    """A double-scored case needs two different auditors: the errors for the pairs that would have one twice,
    reading each scoring's auditor as it will be after these assignments."""
    after: dict[tuple[int, str, int], int | None] = {
        (c.record_id, c.agency, c.scoring): c.auditor_id
        for c in CaseAudit.objects.filter(
            audit=audit, record_id__in=[c.record_id for c, _a, _d in assignments]
        )
    }
    for case_audit, auditor, _due in assignments:
        after[(case_audit.record_id, case_audit.agency, case_audit.scoring)] = auditor.pk if auditor else None
    errors = []
    for case_audit, auditor, _due in assignments:
        if case_audit.scoring != 2 or auditor is None:
            continue
        if after.get((case_audit.record_id, case_audit.agency, 1)) == auditor.pk:
            errors.append(
                f"Select a different auditor for the second scoring of case {case_audit.child.child_id}: "
                f"{person_name(auditor)} is its first auditor, and a case scored twice needs two auditors."
            )
    return errors


# Double scoring: reconciling the two blind scorings of a case -----------------------------------------


@transaction.atomic
def pair_reconcile(
    *, first: CaseAudit, user: User, decisions: dict[int, tuple[str, str]]
) -> list[ReconciledAnswer]:
    """Records the agreed answer, with its reason, for every question the two scorings answered differently.

    `decisions` maps a question pk to (agreed value, reason): one for each disagreement, each with a reason.
    Neither scoring's own answers change. Reconciling again replaces the earlier agreed answers.
    """
    first = _lock_case_audit(first)
    pair = double.pair_for(first)
    if pair is None:
        raise ValidationError("This case is not scored twice.")
    if first.audit.locked:
        raise ValidationError("The audit is locked.")
    if not pair.both_submitted:
        raise ValidationError("Both scorings must be submitted before they are reconciled.")
    if user.pk in (pair.first.auditor_id, pair.second.auditor_id):
        raise ValidationError("An auditor who scored this case cannot reconcile it: ask another moderator.")
    found = double.disagreements(pair, _questions(first))
    errors: dict[str, list[str]] = {}
    for item in found:
        value, reason = decisions.get(item.question.pk, ("", ""))
        if value not in Answer.Value.values:
            errors.setdefault(f"value_{item.question.pk}", []).append(
                f"Select the agreed answer to question {item.question.code}"
            )
        if not reason.strip():
            errors.setdefault(f"reason_{item.question.pk}", []).append(
                f"Enter the reason for the agreed answer to question {item.question.code}"
            )
    if errors:
        raise ValidationError(errors)
    ReconciledAnswer.objects.filter(case_audit=first).delete()
    agreed = ReconciledAnswer.objects.bulk_create(
        ReconciledAnswer(
            case_audit=first,
            question=item.question,
            value=decisions[item.question.pk][0],
            first_value=item.first,
            second_value=item.second,
            reason=decisions[item.question.pk][1].strip(),
            decided_by=user,
        )
        for item in found
    )
    first.reconciled_at, first.reconciled_by = timezone.now(), user
    summary = "; ".join(
        f"{item.question.code}: {item.first or '-'} / {item.second or '-'} -> {decisions[item.question.pk][0]}"
        for item in found
    )
    save_with_history(
        first,
        user=user,
        reason=f"Double scoring reconciled: {summary or 'no disagreements'}",
        update_fields=["reconciled_at", "reconciled_by"],
    )
    return agreed
