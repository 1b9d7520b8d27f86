"""Moderation services: changes with a reason (the original kept), returning, marking moderated, locking."""

import pytest
from django.core.exceptions import ValidationError

from audits import services
from audits.models import Answer, Audit, CaseAudit, ModerationChange, Question
from tests.audits.test_services_scoring import (
    DOMESTIC_ABUSE,
    S47,
    answer,
    answer_all,
    case_audit_for,
    questions,
)
from tests.factories import CaseAuditFactory, tool_version

pytestmark = pytest.mark.django_db


def submitted(auditor, grade: str = "good", **kwargs) -> CaseAudit:
    case_audit = case_audit_for(DOMESTIC_ABUSE, auditor, **kwargs)
    answer_all(case_audit, auditor)
    services.grade_save(case_audit=case_audit, user=auditor, grade=grade, revision=0)
    return services.case_audit_submit(case_audit=case_audit, user=auditor)


@pytest.fixture
def case_audit(auditor) -> CaseAudit:
    return submitted(auditor)


@pytest.mark.parametrize("reason", ["", "   "])
def test_changing_an_answer_needs_a_reason(case_audit, moderator, reason):
    question = questions(case_audit)["D1"]
    with pytest.raises(ValidationError) as error:
        services.answer_moderate(
            case_audit=case_audit, question=question, user=moderator, value="no", reason=reason
        )
    assert error.value.message_dict == {"reason": ["Enter the reason for the change."]}
    assert Answer.objects.get(case_audit=case_audit, question=question).value == "yes"
    assert not ModerationChange.objects.exists()


def test_changing_an_answer_records_before_after_and_reason_and_keeps_the_original(case_audit, moderator):
    question = questions(case_audit)["D1"]
    changed = services.answer_moderate(
        case_audit=case_audit,
        question=question,
        user=moderator,
        value="partly",
        reason="Police not consulted",
    )
    assert (changed.value, changed.revision, changed.updated_by) == ("partly", 2, moderator)
    change = ModerationChange.objects.get()
    assert (change.question, change.field, change.before, change.after, change.reason, change.changed_by) == (
        question,
        "value",
        "yes",
        "partly",
        "Police not consulted",
        moderator,
    )
    assert changed.history.earliest().value == "yes"


def test_changing_an_answer_to_its_current_value_records_nothing(case_audit, moderator):
    question = questions(case_audit)["D1"]
    services.answer_moderate(
        case_audit=case_audit, question=question, user=moderator, value="yes", reason="Agreed"
    )
    assert not ModerationChange.objects.exists()


def test_a_free_text_answer_or_another_tools_question_cannot_be_moderated(case_audit, moderator):
    other_tool = Question.objects.filter(section__version=tool_version(S47), kind="rating").first()
    assert other_tool is not None
    for question in (questions(case_audit)["F1"], other_tool):
        with pytest.raises(ValidationError):
            services.answer_moderate(
                case_audit=case_audit, question=question, user=moderator, value="no", reason="x"
            )
    assert not ModerationChange.objects.exists()


def test_changing_the_grade_records_it_and_escalates_an_inadequate_grade(case_audit, moderator):
    services.grade_moderate(case_audit=case_audit, user=moderator, grade="inadequate", reason="Risk missed")
    case_audit.refresh_from_db()
    assert (case_audit.grade, case_audit.escalated) == ("inadequate", True)
    change = ModerationChange.objects.get()
    assert (change.field, change.before, change.after, change.reason) == (
        "grade",
        "good",
        "inadequate",
        "Risk missed",
    )


def test_changing_the_grade_needs_a_reason(case_audit, moderator):
    with pytest.raises(ValidationError):
        services.grade_moderate(case_audit=case_audit, user=moderator, grade="inadequate", reason="")
    case_audit.refresh_from_db()
    assert case_audit.grade == "good"


def test_returning_reopens_the_case_audit_for_its_auditor(case_audit, auditor, moderator):
    services.case_audit_return(case_audit=case_audit, user=moderator, reason="Check D1 evidence")
    case_audit.refresh_from_db()
    assert case_audit.status == CaseAudit.Status.RETURNED
    assert ModerationChange.objects.get().after == CaseAudit.Status.RETURNED
    answer(case_audit, "D1", auditor, "partly", evidence="Checked again")
    assert (
        services.case_audit_submit(case_audit=case_audit, user=auditor).status == CaseAudit.Status.SUBMITTED
    )


def test_returning_needs_a_reason(case_audit, moderator):
    with pytest.raises(ValidationError):
        services.case_audit_return(case_audit=case_audit, user=moderator, reason=" ")
    case_audit.refresh_from_db()
    assert case_audit.status == CaseAudit.Status.SUBMITTED


def test_a_case_audit_still_being_scored_cannot_be_moderated(auditor, moderator):
    case_audit = case_audit_for(DOMESTIC_ABUSE, auditor)
    with pytest.raises(ValidationError):
        services.case_audit_moderated(case_audit=case_audit, user=moderator)
    with pytest.raises(ValidationError):
        services.grade_moderate(case_audit=case_audit, user=moderator, grade="good", reason="x")


def test_lock_refuses_until_every_case_audit_is_moderated_then_locks_and_completes(
    case_audit, auditor, moderator
):
    audit = case_audit.audit
    other = submitted(auditor, audit=audit)
    services.case_audit_moderated(case_audit=case_audit, user=moderator)
    with pytest.raises(ValidationError) as error:
        services.audit_lock(audit=audit, user=moderator)
    assert error.value.messages == ["1 case audit(s) are not yet moderated."]
    audit.refresh_from_db()
    assert audit.locked_at is None

    services.case_audit_moderated(case_audit=other, user=moderator)
    services.audit_lock(audit=audit, user=moderator)
    audit.refresh_from_db()
    assert (audit.locked, audit.locked_by, audit.status) == (True, moderator, Audit.Status.COMPLETE)


def test_a_locked_audit_refuses_further_moderation(case_audit, moderator):
    services.case_audit_moderated(case_audit=case_audit, user=moderator)
    services.audit_lock(audit=case_audit.audit, user=moderator)
    question = questions(case_audit)["D1"]
    with pytest.raises(ValidationError, match="locked"):
        services.answer_moderate(
            case_audit=case_audit, question=question, user=moderator, value="no", reason="x"
        )
    with pytest.raises(ValidationError, match="locked"):
        services.grade_moderate(case_audit=case_audit, user=moderator, grade="inadequate", reason="x")
    with pytest.raises(ValidationError, match="locked"):
        services.case_audit_return(case_audit=case_audit, user=moderator, reason="x")
    assert not ModerationChange.objects.exists()


def test_locking_a_locked_audit_changes_nothing(case_audit, moderator, administrator):
    services.case_audit_moderated(case_audit=case_audit, user=moderator)
    first = services.audit_lock(audit=case_audit.audit, user=moderator)
    again = services.audit_lock(audit=case_audit.audit, user=administrator)
    assert (again.locked_at, again.locked_by) == (first.locked_at, moderator)


def test_an_unassigned_case_audit_in_the_audit_still_blocks_the_lock(case_audit, moderator):
    CaseAuditFactory.create(audit=case_audit.audit)
    services.case_audit_moderated(case_audit=case_audit, user=moderator)
    with pytest.raises(ValidationError):
        services.audit_lock(audit=case_audit.audit, user=moderator)
