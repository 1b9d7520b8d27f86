"""What the case record itself says about a question that measures a compliance standard.

A rating question may measure one of the audit's standards (`Question.measures`, a key of
`cases.standards.AUDIT_KEYS`). Where the sampled record holds the answer, the scoring page shows it as a
suggestion ("The case record says: Yes - completed on 12 March 2026, within 15 working days"); the
auditor confirms it or overrides it with a reason (`Answer.record_value`, `Answer.override_reason`).

Each answer comes from the model's own derived standard (`S47Enquiry.completed_within_target` and the
rest), the Python twins of the expressions `metrics.measures` counts with, so the page never says
"Yes" for a record that the compliance figure counts as not met. A record whose source did not hold the
field (`SourceHeldFields.holds`) is unknown: no suggestion, as the measure leaves it out.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from audits.models import Answer, Audit, CaseAudit, Question
from cases.models import Referral, S47Enquiry, StrategyDiscussion
from cases.standards import AUDIT_KEYS, SOURCE_NEEDS, MetricKey

CaseRecordRow = S47Enquiry | StrategyDiscussion | Referral
OVERRIDE_REASON_REQUIRED = "Explain why your answer differs from the case record"


@dataclass(frozen=True)
class CaseRecord:
    """The sampled record and the records it leads from: an S47 enquiry's strategy discussion and the
    child's referral that led to it (the latest received on or before the enquiry started)."""

    record: CaseRecordRow | None
    enquiry: S47Enquiry | None = None
    discussion: StrategyDiscussion | None = None
    referral: Referral | None = None


def case_record(case_audit: CaseAudit) -> CaseRecord:
    """The sampled record the case audit is about, read from the case records (at most three queries)."""
    frame_type = case_audit.audit.frame_type
    if frame_type == Audit.FrameType.STRATEGY:
        discussion = (
            StrategyDiscussion.objects.select_related("team")
            .filter(pk=case_audit.record_id, child_id=case_audit.child_id)
            .first()
        )
        return CaseRecord(record=discussion, discussion=discussion)
    if frame_type == Audit.FrameType.REFERRAL:
        referral = (
            Referral.objects.select_related("team")
            .filter(pk=case_audit.record_id, child_id=case_audit.child_id)
            .first()
        )
        return CaseRecord(record=referral, referral=referral)
    enquiry = (
        S47Enquiry.objects.select_related("team", "worker", "oversight_manager", "strategy_discussion")
        .filter(pk=case_audit.record_id, child_id=case_audit.child_id)
        .first()
    )
    if enquiry is None:
        return CaseRecord(record=None)
    referral = (
        Referral.objects.filter(child_id=enquiry.child_id, received_date__lte=enquiry.start_date)
        .order_by("-received_date", "-pk")
        .first()
    )
    return CaseRecord(
        record=enquiry, enquiry=enquiry, discussion=enquiry.strategy_discussion, referral=referral
    )


@dataclass(frozen=True)
class Suggestion:
    """The record's answer (Yes or No) and what in the record says so."""

    value: str  # Answer.Value.YES or Answer.Value.NO
    because: str

    @property
    def label(self) -> str:
        return Answer.Value(self.value).label

    def __str__(self) -> str:
        return f"{self.label} \N{EM DASH} {self.because}"


def _day(date) -> str:
    return f"{date.day} {date:%B %Y}"


def _answer(met: bool | None, yes: str, no: str) -> Suggestion | None:
    if met is None:
        return None
    return Suggestion(Answer.Value.YES, yes) if met else Suggestion(Answer.Value.NO, no)


def _holds(key: MetricKey, row: CaseRecordRow) -> bool:
    """Whether the record's sources held every field the measure reads (cases.standards.SOURCE_NEEDS)."""
    return row.holds(*SOURCE_NEEDS[key].fields)


def _s47_within_target(enquiry: S47Enquiry) -> Suggestion | None:
    if not _holds(MetricKey.S47_WITHIN_15_DAYS, enquiry) or enquiry.end_date is None:
        return None  # open, or its end date unknown: not yet met or missed
    ended = _day(enquiry.end_date)
    return _answer(
        enquiry.completed_within_target,
        f"completed on {ended}, within 15 working days",
        f"completed on {ended}, after its 15 working days (target {_day(enquiry.target_date)})",
    )


def _consent(enquiry: S47Enquiry) -> Suggestion | None:
    given = enquiry.get_consent_display().lower() if enquiry.consent else "no consent decision recorded"
    return _answer(
        enquiry.consent_recorded,
        f"consent decision recorded: {given}",
        given if not enquiry.consent else f"{given}, without the decision recorded in full",
    )


def _chronology(enquiry: S47Enquiry) -> Suggestion | None:
    if not enquiry.holds("chronology_on_file"):
        return None
    # As metrics.measures counts it (cases.standards.CHRONOLOGY_ON_FILE): only True is on file.
    return _answer(enquiry.chronology_on_file is True, "a chronology is on file", "no chronology on file")


def _oversight(enquiry: S47Enquiry) -> Suggestion | None:
    date = enquiry.management_oversight_date
    by = f" by {enquiry.oversight_manager}" if enquiry.oversight_manager else ""
    return _answer(
        enquiry.management_oversight_recorded,
        f"management oversight recorded on {_day(date)}{by}" if date else "",
        f"management oversight dated {_day(date)}, outside the enquiry"
        if date
        else "no management oversight recorded",
    )


def _strategy_agencies(discussion: StrategyDiscussion | None) -> Suggestion | None:
    if discussion is None or not _holds(MetricKey.STRATEGY_AGENCIES, discussion):
        return None
    attended = ", ".join(discussion.agencies) or "no agency recorded"
    on = _day(discussion.date)
    return _answer(
        discussion.core_agencies_attended,
        f"police, health and social care attended the strategy discussion on {on}",
        f"the strategy discussion on {on} was attended by {attended}",
    )


def _referrer_acknowledged(referral: Referral | None) -> Suggestion | None:
    if referral is None or not _holds(MetricKey.REFERRER_ACKNOWLEDGED, referral):
        return None
    date = referral.acknowledgement_date
    method = (
        f" by {referral.get_acknowledgement_method_display().lower()}"
        if referral.acknowledgement_method
        else ""
    )
    return _answer(
        referral.acknowledged,
        f"the referrer was acknowledged on {_day(date)}{method}" if date else "",
        f"no acknowledgement to the referrer is recorded (referral {referral.referral_id})",
    )


_ENQUIRY_RULES: dict[str, Callable[[S47Enquiry], Suggestion | None]] = {
    MetricKey.S47_WITHIN_15_DAYS: _s47_within_target,
    MetricKey.CONSENT_RECORDED: _consent,
    MetricKey.CHRONOLOGY_ON_FILE: _chronology,
    MetricKey.MANAGEMENT_OVERSIGHT: _oversight,
}
SUGGESTED_KEYS = (*_ENQUIRY_RULES, MetricKey.STRATEGY_AGENCIES, MetricKey.REFERRER_ACKNOWLEDGED)
assert set(SUGGESTED_KEYS) == set(AUDIT_KEYS), "every standard a question can measure has its rule"


def suggestion(key: str, case: CaseRecord) -> Suggestion | None:
    """The record's answer to a standard (a `MetricKey`), or None where the record does not hold it."""
    if key == MetricKey.STRATEGY_AGENCIES:
        return _strategy_agencies(case.discussion)
    if key == MetricKey.REFERRER_ACKNOWLEDGED:
        return _referrer_acknowledged(case.referral)
    rule = _ENQUIRY_RULES.get(key)
    return rule(case.enquiry) if rule and case.enquiry else None


def question_suggestion(question: Question, case: CaseRecord) -> Suggestion | None:
    """The record's answer to a rating question that measures a standard; None for any other question."""
    if question.kind != Question.Kind.RATING or not question.measures:
        return None
    return suggestion(question.measures, case)


def overrides(answer: Answer) -> bool:
    """The answer differs from the answer the record gave when it was saved."""
    return bool(answer.record_value and answer.value and answer.value != answer.record_value)


def unexplained(answer: Answer) -> bool:
    """An override of the record's answer with no reason given: it cannot be submitted."""
    return overrides(answer) and not answer.override_reason.strip()


def unexplained_overrides(questions: Iterable[Question], answers: dict[int, Answer]) -> list[Question]:
    """The questions (in order) whose answers override the record without a reason."""
    return [q for q in questions if q.pk in answers and unexplained(answers[q.pk])]
