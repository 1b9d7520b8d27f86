"""An audit's results, read from its submitted and moderated case audits (reads only, no writes).

Per rating question, the scoring rule of audits.scoring (its Python twin): Yes counts 1, Partly a half
(or nothing where the tool version says so), No 0; Not applicable, and a question that is not asked of a
case (asked only where an earlier answer holds, or only of the sub-sample), leave the case out.

A double-scored case counts once: its first scoring, with the answers a moderator agreed where the two
scorings differed (ReconciledAnswer); until the pair is reconciled, its first scoring's own answers, and
`awaiting_reconciliation` says how many such cases there are. The second scoring is never counted.

Everything is loaded in a constant number of queries (questions, case audits, answers), then counted in
Python, so a page of results costs the same for 5 cases as for 500.
"""

import copy
import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Exists, OuterRef, Q

from audits import scoring, suggestions
from audits.access import blind_hidden_from
from audits.agreement import Agreement, agreement, is_poor
from audits.models import (
    Agency,
    Answer,
    AnswerTheme,
    Audit,
    CaseAudit,
    Grade,
    ModerationChange,
    Question,
    ReconciledAnswer,
    Section,
    Theme,
)
from audits.scoring import question_applies
from common.figures import Figure

SCORED_STATUSES = (CaseAudit.Status.SUBMITTED, CaseAudit.Status.MODERATED)
# A finding is weak below this percentage; the results page offers it for an action plan.
WEAK_BELOW_PERCENT = 80
STRENGTHS_PREFIX = "strengths"
AREAS_PREFIX = "areas for development"


@dataclass
class QuestionResult:
    question: Question
    partly_counts_half: bool
    yes: int = 0
    partly: int = 0
    no: int = 0
    not_applicable: int = 0
    does_not_apply: int = 0
    unanswered: int = 0
    # Answers given where the case record held the answer (Answer.record_value), and those that differ.
    record_answers: int = 0
    record_overrides: int = 0

    @property
    def measures_record(self) -> bool:
        return bool(self.question.measures)

    @property
    def overrides(self) -> Figure:
        """How often auditors overrode the case record's answer: "3 of 18 answers (17%)"."""
        return Figure(self.record_overrides, self.record_answers)

    def count_record(self, answer: Answer) -> None:
        if answer.record_value and answer.value:
            self.record_answers += 1
            self.record_overrides += int(suggestions.overrides(answer))

    @property
    def tally(self) -> scoring.Tally:
        halves = self.partly if self.partly_counts_half else 0
        return scoring.Tally(yes=self.yes, partly=self.partly, no=self.no, halves=halves)

    @property
    def numerator(self) -> float:
        return self.tally.points

    @property
    def denominator(self) -> int:
        return self.tally.counted

    @property
    def figure(self) -> Figure:
        return Figure(self.numerator, self.denominator)

    def count(self, value: str) -> None:
        attributes: dict[str, str] = {
            Answer.Value.YES: "yes",
            Answer.Value.PARTLY: "partly",
            Answer.Value.NO: "no",
            Answer.Value.NOT_APPLICABLE: "not_applicable",
        }
        attribute = attributes.get(value, "unanswered")
        setattr(self, attribute, getattr(self, attribute) + 1)


@dataclass
class SectionResult:
    section: Section
    questions: list[QuestionResult]


@dataclass(frozen=True)
class GradeResult:
    grade: str
    label: str
    figure: Figure

    @property
    def count(self) -> int:
        return int(self.figure.numerator)


@dataclass(frozen=True)
class Finding:
    """A strength or area for development as the auditor wrote it; `child_id` only when asked for."""

    text: str
    question_code: str
    agency: str
    child_id: str = ""


@dataclass
class AuditResults:
    audit: Audit
    agency: str | None
    case_count: int
    sections: list[SectionResult]
    grades: list[GradeResult]
    graded_count: int
    strengths: list[Finding] = field(default_factory=list)
    areas_for_development: list[Finding] = field(default_factory=list)
    # Double-scored cases counted (once each): reconciled, and counted on the first scoring until reconciled.
    reconciled: int = 0
    awaiting_reconciliation: int = 0

    @property
    def questions(self) -> list[QuestionResult]:
        return [result for section in self.sections for result in section.questions]

    @property
    def overrides(self) -> Figure:
        """Overrides of the case record's answer across every question that measures it."""
        measured = [r for r in self.questions if r.measures_record]
        return Figure(sum(r.record_overrides for r in measured), sum(r.record_answers for r in measured))

    def question(self, code: str) -> QuestionResult:
        for result in self.questions:
            if result.question.code == code:
                return result
        raise KeyError(code)

    @property
    def weak_question_codes(self) -> set[str]:
        """The questions scored below WEAK_BELOW_PERCENT: the findings worth an action plan."""
        return {
            r.question.code
            for r in self.questions
            if r.figure.percent is not None and r.figure.percent < WEAK_BELOW_PERCENT
        }


@dataclass
class _Loaded:
    """One audit's questions, scored case audits and their answers, loaded in three queries."""

    audit: Audit
    questions: list[Question]
    case_audits: list[CaseAudit]
    answers: dict[int, dict[int, Answer]]  # case audit pk -> question pk -> answer
    reconciled: int = 0
    awaiting_reconciliation: int = 0

    @property
    def by_pk(self) -> dict[int, Question]:
        return {question.pk: question for question in self.questions}


def _load(audit: Audit, *, agency: str | None = None, viewer: User | AnonymousUser | None = None) -> _Loaded:
    """`viewer`: leave out what blind double scoring keeps from them (audits.access.blind_hidden_from)."""
    questions = list(
        Question.objects.filter(section__version=audit.tool_version_id)
        .select_related("section")
        .order_by("section__order", "order")
    )
    # scoring=1: a double-scored case counts once; its second scoring only feeds the agreement figures.
    second = CaseAudit.objects.filter(
        audit=OuterRef("audit"), record_id=OuterRef("record_id"), agency=OuterRef("agency"), scoring=2
    )
    case_audits = (
        CaseAudit.objects.filter(audit=audit, status__in=SCORED_STATUSES, scoring=1)
        .annotate(double_scored=Exists(second))
        .select_related("child")
    )
    if viewer is not None:
        case_audits = case_audits.exclude(pk__in=blind_hidden_from(viewer).values("pk"))
    if agency is not None:
        case_audits = case_audits.filter(agency=agency)
    answers = Answer.objects.filter(case_audit__in=case_audits.values("pk"))
    by_case: dict[int, dict[int, Answer]] = defaultdict(dict)
    fields = ("case_audit_id", "question_id", "value", "text", "evidence", "record_value")
    for answer in answers.only(*fields):
        by_case[answer.case_audit_id][answer.question_id] = answer
    rows = list(case_audits)
    reconciled = [c.pk for c in rows if c.double_scored and c.reconciled_at]
    awaiting = sum(1 for c in rows if c.double_scored and not c.reconciled_at)
    loaded_cases: list[CaseAudit] = list(rows)
    # Only where a pair is reconciled: an audit with no double scoring costs no query more.
    agreed_answers = ReconciledAnswer.objects.filter(case_audit__in=reconciled) if reconciled else []
    for agreed in agreed_answers:
        current = by_case[agreed.case_audit_id].get(agreed.question_id)
        counted = copy.copy(current) if current is not None else Answer(question_id=agreed.question_id)
        counted.value = agreed.value  # a copy: the first scoring's own answer is left as its auditor gave it
        by_case[agreed.case_audit_id][agreed.question_id] = counted
    return _Loaded(
        audit=audit,
        questions=questions,
        case_audits=loaded_cases,
        answers=by_case,
        reconciled=len(reconciled),
        awaiting_reconciliation=awaiting,
    )


def finding_kind(question: Question) -> str | None:
    if question.kind != Question.Kind.TEXT:
        return None
    text = question.text.strip().lower()
    if text.startswith(STRENGTHS_PREFIX):
        return "strengths"
    if text.startswith(AREAS_PREFIX):
        return "areas"
    return None


def _tally(
    loaded: _Loaded, case_audits: Sequence[CaseAudit], *, agency: str | None, child_ids: bool
) -> AuditResults:
    partly_counts_half = loaded.audit.tool_version.partly_counts_half
    by_question = {
        q.pk: QuestionResult(question=q, partly_counts_half=partly_counts_half)
        for q in loaded.questions
        if q.kind == Question.Kind.RATING
    }
    findings: dict[str, list[Finding]] = {"strengths": [], "areas": []}
    grade_counts: dict[str, int] = defaultdict(int)
    agency_labels = dict(Agency.choices)
    by_pk = loaded.by_pk
    for case_audit in case_audits:
        answers = loaded.answers.get(case_audit.pk, {})
        if case_audit.grade:
            grade_counts[case_audit.grade] += 1
        for question in loaded.questions:
            applies = question_applies(question, case_audit, answers, by_pk)
            answer = answers.get(question.pk)
            result = by_question.get(question.pk)
            if result is not None:
                if not applies:
                    result.does_not_apply += 1
                else:
                    result.count(answer.value if answer else "")
                    if answer is not None:
                        result.count_record(answer)
                continue
            kind = finding_kind(question)
            if kind is None or not applies or answer is None:
                continue
            for note in (answer.text, answer.evidence):
                if note.strip():
                    findings[kind].append(
                        Finding(
                            text=note.strip(),
                            question_code=question.code,
                            agency=agency_labels.get(case_audit.agency, case_audit.agency),
                            child_id=case_audit.child.child_id if child_ids else "",
                        )
                    )
    sections: dict[int, SectionResult] = {}
    for question in loaded.questions:
        if question.pk in by_question:
            section = sections.setdefault(question.section_id, SectionResult(question.section, []))
            section.questions.append(by_question[question.pk])
    graded = sum(grade_counts.values())
    return AuditResults(
        audit=loaded.audit,
        agency=agency,
        case_count=len(case_audits),
        sections=list(sections.values()),
        grades=[
            GradeResult(value, label, Figure(grade_counts[value], graded)) for value, label in Grade.choices
        ],
        graded_count=graded,
        strengths=findings["strengths"],
        areas_for_development=findings["areas"],
        reconciled=loaded.reconciled,
        awaiting_reconciliation=loaded.awaiting_reconciliation,
    )


def audit_results(
    audit: Audit,
    *,
    agency: str | None = None,
    child_ids: bool = False,
    viewer: User | AnonymousUser | None = None,
) -> AuditResults:
    """The audit's results over its submitted and moderated case audits (one agency's, if given).

    Pass `viewer` wherever a person reads them: blind double scoring keeps the other scoring of a case they
    score out of what they see.

    `child_ids=True` names the case behind each strength and area for development; pass it only for a
    role that may see case records. Results for panels carry no child identifier.
    """
    loaded = _load(audit, agency=agency, viewer=viewer)
    return _tally(loaded, loaded.case_audits, agency=agency, child_ids=child_ids)


# Auditor and moderator: how far moderation changed the auditors' answers ----------------------------------


@dataclass(frozen=True)
class ModerationAgreement:
    """Agreement between the auditors' original answers and the moderated answers, over moderated cases."""

    case_count: int
    overall: Agreement
    by_question: dict[int, Agreement]  # question pk -> its agreement (rating questions with a pair)

    @property
    def poor(self) -> bool:
        return is_poor(self.overall)

    def for_question(self, question: Question) -> "QuestionAgreement | None":
        measure = self.by_question.get(question.pk)
        return QuestionAgreement(measure, is_poor(measure)) if measure is not None else None


@dataclass(frozen=True)
class QuestionAgreement:
    agreement: Agreement
    poor: bool  # kappa below settings.AGREEMENT_POOR_BELOW: the question or its guidance may need work


def moderation_agreement(audit: Audit, *, viewer: User | AnonymousUser | None = None) -> ModerationAgreement:
    """Per rating question and overall, the auditors' answers against the moderators' (audits.agreement).

    Over the audit's moderated case audits: an answer the moderator changed pairs its original value (the
    `before` of its first ModerationChange) with its value now; an answer the moderator left alone agrees with
    itself. The overall figure pools every question's pairs. Three queries, whatever the audit's size.
    """
    moderated = CaseAudit.objects.filter(audit=audit, status=CaseAudit.Status.MODERATED)
    if viewer is not None:
        moderated = moderated.exclude(pk__in=blind_hidden_from(viewer).values("pk"))
    original: dict[tuple[int, int], str] = {}
    changes = (
        ModerationChange.objects.filter(case_audit__in=moderated, field="value", question__isnull=False)
        .order_by("changed_at", "pk")
        .values_list("case_audit_id", "question_id", "before")
    )
    for case_audit_id, question_id, before in changes:
        original.setdefault((case_audit_id, question_id), before)
    answers = Answer.objects.filter(
        case_audit__in=moderated, question__kind=Question.Kind.RATING
    ).values_list("case_audit_id", "question_id", "value")
    pairs: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for case_audit_id, question_id, value in answers:
        pairs[question_id].append((original.get((case_audit_id, question_id), value), value))
    return ModerationAgreement(
        case_count=moderated.count(),
        overall=agreement(pair for question_pairs in pairs.values() for pair in question_pairs),
        by_question={question_id: agreement(question_pairs) for question_id, question_pairs in pairs.items()},
    )


# Multi-agency audits: the same cases seen by each agency, side by side ----------------------------------


@dataclass(frozen=True)
class AgencyRow:
    question: Question
    figures: list[Figure]  # in the order of AgencyComparison.agencies


@dataclass(frozen=True)
class Disagreement:
    """A case where the agencies answered the same question differently."""

    case_label: str  # the child's ID, or "Case 3" where the viewer may not see case records
    record_date: datetime.date
    question: Question
    answers: list[tuple[str, str]]  # (agency label, answer label), in the audit's agency order


@dataclass
class AgencyComparison:
    agencies: list[tuple[str, str]]  # (value, label)
    rows: list[AgencyRow]
    disagreements: list[Disagreement]


def case_labels(case_audits: Iterable[CaseAudit], *, child_ids: bool) -> dict[int, str]:
    """One label per sampled record (record_id -> label): the child's ID, or "Case 1", "Case 2" ... in
    the order of the sample (record date, then record id).

    The one numbering of a sample's cases: the multi-agency comparison names its cases with it, and a
    panel report (reporting.content) numbers its cases with it, so "Case 3" is the same case in both.
    Pass `child_ids=False` wherever the reader may not see a child's ID.
    """
    labels: dict[int, str] = {}
    for case_audit in sorted(case_audits, key=lambda c: (c.record_date, c.record_id)):
        if case_audit.record_id not in labels:
            labels[case_audit.record_id] = (
                case_audit.child.child_id if child_ids else f"Case {len(labels) + 1}"
            )
    return labels


def agency_comparison(
    audit: Audit, *, child_ids: bool = False, viewer: User | AnonymousUser | None = None
) -> AgencyComparison:
    """Each question's figure per agency, and the cases where agencies disagree.

    `child_ids=True` names the cases by the child's ID (for roles that see every case audit); otherwise
    they are numbered "Case 1", "Case 2" ... in the order of the sample.
    """
    loaded = _load(audit, viewer=viewer)
    labels = dict(Agency.choices)
    agencies = [(value, labels.get(value, value)) for value in audit.agencies]
    per_agency = {
        value: _tally(
            loaded, [c for c in loaded.case_audits if c.agency == value], agency=value, child_ids=False
        )
        for value, _label in agencies
    }
    rows = []
    for question in loaded.questions:
        if question.kind != Question.Kind.RATING:
            continue
        figures = [per_agency[value].question(question.code).figure for value, _label in agencies]
        rows.append(AgencyRow(question=question, figures=figures))

    labels_by_record = case_labels(loaded.case_audits, child_ids=child_ids)
    by_record: dict[int, dict[str, CaseAudit]] = defaultdict(dict)
    for case_audit in loaded.case_audits:
        by_record[case_audit.record_id][case_audit.agency] = case_audit
    value_labels = dict(Answer.Value.choices)
    by_pk = loaded.by_pk
    disagreements = []
    for record_id, label in labels_by_record.items():
        cases = by_record[record_id]
        for question in loaded.questions:
            if question.kind != Question.Kind.RATING:
                continue
            given = []
            for value, agency_label in agencies:
                agency_audit = cases.get(value)
                if agency_audit is None:
                    continue
                answers = loaded.answers.get(agency_audit.pk, {})
                answer = answers.get(question.pk)
                if answer and answer.value and question_applies(question, agency_audit, answers, by_pk):
                    given.append((agency_label, answer.value))
            if len({v for _a, v in given}) > 1:
                first = next(iter(cases.values()))
                disagreements.append(
                    Disagreement(
                        case_label=label,
                        record_date=first.record_date,
                        question=question,
                        answers=[(a, value_labels[v]) for a, v in given],
                    )
                )
    return AgencyComparison(agencies=agencies, rows=rows, disagreements=disagreements)


# Re-audits: the same tool version later in the year, question by question ----------------------------


@dataclass(frozen=True)
class ReauditRow:
    code: str
    text: str
    before: Figure | None
    after: Figure | None

    @property
    def change(self) -> int | None:
        """The change in percentage points between the rounded percentages shown."""
        if self.before is None or self.after is None:
            return None
        if self.before.percent is None or self.after.percent is None:
            return None
        return self.after.percent - self.before.percent


def reaudit_comparison(audit: Audit, *, viewer: User | AnonymousUser | None = None) -> list[ReauditRow]:
    """Each question's figure in the original audit and in this re-audit, matched by question code."""
    original = audit.reaudit_of
    if original is None:
        raise ValueError("This audit is not a re-audit.")
    before = {r.question.code: r for r in audit_results(original, viewer=viewer).questions}
    after = audit_results(audit, viewer=viewer).questions
    rows = [
        ReauditRow(
            code=r.question.code,
            text=r.question.text,
            before=before[r.question.code].figure if r.question.code in before else None,
            after=r.figure,
        )
        for r in after
    ]
    seen = {r.question.code for r in after}
    rows += [
        ReauditRow(code=code, text=r.question.text, before=r.figure, after=None)
        for code, r in before.items()
        if code not in seen
    ]
    return rows


@dataclass
class ThemeQuote:
    """The evidence notes of a finding tagged with a theme, named by question code and case label only."""

    text: str
    question_code: str
    case: str
    confirmed: bool


@dataclass
class ThemeCount:
    theme: Theme
    findings: int = 0
    confirmed: int = 0
    quotes: list[ThemeQuote] = field(default_factory=list)


def theme_counts(audit: Audit, *, child_ids: bool = False) -> list[ThemeCount]:
    """Each learning theme the audit's findings are tagged with: how many findings, how many of them a
    moderator confirmed, and the evidence notes behind them. Cases are labelled by `case_labels` (the
    child's ID only with `child_ids`), never by a name. Two queries however many tags."""
    tags = (
        AnswerTheme.objects.filter(answer__case_audit__audit=audit)
        .select_related("theme", "answer__question", "answer__case_audit")
        .order_by("theme__name", "answer__question__code", "answer__case_audit__record_date")
    )
    labels = case_labels(audit.case_audits.select_related("child"), child_ids=child_ids)
    counts: dict[int, ThemeCount] = {}
    for tag in tags:
        count = counts.setdefault(tag.theme_id, ThemeCount(tag.theme))
        count.findings += 1
        count.confirmed += tag.confirmed
        if tag.answer.evidence.strip():
            count.quotes.append(
                ThemeQuote(
                    tag.answer.evidence.strip(),
                    tag.answer.question.code,
                    labels.get(tag.answer.case_audit.record_id, ""),
                    tag.confirmed,
                )
            )
    return list(counts.values())


@dataclass
class ThemeTrend:
    """Each theme's findings per audit, the audits in planned-month order: `rows` are (theme, cells), a
    cell (findings, confirmed) per audit in `audits` order."""

    audits: list[Audit]
    rows: list[tuple[Theme, list[tuple[int, int]]]]


def theme_trend() -> ThemeTrend:
    """The learning themes across audits over time (the audits with at least one tagged finding). Three
    queries however many audits and themes."""
    counted = (
        AnswerTheme.objects.values("answer__case_audit__audit_id", "theme_id")
        .annotate(findings=Count("pk"), confirmed_count=Count("pk", filter=Q(confirmed_at__isnull=False)))
        .order_by()
    )
    cells = {
        (c["theme_id"], c["answer__case_audit__audit_id"]): (c["findings"], c["confirmed_count"])
        for c in counted
    }
    audit_ids = {audit_id for _theme, audit_id in cells}
    theme_ids = {theme_id for theme_id, _audit in cells}
    audits = list(Audit.objects.filter(pk__in=audit_ids).order_by("planned_month", "title"))
    rows = [
        (theme, [cells.get((theme.pk, audit.pk), (0, 0)) for audit in audits])
        for theme in Theme.objects.filter(pk__in=theme_ids)
    ]
    return ThemeTrend(audits, rows)
