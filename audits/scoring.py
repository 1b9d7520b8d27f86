"""Which questions apply to a case audit, and what is still missing before it can be submitted."""

from collections.abc import Iterable, Mapping

from audits.models import Answer, CaseAudit, Question


def question_applies(question: Question, case_audit: CaseAudit, answers: Mapping[int, Answer]) -> bool:
    if question.subsample_only and not case_audit.in_subsample:
        return False
    if question.applies_if_id is None:
        return True
    gate = answers.get(question.applies_if_id)
    return gate is not None and gate.value in question.applies_if_values


def missing_answers(
    case_audit: CaseAudit, questions: Iterable[Question], answers: Mapping[int, Answer]
) -> list:
    """Applicable questions with no answer (rating questions need a value; text questions may be blank)."""
    missing = []
    for question in questions:
        if question.kind != Question.Kind.RATING or not question_applies(question, case_audit, answers):
            continue
        answer = answers.get(question.pk)
        if answer is None or not answer.value:
            missing.append(question)
    return missing
