"""The case record's own answer to a question that measures a standard (audits.suggestions): Yes or No
from the model's derived standard, nothing where the record's source did not hold the field, and the
same answer as the compliance measure (metrics.measures) counts for that record."""

import datetime

import pytest

from audits import suggestions
from audits.models import Answer, Audit, Question
from audits.suggestions import CaseRecord, Suggestion
from cases.models import Referral, S47Enquiry, StrategyDiscussion
from cases.standards import MetricKey
from metrics import measures
from tests.factories import (
    AuditFactory,
    CaseAuditFactory,
    ReferralFactory,
    S47EnquiryFactory,
    StrategyDiscussionFactory,
    WorkerFactory,
)

D = datetime.date
pytestmark = pytest.mark.django_db
YES, NO = Answer.Value.YES, Answer.Value.NO


def of_enquiry(enquiry: S47Enquiry) -> CaseRecord:
    return CaseRecord(record=enquiry, enquiry=enquiry, discussion=enquiry.strategy_discussion)


def unknown(model: type[S47Enquiry | Referral | StrategyDiscussion], *fields: str) -> int:
    """The bits of a record whose source did not hold `fields`."""
    return model.source_mask(fields)


# Each standard, Yes and No ---------------------------------------------------------------------------


def test_an_s47_completed_by_its_target_is_yes_with_its_end_date():
    """Started Monday 2 March 2026: 15 working days later is Monday 23 March; ended 12 March."""
    enquiry = S47EnquiryFactory.create(start_date=D(2026, 3, 2), end_date=D(2026, 3, 12))
    found = suggestions.suggestion(MetricKey.S47_WITHIN_15_DAYS, of_enquiry(enquiry))
    assert found == Suggestion(YES, "completed on 12 March 2026, within 15 working days")
    assert str(found) == "Yes \N{EM DASH} completed on 12 March 2026, within 15 working days"


def test_an_s47_completed_after_its_target_is_no_with_the_target_date():
    enquiry = S47EnquiryFactory.create(start_date=D(2026, 3, 2), end_date=D(2026, 3, 25))
    found = suggestions.suggestion(MetricKey.S47_WITHIN_15_DAYS, of_enquiry(enquiry))
    assert found == Suggestion(
        NO, "completed on 25 March 2026, after its 15 working days (target 23 March 2026)"
    )


def test_an_open_s47_gives_no_suggestion_on_its_timescale():
    enquiry = S47EnquiryFactory.create(start_date=D(2026, 3, 2), end_date=None)
    assert suggestions.suggestion(MetricKey.S47_WITHIN_15_DAYS, of_enquiry(enquiry)) is None


@pytest.mark.parametrize(
    ("consent", "manager_decision", "reason", "value"),
    [
        ("given", False, "", YES),
        ("refused", True, "", YES),
        ("refused", False, "", NO),
        ("not_sought", True, "Risk to the child", YES),
        ("not_sought", True, "  ", NO),
        ("", False, "", NO),
    ],
)
def test_the_consent_decision_follows_the_consent_standard(consent, manager_decision, reason, value):
    enquiry = S47EnquiryFactory.create(
        consent=consent, consent_manager_decision=manager_decision, consent_not_sought_reason=reason
    )
    found = suggestions.suggestion(MetricKey.CONSENT_RECORDED, of_enquiry(enquiry))
    assert found is not None and found.value == value


@pytest.mark.parametrize(("on_file", "value"), [(True, YES), (False, NO), (None, NO)])
def test_a_chronology_is_on_file_only_where_the_record_says_so(on_file, value):
    enquiry = S47EnquiryFactory.create(chronology_on_file=on_file)
    found = suggestions.suggestion(MetricKey.CHRONOLOGY_ON_FILE, of_enquiry(enquiry))
    assert found is not None and found.value == value


def test_oversight_within_the_enquiry_is_yes_naming_the_manager():
    enquiry = S47EnquiryFactory.create(
        start_date=D(2026, 3, 2),
        end_date=D(2026, 3, 12),
        management_oversight_date=D(2026, 3, 5),
        oversight_manager=WorkerFactory.create(name="Team Manager A"),
    )
    found = suggestions.suggestion(MetricKey.MANAGEMENT_OVERSIGHT, of_enquiry(enquiry))
    assert found == Suggestion(YES, "management oversight recorded on 5 March 2026 by Team Manager A")


@pytest.mark.parametrize("oversight", [None, D(2026, 4, 1)])
def test_oversight_missing_or_after_the_enquiry_is_no(oversight):
    enquiry = S47EnquiryFactory.create(
        start_date=D(2026, 3, 2), end_date=D(2026, 3, 12), management_oversight_date=oversight
    )
    found = suggestions.suggestion(MetricKey.MANAGEMENT_OVERSIGHT, of_enquiry(enquiry))
    assert found is not None and found.value == NO


def test_a_strategy_discussion_with_police_health_and_social_care_is_yes():
    discussion = StrategyDiscussionFactory.create(date=D(2026, 3, 2))
    found = suggestions.suggestion(MetricKey.STRATEGY_AGENCIES, CaseRecord(discussion, discussion=discussion))
    assert found == Suggestion(
        YES, "police, health and social care attended the strategy discussion on 2 March 2026"
    )


def test_a_strategy_discussion_without_health_is_no_and_says_who_attended():
    discussion = StrategyDiscussionFactory.create(date=D(2026, 3, 2), health_attended=False)
    enquiry = S47EnquiryFactory.create(child=discussion.child, strategy_discussion=discussion)
    found = suggestions.suggestion(MetricKey.STRATEGY_AGENCIES, of_enquiry(enquiry))
    assert found == Suggestion(
        NO, "the strategy discussion on 2 March 2026 was attended by Social care, Police"
    )


def test_an_acknowledged_referral_is_yes_with_the_date_and_method():
    referral = ReferralFactory.create(
        received_date=D(2026, 2, 20), acknowledgement_date=D(2026, 2, 23), acknowledgement_method="letter"
    )
    found = suggestions.suggestion(MetricKey.REFERRER_ACKNOWLEDGED, CaseRecord(referral, referral=referral))
    assert found == Suggestion(YES, "the referrer was acknowledged on 23 February 2026 by letter")


def test_a_referral_never_acknowledged_is_no():
    referral = ReferralFactory.create(referral_id="R-77", acknowledgement_date=None)
    found = suggestions.suggestion(MetricKey.REFERRER_ACKNOWLEDGED, CaseRecord(referral, referral=referral))
    assert found == Suggestion(NO, "no acknowledgement to the referrer is recorded (referral R-77)")


# Unknown in the source: no suggestion -------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "fields"),
    [
        (MetricKey.S47_WITHIN_15_DAYS, ("end_date",)),
        (MetricKey.CONSENT_RECORDED, ("consent",)),
        (MetricKey.CHRONOLOGY_ON_FILE, ("chronology_on_file",)),
        (MetricKey.MANAGEMENT_OVERSIGHT, ("management_oversight_date",)),
    ],
)
def test_an_s47_field_its_source_did_not_hold_gives_no_suggestion(key, fields):
    enquiry = S47EnquiryFactory.create(
        end_date=D(2014, 3, 10),
        consent="given",
        chronology_on_file=True,
        management_oversight_date=D(2014, 3, 5),
    )
    assert suggestions.suggestion(key, of_enquiry(enquiry)) is not None
    enquiry.unknown_fields = unknown(S47Enquiry, *fields)
    assert suggestions.suggestion(key, of_enquiry(enquiry)) is None


def test_attendance_its_source_did_not_hold_gives_no_suggestion():
    discussion = StrategyDiscussionFactory.create(
        unknown_fields=unknown(StrategyDiscussion, "police_attended")
    )
    assert (
        suggestions.suggestion(MetricKey.STRATEGY_AGENCIES, CaseRecord(discussion, discussion=discussion))
        is None
    )


def test_an_acknowledgement_its_source_did_not_hold_gives_no_suggestion():
    referral = ReferralFactory.create(unknown_fields=unknown(Referral, "acknowledgement_date"))
    assert (
        suggestions.suggestion(MetricKey.REFERRER_ACKNOWLEDGED, CaseRecord(referral, referral=referral))
        is None
    )


def test_an_s47_without_a_strategy_discussion_or_referral_suggests_nothing_about_them():
    enquiry = S47EnquiryFactory.create(strategy_discussion=None)
    case = of_enquiry(enquiry)
    assert suggestions.suggestion(MetricKey.STRATEGY_AGENCIES, case) is None
    assert suggestions.suggestion(MetricKey.REFERRER_ACKNOWLEDGED, case) is None


def test_a_question_that_measures_nothing_or_takes_text_has_no_suggestion():
    enquiry = S47EnquiryFactory.create(chronology_on_file=True)
    questions = list(Question.objects.filter(section__version=AuditFactory.create().tool_version))
    measuring = next(q for q in questions if q.measures == MetricKey.CHRONOLOGY_ON_FILE)
    assert suggestions.question_suggestion(measuring, of_enquiry(enquiry)) is not None
    measuring.kind = measuring.Kind.TEXT
    assert suggestions.question_suggestion(measuring, of_enquiry(enquiry)) is None
    plain = next(q for q in questions if not q.measures)
    assert suggestions.question_suggestion(plain, of_enquiry(enquiry)) is None


# The same answer as the compliance measure --------------------------------------------------------


def test_every_suggestion_agrees_with_the_metric_for_the_records_it_counts():
    """For each record in a measure's denominator whose source holds its fields, the suggestion is Yes
    exactly where the measure's numerator counts it as met."""
    discussion_met = StrategyDiscussionFactory.create()
    discussion_missed = StrategyDiscussionFactory.create(police_attended=False)
    S47EnquiryFactory.create(
        start_date=D(2026, 3, 2), end_date=D(2026, 3, 12), consent="given", chronology_on_file=True,
        management_oversight_date=D(2026, 3, 4), strategy_discussion=discussion_met,
    )  # fmt: skip
    S47EnquiryFactory.create(
        start_date=D(2026, 3, 2), end_date=D(2026, 3, 30), consent="refused", chronology_on_file=None,
        management_oversight_date=D(2026, 4, 20), strategy_discussion=discussion_missed,
    )  # fmt: skip
    S47EnquiryFactory.create(start_date=D(2026, 3, 9), end_date=D(2026, 3, 20), consent="not_sought")
    ReferralFactory.create(acknowledgement_date=D(2014, 2, 21))
    ReferralFactory.create(acknowledgement_date=None)
    checked = 0
    for key in suggestions.SUGGESTED_KEYS:
        metric = measures.get(key)
        model = metric.model
        counted = model._default_manager.filter(metric.denominator & metric.held)
        met = set(counted.filter(metric.numerator).values_list("pk", flat=True))
        for row in counted:
            if isinstance(row, S47Enquiry):
                case = of_enquiry(row)
            elif isinstance(row, StrategyDiscussion):
                case = CaseRecord(row, discussion=row)
            else:
                assert isinstance(row, Referral), row
                case = CaseRecord(row, referral=row)
            found = suggestions.suggestion(key, case)
            assert found is not None, (key, row)
            assert (found.value == YES) == (row.pk in met), (key, row)
            checked += 1
    assert checked >= 12


# Loading the record --------------------------------------------------------------------------------


def test_an_s47_audit_reads_the_enquiry_its_discussion_and_the_referral_that_led_to_it():
    discussion = StrategyDiscussionFactory.create(date=D(2026, 3, 2))
    enquiry = S47EnquiryFactory.create(
        child=discussion.child, start_date=D(2026, 3, 2), strategy_discussion=discussion
    )
    ReferralFactory.create(child=enquiry.child, referral_id="R-OLD", received_date=D(2025, 6, 1))
    ReferralFactory.create(child=enquiry.child, referral_id="R-LED", received_date=D(2026, 2, 27))
    ReferralFactory.create(child=enquiry.child, referral_id="R-LATER", received_date=D(2026, 5, 1))
    case_audit = CaseAuditFactory.create(child=enquiry.child, record_id=enquiry.pk)
    case = suggestions.case_record(case_audit)
    assert (case.record, case.enquiry, case.discussion) == (enquiry, enquiry, discussion)
    assert case.referral is not None and case.referral.referral_id == "R-LED"


def test_a_strategy_audit_reads_only_the_discussion():
    discussion = StrategyDiscussionFactory.create()
    audit = AuditFactory.create(frame_type=Audit.FrameType.STRATEGY)
    case = suggestions.case_record(
        CaseAuditFactory.create(audit=audit, child=discussion.child, record_id=discussion.pk)
    )
    assert case == CaseRecord(record=discussion, discussion=discussion)


def test_a_record_of_another_child_is_not_read():
    enquiry = S47EnquiryFactory.create()
    other = S47EnquiryFactory.create()
    case_audit = CaseAuditFactory.create(child=other.child, record_id=enquiry.pk)
    assert suggestions.case_record(case_audit) == CaseRecord(record=None)
