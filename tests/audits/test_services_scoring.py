"""Scoring services: answers and grades with optimistic locking, and submitting a case audit."""

import pytest
from django.core.exceptions import ValidationError

from audits import services
from audits.models import Answer, CaseAudit, Question
from tests.factories import AuditFactory, CaseAuditFactory, UserFactory, tool_version

pytestmark = pytest.mark.django_db

DOMESTIC_ABUSE = "Domestic abuse"
S47 = "S47 and information sharing"


def case_audit_for(tool: str, auditor, **kwargs) -> CaseAudit:
    if "audit" not in kwargs:
        kwargs["audit"] = AuditFactory.create(tool_version=tool_version(tool))
    return CaseAuditFactory.create(auditor=auditor, **kwargs)


def questions(case_audit: CaseAudit) -> dict[str, Question]:
    return {q.code: q for q in Question.objects.filter(section__version=case_audit.audit.tool_version)}


def answer(case_audit: CaseAudit, code: str, user, value: str = "yes", **kwargs) -> Answer:
    question = questions(case_audit)[code]
    stored = Answer.objects.filter(case_audit=case_audit, question=question).first()
    return services.answer_save(
        case_audit=case_audit,
        question=question,
        user=user,
        value=value,
        revision=stored.revision if stored else 0,
        **kwargs,
    )


def answer_all(
    case_audit: CaseAudit, user, value: str = "yes", skip: tuple[str, ...] = (), **kwargs: str
) -> None:
    """Answers every rating question in order (so gates are answered before the questions they open);
    `kwargs` go with each answer (an `override_reason` where the answers differ from the case record)."""
    ordered = Question.objects.filter(section__version=case_audit.audit.tool_version).order_by(
        "section__order", "order"
    )
    for question in ordered:
        if question.kind == Question.Kind.RATING and question.code not in skip:
            answer(case_audit, question.code, user, value, **kwargs)


@pytest.fixture
def case_audit(auditor) -> CaseAudit:
    return case_audit_for(DOMESTIC_ABUSE, auditor)


def test_the_first_save_creates_the_answer_at_revision_1_and_starts_the_case_audit(case_audit, auditor):
    saved = answer(case_audit, "D1", auditor, "partly", evidence="Police shared the log late.")
    assert (saved.value, saved.evidence, saved.revision, saved.updated_by) == (
        "partly",
        "Police shared the log late.",
        1,
        auditor,
    )
    case_audit.refresh_from_db()
    assert case_audit.status == CaseAudit.Status.IN_PROGRESS


def test_a_save_from_the_current_revision_updates_the_answer_to_the_next_revision(case_audit, auditor):
    first = answer(case_audit, "D1", auditor, "partly")
    second = services.answer_save(
        case_audit=case_audit, question=first.question, user=auditor, value="yes", revision=1
    )
    assert second.pk == first.pk
    assert (second.value, second.revision) == ("yes", 2)


def test_a_field_not_given_keeps_what_is_stored_and_an_empty_one_clears_it(case_audit, auditor):
    first = answer(case_audit, "D1", auditor, "partly", evidence="Police shared late")
    notes_only = services.answer_save(
        case_audit=case_audit, question=first.question, user=auditor, evidence="Shared on day 3", revision=1
    )
    assert (notes_only.value, notes_only.evidence, notes_only.revision) == ("partly", "Shared on day 3", 2)
    cleared = services.answer_save(
        case_audit=case_audit, question=first.question, user=auditor, evidence="", revision=2
    )
    assert (cleared.value, cleared.evidence, cleared.revision) == ("partly", "", 3)


def test_a_stale_revision_raises_an_edit_conflict_and_leaves_the_stored_answer_unchanged(case_audit, auditor):
    colleague = UserFactory.create(username="auditor-bea")
    stored = answer(case_audit, "D1", colleague, "no", evidence="No police checks.")
    with pytest.raises(services.EditConflict) as conflict:
        services.answer_save(
            case_audit=case_audit, question=stored.question, user=auditor, value="yes", revision=0
        )
    assert conflict.value.current == stored
    assert "auditor-bea saved question D1" in str(conflict.value)
    stored.refresh_from_db()
    assert (stored.value, stored.evidence, stored.revision, stored.updated_by) == (
        "no",
        "No police checks.",
        1,
        colleague,
    )


def test_a_revision_for_an_answer_that_does_not_exist_is_a_conflict_not_a_crash(case_audit, auditor):
    question = questions(case_audit)["D1"]
    with pytest.raises(services.EditConflict) as conflict:
        services.answer_save(case_audit=case_audit, question=question, user=auditor, value="yes", revision=3)
    assert conflict.value.current is None
    assert not Answer.objects.exists()


def test_saving_the_same_values_again_is_a_no_op(case_audit, auditor):
    first = answer(case_audit, "D1", auditor, "yes", evidence="Clear")
    history = first.history.count()
    again = services.answer_save(
        case_audit=case_audit,
        question=first.question,
        user=auditor,
        value="yes",
        evidence="Clear",
        revision=1,
    )
    assert again.revision == 1
    assert again.history.count() == history


def test_a_free_text_question_takes_no_rating(case_audit, auditor):
    with pytest.raises(ValidationError):
        answer(case_audit, "F1", auditor, "yes")


def test_a_question_from_another_tool_is_refused(case_audit, auditor):
    other = Question.objects.filter(section__version=tool_version(S47)).first()
    assert other is not None
    with pytest.raises(ValidationError):
        services.answer_save(case_audit=case_audit, question=other, user=auditor, value="yes", revision=0)


def test_grade_save_moves_the_revision_on_and_a_stale_grade_is_a_conflict(case_audit, auditor):
    services.grade_save(case_audit=case_audit, user=auditor, grade="good", note="Sound work", revision=0)
    case_audit.refresh_from_db()
    assert (case_audit.grade, case_audit.grade_note, case_audit.revision) == ("good", "Sound work", 1)
    with pytest.raises(services.EditConflict):
        services.grade_save(case_audit=case_audit, user=auditor, grade="inadequate", revision=0)
    case_audit.refresh_from_db()
    assert case_audit.grade == "good"


def test_submit_refuses_while_applicable_questions_are_unanswered_naming_each(case_audit, auditor):
    answer_all(case_audit, auditor, skip=("D2", "D13"))
    services.grade_save(case_audit=case_audit, user=auditor, grade="good", revision=0)
    with pytest.raises(ValidationError) as error:
        services.case_audit_submit(case_audit=case_audit, user=auditor)
    assert [m.split(":")[0] for m in error.value.messages] == ["Answer question D2", "Answer question D13"]
    case_audit.refresh_from_db()
    assert case_audit.status == CaseAudit.Status.IN_PROGRESS


def test_submit_ignores_conditional_questions_whose_gate_does_not_hold(case_audit, auditor):
    """D4 No closes D5 and D6, and so D7; D8 No closes D9."""
    answer_all(case_audit, auditor, skip=("D4", "D5", "D6", "D7", "D8", "D9"))
    answer(case_audit, "D4", auditor, "no")
    answer(case_audit, "D8", auditor, "no")
    services.grade_save(case_audit=case_audit, user=auditor, grade="good", revision=0)
    submitted = services.case_audit_submit(case_audit=case_audit, user=auditor)
    assert submitted.status == CaseAudit.Status.SUBMITTED
    assert submitted.submitted_at is not None


def test_an_answer_left_on_a_closed_gate_does_not_reopen_the_questions_after_it(case_audit, auditor):
    """D7 hangs on D6, D6 on D4. D6 was answered Yes, then D4 changed to No: D6 is not asked, so its Yes
    opens nothing and D7 is not required."""
    answer_all(case_audit, auditor, skip=("D7",))
    answer(case_audit, "D4", auditor, "no")
    services.grade_save(case_audit=case_audit, user=auditor, grade="good", revision=0)
    submitted = services.case_audit_submit(case_audit=case_audit, user=auditor)
    assert submitted.status == CaseAudit.Status.SUBMITTED


def test_submit_requires_a_conditional_question_once_its_gate_holds(case_audit, auditor):
    answer_all(case_audit, auditor, skip=("D5",))
    services.grade_save(case_audit=case_audit, user=auditor, grade="good", revision=0)
    with pytest.raises(ValidationError) as error:
        services.case_audit_submit(case_audit=case_audit, user=auditor)
    assert [m.split(":")[0] for m in error.value.messages] == ["Answer question D5"]


def test_submit_ignores_subsample_only_questions_outside_the_subsample(auditor):
    case_audit = case_audit_for(S47, auditor, in_subsample=False)
    answer_all(case_audit, auditor, skip=("C1", "C2", "C3"))
    services.grade_save(case_audit=case_audit, user=auditor, grade="requires_improvement", revision=0)
    assert (
        services.case_audit_submit(case_audit=case_audit, user=auditor).status == CaseAudit.Status.SUBMITTED
    )


def test_submit_requires_subsample_only_questions_in_the_subsample(auditor):
    case_audit = case_audit_for(S47, auditor, in_subsample=True)
    answer_all(case_audit, auditor, skip=("C1", "C2", "C3"))
    services.grade_save(case_audit=case_audit, user=auditor, grade="good", revision=0)
    with pytest.raises(ValidationError) as error:
        services.case_audit_submit(case_audit=case_audit, user=auditor)
    # C2 applies only where C1 is Yes or Partly; with C1 unanswered it is not asked yet.
    assert [m.split(":")[0] for m in error.value.messages] == ["Answer question C1", "Answer question C3"]


def test_submit_without_a_grade_is_refused(case_audit, auditor):
    answer_all(case_audit, auditor)
    with pytest.raises(ValidationError) as error:
        services.case_audit_submit(case_audit=case_audit, user=auditor)
    assert error.value.messages == ["Give an overall grade."]


def test_an_inadequate_grade_is_escalated_on_submit(case_audit, auditor):
    answer_all(case_audit, auditor, value="no")
    services.grade_save(case_audit=case_audit, user=auditor, grade="inadequate", revision=0)
    submitted = services.case_audit_submit(case_audit=case_audit, user=auditor)
    assert submitted.escalated is True


def test_a_submitted_case_audit_takes_no_more_answers_or_grades(case_audit, auditor):
    answer_all(case_audit, auditor)
    services.grade_save(case_audit=case_audit, user=auditor, grade="good", revision=0)
    services.case_audit_submit(case_audit=case_audit, user=auditor)
    with pytest.raises(ValidationError):
        answer(case_audit, "D1", auditor, "no")
    with pytest.raises(ValidationError):
        services.grade_save(case_audit=case_audit, user=auditor, grade="outstanding", revision=1)
    with pytest.raises(ValidationError):
        services.case_audit_submit(case_audit=case_audit, user=auditor)


# Many answers at once (the answers workbook import) ------------------------------------------------------


def _edit(
    case_audit: CaseAudit, values: dict[str, str], *, grade=None, revisions=None
) -> services.CaseAuditEdit:
    by_code, revisions = questions(case_audit), revisions or {}
    return services.CaseAuditEdit(
        case_audit=case_audit,
        answers=[
            services.AnswerEdit(
                question=by_code[c], value=v, text="", evidence="", revision=revisions.get(c, 0)
            )
            for c, v in values.items()
        ],
        grade=grade,
        grade_revision=case_audit.revision,
    )


def test_many_answers_and_grades_save_at_once_with_a_history_row_each(auditor):
    """Two case audits: D1 and D2 new on the first (and its grade), D1 changed on the second."""
    audit = AuditFactory.create(tool_version=tool_version(DOMESTIC_ABUSE))
    first, second = (case_audit_for(DOMESTIC_ABUSE, auditor, audit=audit) for _ in range(2))
    answer(second, "D1", auditor, "no")
    saved = services.answers_save_many(
        edits=[
            _edit(first, {"D1": "yes", "D2": "partly"}, grade="good"),
            _edit(second, {"D1": "yes"}, revisions={"D1": 1}),
        ],
        user=auditor,
        reason="Imported from answers.xlsx",
    )
    assert saved == (3, 1)
    stored = {
        (a.case_audit_id, a.question.code): (a.value, a.revision, a.updated_by) for a in Answer.objects.all()
    }
    assert stored == {
        (first.pk, "D1"): ("yes", 1, auditor),
        (first.pk, "D2"): ("partly", 1, auditor),
        (second.pk, "D1"): ("yes", 2, auditor),
    }
    first.refresh_from_db()
    assert (first.grade, first.revision, first.status) == ("good", 1, CaseAudit.Status.IN_PROGRESS)
    imported = Answer.history.filter(history_change_reason="Imported from answers.xlsx")
    assert sorted((h.history_type, h.value, h.history_user) for h in imported) == [
        ("+", "partly", auditor),
        ("+", "yes", auditor),
        ("~", "yes", auditor),
    ]
    grade_history = first.history.filter(history_change_reason="Imported from answers.xlsx").get()
    assert (grade_history.grade, grade_history.history_user) == ("good", auditor)


@pytest.mark.parametrize("stale", ["answer", "grade"])
def test_one_stale_revision_saves_nothing_of_any_case_audit_and_names_its_case_audit(auditor, stale):
    audit = AuditFactory.create(tool_version=tool_version(DOMESTIC_ABUSE))
    first, second = (case_audit_for(DOMESTIC_ABUSE, auditor, audit=audit) for _ in range(2))
    answer(second, "D1", auditor, "no")
    # The edit was made from D1 at revision 1 and the grade at revision 1; one of them has moved on since.
    edit = _edit(second, {"D1": "yes"}, revisions={"D1": 1}, grade="inadequate")
    if stale == "answer":
        answer(second, "D1", UserFactory.create(), "partly")
    else:
        services.grade_save(
            case_audit=second, user=UserFactory.create(), grade="requires_improvement", revision=0
        )
    second.refresh_from_db()
    before = (Answer.history.count(), CaseAudit.history.count())
    with pytest.raises(services.EditConflict) as error:
        services.answers_save_many(edits=[_edit(first, {"D1": "yes"}), edit], user=auditor)
    assert getattr(error.value, "case_audit_id", None) == second.pk  # set by services._about
    assert not Answer.objects.filter(case_audit=first).exists()
    assert Answer.objects.get(case_audit=second).value == ("partly" if stale == "answer" else "no")
    second.refresh_from_db()
    assert second.grade == ("" if stale == "answer" else "requires_improvement")
    assert (Answer.history.count(), CaseAudit.history.count()) == before


def test_many_answers_keep_answer_saves_checks(auditor):
    audit = AuditFactory.create(tool_version=tool_version(DOMESTIC_ABUSE))
    closed = case_audit_for(DOMESTIC_ABUSE, auditor, audit=audit, status=CaseAudit.Status.SUBMITTED)
    open_ = case_audit_for(DOMESTIC_ABUSE, auditor, audit=audit)
    with pytest.raises(ValidationError, match="submitted: answers are closed") as error:
        services.answers_save_many(edits=[_edit(closed, {"D1": "yes"})], user=auditor)
    assert getattr(error.value, "case_audit_id", None) == closed.pk
    with pytest.raises(ValidationError, match="Choose Yes, Partly, No or Not applicable"):
        services.answers_save_many(edits=[_edit(open_, {"D1": "maybe"})], user=auditor)
    with pytest.raises(ValidationError, match="takes text, not a rating"):
        services.answers_save_many(edits=[_edit(open_, {"F1": "yes"})], user=auditor)
    with pytest.raises(ValidationError, match="Choose a grade"):
        services.answers_save_many(edits=[_edit(open_, {}, grade="excellent")], user=auditor)
    assert not Answer.objects.exists()


def test_saving_the_same_answers_again_writes_nothing(auditor):
    case_audit = case_audit_for(DOMESTIC_ABUSE, auditor)
    answer(case_audit, "D1", auditor, "yes")
    before = Answer.history.count()
    assert services.answers_save_many(
        edits=[_edit(case_audit, {"D1": "yes"}, revisions={"D1": 1})], user=auditor
    ) == (0, 0)
    assert Answer.history.count() == before
