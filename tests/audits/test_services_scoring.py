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
        kwargs["audit"] = AuditFactory(tool_version=tool_version(tool))
    return CaseAuditFactory(auditor=auditor, **kwargs)


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


def answer_all(case_audit: CaseAudit, user, value: str = "yes", skip: tuple[str, ...] = ()) -> None:
    """Answers every rating question in order (so gates are answered before the questions they open)."""
    ordered = Question.objects.filter(section__version=case_audit.audit.tool_version).order_by(
        "section__order", "order"
    )
    for question in ordered:
        if question.kind == Question.Kind.RATING and question.code not in skip:
            answer(case_audit, question.code, user, value)


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


def test_a_stale_revision_raises_an_edit_conflict_and_leaves_the_stored_answer_unchanged(case_audit, auditor):
    colleague = UserFactory(username="auditor-bea")
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
