"""How far each case audit's scoring has got: "7 of 10 answered", the questions asked of that case.

Questions asked follow the one rule in audits/scoring.py (sub-sample and conditional questions), so a
case whose gate answer turns a question off has one fewer to answer. Text questions may stay blank and
are not counted.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from audits.models import Answer, CaseAudit, Question
from audits.scoring import question_applies


@dataclass(frozen=True)
class Progress:
    answered: int
    asked: int

    def __str__(self) -> str:
        return f"{self.answered} of {self.asked} answered"


def scoring_progress(case_audits: Iterable[CaseAudit]) -> dict[int, Progress]:
    """Case audit pk -> its progress, in two queries however many case audits and questions."""
    case_audits = list(case_audits)
    if not case_audits:
        return {}
    questions: dict[int, list[Question]] = defaultdict(list)
    for question in Question.objects.filter(
        section__version_id__in={c.audit.tool_version_id for c in case_audits}
    ).select_related("section"):
        questions[question.section.version_id].append(question)
    answers: dict[int, dict[int, Answer]] = defaultdict(dict)
    for answer in Answer.objects.filter(case_audit__in=case_audits).only(
        "case_audit_id", "question_id", "value"
    ):
        answers[answer.case_audit_id][answer.question_id] = answer
    return {c.pk: progress_of(c, questions[c.audit.tool_version_id], answers[c.pk]) for c in case_audits}


def progress_of(case_audit: CaseAudit, questions: list[Question], answers: dict[int, Answer]) -> Progress:
    """One case audit's progress from its tool's questions and its answers (question pk -> answer)."""
    by_pk = {q.pk: q for q in questions}
    asked = [
        q
        for q in questions
        if q.kind == Question.Kind.RATING and question_applies(q, case_audit, answers, by_pk)
    ]
    answered = sum(1 for q in asked if q.pk in answers and answers[q.pk].value)
    return Progress(answered, len(asked))
