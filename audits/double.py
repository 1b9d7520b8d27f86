"""Double scoring (reads only): the pairs of blind scorings of the same case, where they disagree, and how far
auditors agree (per question, per pair of auditors, over the audit, and for each auditor across audits).

A double-scored case has two case audits for the same record and agency: `scoring` 1 and `scoring` 2, each
for a different auditor. Until both are submitted neither auditor sees the other's (audits.access); once
both are, a moderator reconciles the questions they answered differently (services.pair_reconcile), and the
results count the case once, with the agreed answers (audits.results).

The agreement arithmetic is audits.agreement's (statsmodels' Cohen's kappa); this module only pairs answers.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db.models import Q

from accounts.people import person_name
from audits.access import SUBMITTED_STATUSES
from audits.agreement import Agreement, agreement, is_poor
from audits.models import Answer, Audit, CaseAudit, ModerationChange, Question, ReconciledAnswer
from audits.scoring import question_applies

LABELS = dict(Answer.Value.choices)


def _asked_value(question: Question, case_audit: CaseAudit, answers: dict[int, Answer], by_pk) -> str:
    """The answer's value where the question is asked of the case; "" where it is not, or is unanswered."""
    answer = answers.get(question.pk)
    if answer is None or not question_applies(question, case_audit, answers, by_pk):
        return ""
    return answer.value


@dataclass(frozen=True)
class Disagreement:
    question: Question
    first: str  # Answer.Value, or "" (not asked or not answered)
    second: str
    agreed: ReconciledAnswer | None

    @property
    def first_label(self) -> str:
        return LABELS.get(self.first, "Not asked")

    @property
    def second_label(self) -> str:
        return LABELS.get(self.second, "Not asked")


@dataclass
class Pair:
    """A double-scored case: its first and second scorings."""

    first: CaseAudit
    second: CaseAudit
    answers: dict[int, dict[int, Answer]] = field(
        default_factory=dict
    )  # case audit pk -> question pk -> answer

    @property
    def both_submitted(self) -> bool:
        return self.first.status in SUBMITTED_STATUSES and self.second.status in SUBMITTED_STATUSES

    @property
    def submitted_count(self) -> int:
        return sum(c.status in SUBMITTED_STATUSES for c in (self.first, self.second))

    @property
    def reconciled(self) -> bool:
        return self.first.reconciled_at is not None

    @property
    def auditors(self) -> tuple[str, str]:
        return person_name(self.first.auditor, nobody="Not assigned"), person_name(
            self.second.auditor, nobody="Not assigned"
        )

    def values(self, question: Question, by_pk) -> tuple[str, str]:
        return (
            _asked_value(question, self.first, self.answers.get(self.first.pk, {}), by_pk),
            _asked_value(question, self.second, self.answers.get(self.second.pk, {}), by_pk),
        )


def questions_of(audit: Audit) -> list[Question]:
    return list(
        Question.objects.filter(section__version=audit.tool_version_id)
        .select_related("section")
        .order_by("section__order", "order")
    )


def audit_pairs(audit: Audit, *, with_answers: bool = True) -> list[Pair]:
    """The audit's double-scored cases, in sample order, with both scorings' answers (four queries)."""
    case_audits = list(
        CaseAudit.objects.filter(
            audit=audit,
            record_id__in=CaseAudit.objects.filter(audit=audit, scoring=2).values("record_id"),
        )
        .select_related("child", "auditor", "reconciled_by")
        .prefetch_related("reconciled_answers")
    )
    by_key: dict[tuple[int, str], dict[int, CaseAudit]] = defaultdict(dict)
    for case_audit in case_audits:
        by_key[(case_audit.record_id, case_audit.agency)][case_audit.scoring] = case_audit
    pairs = [
        Pair(first=scorings[1], second=scorings[2])
        for scorings in by_key.values()
        if 1 in scorings and 2 in scorings
    ]
    pairs.sort(key=lambda p: (p.first.record_date, p.first.child.child_id, p.first.agency))
    if with_answers and pairs:
        answers: dict[int, dict[int, Answer]] = defaultdict(dict)
        for answer in Answer.objects.filter(case_audit__in=[c.pk for c in case_audits]):
            answers[answer.case_audit_id][answer.question_id] = answer
        for pair in pairs:
            pair.answers = answers
    return pairs


def disagreements(pair: Pair, questions: list[Question] | None = None) -> list[Disagreement]:
    """The rating questions the two scorings answered differently (one asked and the other not included)."""
    questions = questions if questions is not None else questions_of(pair.first.audit)
    by_pk = {q.pk: q for q in questions}
    agreed = {r.question_id: r for r in pair.first.reconciled_answers.all()}
    found = []
    for question in questions:
        if question.kind != Question.Kind.RATING:
            continue
        first, second = pair.values(question, by_pk)
        if first != second:
            found.append(Disagreement(question, first, second, agreed.get(question.pk)))
    return found


def pair_for(first: CaseAudit) -> Pair | None:
    """The pair whose first scoring is `first`, or None where the case is not double-scored."""
    if first.scoring != 1:
        return None
    second = (
        CaseAudit.objects.filter(
            audit=first.audit_id, record_id=first.record_id, agency=first.agency, scoring=2
        )
        .select_related("auditor")
        .first()
    )
    if second is None:
        return None
    answers: dict[int, dict[int, Answer]] = defaultdict(dict)
    for answer in Answer.objects.filter(case_audit__in=[first.pk, second.pk]).select_related("question"):
        answers[answer.case_audit_id][answer.question_id] = answer
    return Pair(first=first, second=second, answers=answers)


# Agreement between the two scorings ------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    agreement: Agreement
    poor: bool  # kappa below settings.AGREEMENT_POOR_BELOW


def _measure(pairs: Iterable[tuple[str, str]]) -> Measure:
    measure = agreement(pairs)
    return Measure(measure, is_poor(measure))


@dataclass(frozen=True)
class DoubleAgreement:
    """Agreement between the first and second scorings of an audit's double-scored cases, both submitted."""

    pair_count: int  # double-scored cases with both scorings submitted
    overall: Measure
    by_question: list[tuple[Question, Measure]]  # rating questions, in tool order
    by_auditors: list[tuple[str, str, Measure]]  # (auditor, auditor, measure), names in alphabetical order

    def for_question(self, question: Question) -> Measure | None:
        return next((m for q, m in self.by_question if q.pk == question.pk), None)


def double_agreement(audit: Audit) -> DoubleAgreement:
    pairs = [p for p in audit_pairs(audit) if p.both_submitted]
    questions = questions_of(audit) if pairs else []  # no pairs, no query more
    by_pk = {q.pk: q for q in questions}
    rating = [q for q in questions if q.kind == Question.Kind.RATING]
    per_question: dict[int, list[tuple[str, str]]] = defaultdict(list)
    per_auditors: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    everything: list[tuple[str, str]] = []
    for pair in pairs:
        names = tuple(sorted(pair.auditors))
        for question in rating:
            values = pair.values(question, by_pk)
            per_question[question.pk].append(values)
            per_auditors[(names[0], names[1])].append(values)
            everything.append(values)
    return DoubleAgreement(
        pair_count=len(pairs),
        overall=_measure(everything),
        by_question=[(q, _measure(per_question[q.pk])) for q in rating],
        by_auditors=[(a, b, _measure(values)) for (a, b), values in sorted(per_auditors.items())],
    )


# Drift: each auditor's agreement with moderators and with reconciled answers, across audits ------------


@dataclass(frozen=True)
class AuditorDrift:
    auditor: User
    measure: Measure
    audit_count: int

    @property
    def name(self) -> str:
        return person_name(self.auditor)


def auditor_drift() -> list[AuditorDrift]:
    """Every auditor's answers against the answers that stood after review, across every audit:

    - in a moderated case audit, the auditor's original value (the `before` of the first ModerationChange of
      that answer) against its value now (an answer the moderator left alone agrees with itself);
    - in a reconciled double-scored case, each auditor's value against the agreed one (a question the two
      agreed on agrees with itself; one a moderator reconciled pairs the auditor's value with the agreed value).

    Sorted with the poorest agreement first. Five queries, whatever the number of audits.
    """
    moderated = CaseAudit.objects.filter(status=CaseAudit.Status.MODERATED, auditor__isnull=False)
    reconciled_firsts = CaseAudit.objects.filter(scoring=1, reconciled_at__isnull=False)
    reconciled_seconds = CaseAudit.objects.filter(scoring=2, audit__in=reconciled_firsts.values("audit"))
    original: dict[tuple[int, int], str] = {}
    for case_audit_id, question_id, before in (
        ModerationChange.objects.filter(case_audit__in=moderated, field="value", question__isnull=False)
        .order_by("changed_at", "pk")
        .values_list("case_audit_id", "question_id", "before")
    ):
        original.setdefault((case_audit_id, question_id), before)
    first_of: dict[int, int] = {}  # second scoring pk -> first scoring pk
    firsts = {
        (c.audit_id, c.record_id, c.agency): c.pk
        for c in reconciled_firsts.only("audit", "record_id", "agency")
    }
    for second in reconciled_seconds.only("audit", "record_id", "agency"):
        first_pk = firsts.get((second.audit_id, second.record_id, second.agency))
        if first_pk is not None:
            first_of[second.pk] = first_pk
    agreed = {
        (r.case_audit_id, r.question_id): r.value
        for r in ReconciledAnswer.objects.filter(case_audit__in=reconciled_firsts)
    }
    pairs_by_auditor: dict[int, list[tuple[str, str]]] = defaultdict(list)
    audits_by_auditor: dict[int, set[int]] = defaultdict(set)
    reconciled_pks = set(firsts.values()) | set(first_of)
    rows = (
        Answer.objects.filter(question__kind=Question.Kind.RATING)
        .filter(Q(case_audit__in=moderated) | Q(case_audit__in=reconciled_pks))
        .values_list(
            "case_audit_id", "case_audit__auditor_id", "case_audit__audit_id", "question_id", "value"
        )
    )
    for case_audit_id, auditor_id, audit_id, question_id, value in rows:
        if auditor_id is None:
            continue
        if case_audit_id in reconciled_pks:
            first_pk = first_of.get(case_audit_id, case_audit_id)
            reference = agreed.get((first_pk, question_id), value)
        else:
            reference = value
        mine = original.get((case_audit_id, question_id), value)
        pairs_by_auditor[auditor_id].append((mine, reference))
        audits_by_auditor[auditor_id].add(audit_id)
    users = User.objects.in_bulk(list(pairs_by_auditor))
    drift = [
        AuditorDrift(users[pk], _measure(pairs), len(audits_by_auditor[pk]))
        for pk, pairs in pairs_by_auditor.items()
        if pk in users
    ]
    drift.sort(key=lambda d: (d.measure.agreement.kappa.value is None, d.measure.agreement.kappa.value or 0))
    return drift


def auditors_drifting() -> list[AuditorDrift]:
    """The auditors whose agreement with the answers that stood after review is below the setting."""
    return [d for d in auditor_drift() if d.measure.poor]
