"""Each standard has a database expression (cases.standards) and a model property: they must agree."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cases import standards
from cases.models import S47Enquiry, s47_target_date
from tests.factories import S47EnquiryFactory

D = datetime.date
pytestmark = pytest.mark.django_db


def _matches(enquiry: S47Enquiry, condition) -> bool:
    return S47Enquiry.objects.filter(condition, pk=enquiry.pk).exists()


def test_the_target_is_15_working_days_after_the_strategy_discussion():
    assert s47_target_date(D(2014, 3, 3)) == D(2014, 3, 24)


@pytest.mark.parametrize(
    ("end", "expected"),
    [(D(2014, 3, 24), True), (D(2014, 3, 25), False), (None, None)],
    ids=["day-15-met", "day-16-missed", "open"],
)
def test_it_judges_completion_within_15_working_days(end, expected):
    enquiry = S47EnquiryFactory.create(start_date=D(2014, 3, 3), end_date=end)
    assert enquiry.completed_within_target is expected
    assert _matches(enquiry, standards.S47_WITHIN_TARGET) is (expected is True)
    assert _matches(enquiry, standards.S47_OUTSIDE_TARGET) is (expected is False)


def test_an_open_enquiry_is_overdue_only_after_its_target():
    enquiry = S47EnquiryFactory.create(start_date=D(2014, 3, 3))
    assert not enquiry.overdue_on(D(2014, 3, 24))
    assert enquiry.overdue_on(D(2014, 3, 25))
    assert _matches(enquiry, standards.s47_open_and_overdue(D(2014, 3, 25)))
    assert not _matches(enquiry, standards.s47_open_and_overdue(D(2014, 3, 24)))


@pytest.mark.parametrize(
    ("fields", "recorded"),
    [
        ({"consent": "given"}, True),
        ({"consent": "refused", "consent_manager_decision": True}, True),
        ({"consent": "refused", "consent_manager_decision": False}, False),
        (
            {"consent": "not_sought", "consent_manager_decision": True, "consent_not_sought_reason": "Risk"},
            True,
        ),
        (
            {"consent": "not_sought", "consent_manager_decision": True, "consent_not_sought_reason": "  "},
            False,
        ),
        (
            {"consent": "not_sought", "consent_manager_decision": False, "consent_not_sought_reason": "Risk"},
            False,
        ),
        ({"consent": ""}, False),
    ],
    ids=[
        "given",
        "refused-with-decision",
        "refused-no-decision",
        "not-sought-complete",
        "not-sought-blank-reason",
        "not-sought-no-decision",
        "not-recorded",
    ],
)
def test_it_counts_only_the_three_auditable_consent_states_as_recorded(fields, recorded):
    enquiry = S47EnquiryFactory.create(**fields)
    assert enquiry.consent_recorded is recorded
    assert _matches(enquiry, standards.CONSENT_RECORDED) is recorded


def test_consent_sought_after_information_was_shared_is_retrospective():
    late = S47EnquiryFactory.create(
        consent="given", consent_date=D(2014, 3, 6), information_shared_date=D(2014, 3, 4)
    )
    timely = S47EnquiryFactory.create(
        consent="given", consent_date=D(2014, 3, 4), information_shared_date=D(2014, 3, 4)
    )
    assert late.consent_retrospective and _matches(late, standards.CONSENT_RETROSPECTIVE)
    assert not timely.consent_retrospective and not _matches(timely, standards.CONSENT_RETROSPECTIVE)


@pytest.mark.parametrize(
    ("oversight", "end", "recorded"),
    [
        (D(2014, 3, 5), D(2014, 3, 20), True),
        (D(2014, 3, 21), D(2014, 3, 20), False),
        (D(2014, 2, 28), None, False),
        (D(2014, 3, 10), None, True),
        (None, None, False),
    ],
    ids=["during", "after-completion", "before-start", "open-during", "none"],
)
def test_management_oversight_counts_only_between_start_and_completion(oversight, end, recorded):
    enquiry = S47EnquiryFactory.create(
        start_date=D(2014, 3, 3), end_date=end, management_oversight_date=oversight
    )
    assert enquiry.management_oversight_recorded is recorded
    assert _matches(enquiry, standards.OVERSIGHT_RECORDED) is recorded


def test_an_icpc_on_day_15_is_within_target_and_day_16_is_not():
    assert (
        S47EnquiryFactory.create(start_date=D(2014, 3, 3), icpc_date=D(2014, 3, 24)).icpc_within_target
        is True
    )
    assert (
        S47EnquiryFactory.create(start_date=D(2014, 3, 3), icpc_date=D(2014, 3, 25)).icpc_within_target
        is False
    )


def test_an_end_date_before_the_start_is_refused_naming_the_field():
    enquiry = S47EnquiryFactory.build(start_date=D(2014, 3, 3), end_date=D(2014, 3, 1))
    with pytest.raises(ValidationError) as error:
        enquiry.clean()
    assert "end_date" in error.value.message_dict


def test_an_icpc_before_the_strategy_discussion_is_refused_naming_the_field():
    enquiry = S47EnquiryFactory.build(start_date=D(2014, 3, 3), icpc_date=D(2014, 3, 1))
    with pytest.raises(ValidationError) as error:
        enquiry.clean()
    assert "icpc_date" in error.value.message_dict


def test_an_unknown_outcome_code_is_refused_naming_the_field():
    enquiry = S47EnquiryFactory.create(start_date=D(2014, 3, 3))
    enquiry.outcome = "zzz"
    with pytest.raises(ValidationError) as error:
        enquiry.full_clean()
    assert "outcome" in error.value.message_dict


def test_the_database_refuses_an_end_before_the_start_even_past_validation():
    enquiry = S47EnquiryFactory.create(start_date=D(2014, 3, 3))
    with pytest.raises(IntegrityError), transaction.atomic():
        S47Enquiry.objects.filter(pk=enquiry.pk).update(end_date=D(2014, 3, 1))
