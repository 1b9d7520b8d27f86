"""Shared objects for the double-scoring tests: an audit with double-scored cases and their answers."""

import datetime

from django.contrib.auth.models import User
from django.utils import timezone

from audits.models import Answer, Audit, CaseAudit, Question
from tests.factories import AuditFactory, CaseAuditFactory, ChildFactory, S47EnquiryFactory, tool_version


def question(audit: Audit, code: str) -> Question:
    return Question.objects.get(section__version=audit.tool_version_id, code=code)


def answer(
    case_audit: CaseAudit, code: str, value: str = "", *, evidence: str = "", text: str = ""
) -> Answer:
    return Answer.objects.create(
        case_audit=case_audit,
        question=question(case_audit.audit, code),
        value=value,
        evidence=evidence,
        text=text,
    )


def double_audit() -> Audit:
    return AuditFactory.create(
        tool_version=tool_version("Domestic abuse"), sample_confirmed_at=timezone.now(), status="in_progress"
    )


def pair(
    audit: Audit,
    auditors: tuple[User, User],
    first: dict[str, str],
    second: dict[str, str],
    *,
    submitted: tuple[bool, bool] = (True, True),
    child_id: str = "",
) -> tuple[CaseAudit, CaseAudit]:
    """A double-scored case: its two scorings with these answers (code -> value), submitted or in progress."""
    first_auditor, second_auditor = auditors
    child = ChildFactory.create(**({"child_id": child_id} if child_id else {}))
    record = S47EnquiryFactory.create(child=child, start_date=datetime.date(2014, 1, 6))
    scorings = []
    for scoring, (auditor, answers, done) in enumerate(
        ((first_auditor, first, submitted[0]), (second_auditor, second, submitted[1])), start=1
    ):
        case_audit = CaseAuditFactory.create(
            audit=audit,
            child=child,
            record_id=record.pk,
            record_date=record.start_date,
            scoring=scoring,
            auditor=auditor,
            status=CaseAudit.Status.SUBMITTED if done else CaseAudit.Status.IN_PROGRESS,
            grade="good" if done else "",
            submitted_at=timezone.now() if done else None,
        )
        for code, value in answers.items():
            answer(case_audit, code, value)
        scorings.append(case_audit)
    return scorings[0], scorings[1]
