"""Each metric on small hand-made data: the arithmetic is in each test's docstring.

A strategy discussion on Monday 3 March 2014 gives a 15-working-day target of Monday 24 March 2014 (DOMAIN.md);
one on Thursday 10 April 2014 gives Tuesday 6 May, over Good Friday, Easter Monday and the early May bank holiday.
"""

import datetime
from decimal import Decimal

import pytest

from cases.models import s47_target_date
from cases.standards import AUDIT_KEYS
from metrics import measures
from tests.factories import (
    ChildFactory,
    ReferralFactory,
    S47EnquiryFactory,
    StrategyDiscussionFactory,
    TeamFactory,
)
from tests.metrics.factories import CPPlanFactory, LookedAfterEpisodeFactory
from tests.metrics.helpers import count, figure, related

D = datetime.date
pytestmark = pytest.mark.django_db
MARCH, APRIL, MAY = D(2014, 3, 1), D(2014, 4, 1), D(2014, 5, 1)


def test_every_metric_has_a_definition_and_the_audit_keys_match_the_audit_questions():
    from audits.models import Question

    assert all(metric.name and metric.definition for metric in measures.METRICS)
    choices = Question._meta.get_field("measures").choices
    assert choices is not None
    assert set(AUDIT_KEYS) == {value for value, _ in choices if value}
    assert set(AUDIT_KEYS) <= set(measures.BY_KEY)


def test_the_targets_fall_where_domain_md_says():
    assert s47_target_date(D(2014, 3, 3)) == D(2014, 3, 24)
    assert s47_target_date(D(2014, 4, 10)) == D(2014, 5, 6)


# S47 completed within 15 working days -------------------------------------------------------------


def test_s47_day_15_is_within_target_and_day_16_is_not(recompute):
    """Completed in March 2014: day 15 (24 March) met, day 16 (25 March) not, day 5 met -> 2 of 3 -> 67%."""
    S47EnquiryFactory.create(start_date=D(2014, 3, 3), end_date=D(2014, 3, 24))
    S47EnquiryFactory.create(start_date=D(2014, 3, 3), end_date=D(2014, 3, 25))
    S47EnquiryFactory.create(start_date=D(2014, 3, 3), end_date=D(2014, 3, 10))
    recompute()
    assert figure("s47_within_15_days", MARCH) == (2, 3)


def test_s47_bank_holidays_are_not_working_days(recompute):
    """Started 10 April 2014: Good Friday, Easter Monday and 5 May move the target to 6 May.
    Completed 6 May met, 7 May not -> 1 of 2 -> 50% in May."""
    S47EnquiryFactory.create(start_date=D(2014, 4, 10), end_date=D(2014, 5, 6))
    S47EnquiryFactory.create(start_date=D(2014, 4, 10), end_date=D(2014, 5, 7))
    recompute()
    assert figure("s47_within_15_days", MAY) == (1, 2)


def test_s47_open_enquiries_are_left_out_and_reported_as_open_and_overdue(recompute):
    """March 2014: 1 completed in time; 1 open past its target (24 March) -> 1 of 1 -> 100%, 1 open and
    overdue at the end of March. One completed late on 2 April was open and overdue at the end of March too:
    2 open and overdue at the end of March; at the end of April only the open one."""
    S47EnquiryFactory.create(start_date=D(2014, 3, 3), end_date=D(2014, 3, 20))
    S47EnquiryFactory.create(start_date=D(2014, 3, 3))
    S47EnquiryFactory.create(start_date=D(2014, 3, 3), end_date=D(2014, 4, 2))
    recompute()
    assert figure("s47_within_15_days", MARCH) == (1, 1)
    assert related("s47_within_15_days", MARCH) == 2
    assert figure("s47_within_15_days", APRIL) == (0, 1)
    assert related("s47_within_15_days", APRIL) == 1


def test_s47_an_open_enquiry_is_overdue_only_after_its_target_month_end(recompute):
    """Started 17 March 2014, target 7 April: not overdue at the end of March, overdue at the end of April."""
    S47EnquiryFactory.create(start_date=D(2014, 3, 17))
    recompute()
    assert related("s47_within_15_days", MARCH) in (None, 0)
    assert related("s47_within_15_days", APRIL) == 1


def test_s47_this_months_open_and_overdue_figure_is_as_of_today(recompute):
    """Today 16 June 2014: an open enquiry with target 16 June is not yet overdue; one with target 13 June is."""
    S47EnquiryFactory.create(start_date=D(2014, 5, 23))  # target 16 June (26 May is a bank holiday)
    S47EnquiryFactory.create(start_date=D(2014, 5, 21))  # target 12 June
    recompute(D(2014, 6, 16))
    assert related("s47_within_15_days", D(2014, 6, 1)) == 1


# ICPC within 15 working days --------------------------------------------------------------------------


def test_icpc_day_15_is_within_target_and_day_16_is_not(recompute):
    """ICPCs held in March 2014: day 15 (24 March) met, day 16 (25 March) not; an enquiry with no ICPC date
    is left out -> 1 of 2 -> 50%."""
    S47EnquiryFactory.create(start_date=D(2014, 3, 3), end_date=D(2014, 3, 24), icpc_date=D(2014, 3, 24))
    S47EnquiryFactory.create(start_date=D(2014, 3, 3), end_date=D(2014, 3, 25), icpc_date=D(2014, 3, 25))
    S47EnquiryFactory.create(start_date=D(2014, 3, 3), end_date=D(2014, 3, 10))
    recompute()
    assert figure("icpc_within_15_days", MARCH) == (1, 2)


def test_icpc_falls_in_the_month_it_was_held(recompute):
    """Started 10 April, ICPC 6 May (day 15 over Easter and 5 May): held in May -> May 1 of 1, April 0 of 0."""
    S47EnquiryFactory.create(start_date=D(2014, 4, 10), icpc_date=D(2014, 5, 6))
    recompute()
    assert figure("icpc_within_15_days", MAY) == (1, 1)
    assert figure("icpc_within_15_days", APRIL) == (0, 0)


# Consent decision recorded ---------------------------------------------------------------------------


def test_consent_counts_each_recorded_state(recompute):
    """Started in March 2014: given, refused with the manager's decision, not sought with reason and
    decision (3 recorded); refused without decision, not sought with a blank reason, not recorded (3 not)
    -> 3 of 6 -> 50%."""
    start = D(2014, 3, 3)
    S47EnquiryFactory.create(start_date=start, consent="given")
    S47EnquiryFactory.create(start_date=start, consent="refused", consent_manager_decision=True)
    S47EnquiryFactory.create(
        start_date=start,
        consent="not_sought",
        consent_manager_decision=True,
        consent_not_sought_reason="Risk of harm to the child.",
    )
    S47EnquiryFactory.create(start_date=start, consent="refused")
    S47EnquiryFactory.create(
        start_date=start, consent="not_sought", consent_manager_decision=True, consent_not_sought_reason="  "
    )
    S47EnquiryFactory.create(start_date=start, consent="")
    recompute()
    assert figure("consent_recorded", MARCH) == (3, 6)


def test_consent_counts_open_enquiries_by_their_start(recompute):
    """An open enquiry started in March 2014 with consent given -> 1 of 1 in March."""
    S47EnquiryFactory.create(start_date=D(2014, 3, 3), consent="given")
    recompute()
    assert figure("consent_recorded", MARCH) == (1, 1)


def test_retrospective_consent_is_counted_beside_the_figure(recompute):
    """Sought 5 March after sharing 4 March: retrospective. Sought on the day shared, or with a date
    missing: not -> 1 retrospective of 3 enquiries."""
    start = D(2014, 3, 3)
    S47EnquiryFactory.create(
        start_date=start, consent="given", consent_date=D(2014, 3, 5), information_shared_date=D(2014, 3, 4)
    )
    S47EnquiryFactory.create(
        start_date=start, consent="given", consent_date=D(2014, 3, 4), information_shared_date=D(2014, 3, 4)
    )
    S47EnquiryFactory.create(start_date=start, consent="given", consent_date=D(2014, 3, 5))
    recompute()
    assert figure("consent_recorded", MARCH) == (3, 3)
    assert related("consent_recorded", MARCH) == 1


# Chronology on file and management oversight ----------------------------------------------------------


def test_chronology_missing_or_no_is_not_on_file(recompute):
    """Completed in March 2014: yes, no, not recorded; an open one with a chronology is left out
    -> 1 of 3 -> 33%."""
    S47EnquiryFactory.create(start_date=D(2014, 3, 3), end_date=D(2014, 3, 20), chronology_on_file=True)
    S47EnquiryFactory.create(start_date=D(2014, 3, 3), end_date=D(2014, 3, 20), chronology_on_file=False)
    S47EnquiryFactory.create(start_date=D(2014, 3, 3), end_date=D(2014, 3, 20), chronology_on_file=None)
    S47EnquiryFactory.create(start_date=D(2014, 3, 3), chronology_on_file=True)
    recompute()
    assert figure("chronology_on_file", MARCH) == (1, 3)


def test_oversight_must_fall_between_start_and_completion(recompute):
    """Completed 20 March 2014: oversight 10 March met, on the last day met, after completion not, missing
    not -> 2 of 4 -> 50%."""
    kwargs = {"start_date": D(2014, 3, 3), "end_date": D(2014, 3, 20)}
    S47EnquiryFactory.create(**kwargs, management_oversight_date=D(2014, 3, 10))
    S47EnquiryFactory.create(**kwargs, management_oversight_date=D(2014, 3, 20))
    S47EnquiryFactory.create(**kwargs, management_oversight_date=D(2014, 3, 21))
    S47EnquiryFactory.create(**kwargs)
    recompute()
    assert figure("management_oversight", MARCH) == (2, 4)


# Strategy discussions and referrals -------------------------------------------------------------------


def test_strategy_discussions_need_police_health_and_social_care(recompute):
    """Held in March 2014: all three; no police; no health -> 1 of 3 -> 33%."""
    StrategyDiscussionFactory.create(date=D(2014, 3, 3))
    StrategyDiscussionFactory.create(date=D(2014, 3, 4), police_attended=False)
    StrategyDiscussionFactory.create(date=D(2014, 3, 5), health_attended=False, education_attended=True)
    recompute()
    assert figure("strategy_agencies", MARCH) == (1, 3)


def test_referrers_acknowledged_by_month_received(recompute):
    """Received in March 2014: acknowledged, not acknowledged; received 31 March, acknowledged 1 April
    -> 2 of 3 -> 67% in March."""
    ReferralFactory.create(received_date=D(2014, 3, 3), acknowledgement_date=D(2014, 3, 3))
    ReferralFactory.create(received_date=D(2014, 3, 3))
    ReferralFactory.create(received_date=D(2014, 3, 31), acknowledgement_date=D(2014, 4, 1))
    recompute()
    assert figure("referrer_acknowledged", MARCH) == (2, 3)
    assert figure("referrer_acknowledged", APRIL) == (0, 0)


# Teams --------------------------------------------------------------------------------------------------


def test_each_team_has_its_figure_and_all_teams_add_up_including_records_with_no_team(recompute):
    """March 2014: North 1 of 2, South 1 of 1, no team 0 of 1 -> all teams 2 of 4 -> 50%."""
    north, south = TeamFactory.create(code="N"), TeamFactory.create(code="S")
    S47EnquiryFactory.create(team=north, start_date=D(2014, 3, 3), end_date=D(2014, 3, 24))
    S47EnquiryFactory.create(team=north, start_date=D(2014, 3, 3), end_date=D(2014, 3, 25))
    S47EnquiryFactory.create(team=south, start_date=D(2014, 3, 3), end_date=D(2014, 3, 24))
    S47EnquiryFactory.create(team=None, start_date=D(2014, 3, 3), end_date=D(2014, 3, 25))
    recompute()
    assert figure("s47_within_15_days", MARCH, team=north) == (1, 2)
    assert figure("s47_within_15_days", MARCH, team=south) == (1, 1)
    assert figure("s47_within_15_days", MARCH) == (2, 4)


def test_records_after_this_month_are_not_counted(recompute):
    """A referral dated next month (a data entry slip) makes no snapshot for that month."""
    ReferralFactory.create(received_date=D(2014, 7, 2))
    recompute(D(2014, 6, 16))
    assert figure("referrer_acknowledged", D(2014, 7, 1)) == (0, 0)


# Counts over time ------------------------------------------------------------------------------------


def test_cp_plans_in_force_on_the_first_of_each_month(recompute):
    """Started 1 March (in force 1 March), 2 March (from 1 April); ended 1 May (not on 1 May), ended
    2 May (on 1 May): 1 March -> 1, 1 April -> 2, 1 May -> 1, 1 June -> 0."""
    CPPlanFactory.create(start_date=D(2014, 3, 1), end_date=D(2014, 5, 1))
    CPPlanFactory.create(start_date=D(2014, 3, 2), end_date=D(2014, 5, 2))
    recompute()
    assert count("children_on_cp_plans", MARCH) == 1
    assert count("children_on_cp_plans", APRIL) == 2
    assert count("children_on_cp_plans", MAY) == 1
    assert count("children_on_cp_plans", D(2014, 6, 1)) == 0


def test_looked_after_children_by_team_and_open_episodes_to_this_month(recompute):
    """An open episode from 10 February (team North) and one from 1 March to 3 March (no team): 1 March
    -> 2 all teams, 1 North; 1 June -> 1."""
    north = TeamFactory.create(code="N")
    LookedAfterEpisodeFactory.create(start_date=D(2014, 2, 10), team=north)
    LookedAfterEpisodeFactory.create(start_date=D(2014, 3, 1), end_date=D(2014, 3, 3))
    recompute()
    assert count("children_looked_after", MARCH) == 2
    assert count("children_looked_after", MARCH, team=north) == 1
    assert count("children_looked_after", D(2014, 6, 1)) == 1


def test_young_people_turning_18_while_looked_after_by_month_of_birthday(recompute):
    """Today 16 June 2014. Looked after and 18 on 20 June, on 3 September, on 1 June 2015; looked after but
    18 on 10 June 2014 (already left); 18 in July but no longer looked after: June 1, September 1, next June 1."""
    for born in (D(1996, 6, 20), D(1996, 9, 3), D(1997, 6, 1), D(1996, 6, 10)):
        LookedAfterEpisodeFactory.create(
            child=ChildFactory.create(date_of_birth=born), start_date=D(2013, 1, 1)
        )
    LookedAfterEpisodeFactory.create(
        child=ChildFactory.create(date_of_birth=D(1996, 7, 5)),
        start_date=D(2013, 1, 1),
        end_date=D(2014, 5, 1),
    )
    recompute(D(2014, 6, 16))
    assert count("turning_18_looked_after", D(2014, 6, 1)) == 1
    assert count("turning_18_looked_after", D(2014, 7, 1)) is None
    assert count("turning_18_looked_after", D(2014, 9, 1)) == 1
    assert count("turning_18_looked_after", D(2015, 6, 1)) == 1


# Audit metrics -----------------------------------------------------------------------------------------


MARCH_RECORD = D(2014, 3, 5)


def _answers(values, *, status="submitted", tool="S47 and information sharing", measures="chronology_on_file",
             record_date=MARCH_RECORD, team=None, in_subsample=False, partly_counts_half=True):  # fmt: skip
    from audits.models import Answer
    from tests.factories import AuditFactory, CaseAuditFactory, tool_version
    from tests.metrics.factories import question

    version = tool_version(tool)
    if version.partly_counts_half != partly_counts_half:
        version.partly_counts_half = partly_counts_half
        version.save()
    audit = AuditFactory.create(tool_version=version)
    asked = question(measures, tool)
    for value in values:
        case_audit = CaseAuditFactory.create(
            audit=audit, status=status, record_date=record_date, team=team, in_subsample=in_subsample
        )
        Answer.objects.create(case_audit=case_audit, question=asked, value=value)


def test_audit_yes_counts_one_partly_a_half_no_nothing_and_na_is_left_out(recompute):
    """Chronology, records of March 2014: Yes, Yes, Partly, No, N/A, unanswered -> 2.5 of 4 -> 63%."""
    _answers(["yes", "yes", "partly", "no", "na", ""])
    recompute()
    assert figure("chronology_on_file", MARCH, source="audit") == (Decimal("2.5"), 4)


def test_audit_partly_counts_nothing_when_the_tool_says_so(recompute):
    """Yes, Partly with Partly worth 0 -> 1 of 2 -> 50%."""
    _answers(["yes", "partly"], partly_counts_half=False)
    recompute()
    assert figure("chronology_on_file", MARCH, source="audit") == (1, 2)


@pytest.mark.parametrize("status", ["not_started", "in_progress", "returned"])
def test_audit_counts_only_submitted_and_moderated_case_audits(recompute, status):
    """Yes (moderated) counts; Yes in a case audit not yet submitted does not -> 1 of 1."""
    _answers(["yes"], status="moderated")
    _answers(["yes"], status=status)
    recompute()
    assert figure("chronology_on_file", MARCH, source="audit") == (1, 1)


def test_audit_subsample_questions_count_only_for_the_subsample(recompute):
    """Consent (asked of the sub-sample only): Yes in the sub-sample counts, Yes outside it does not -> 1 of 1."""
    _answers(["yes"], measures="consent_recorded", in_subsample=True)
    _answers(["yes"], measures="consent_recorded", in_subsample=False)
    recompute()
    assert figure("consent_recorded", MARCH, source="audit") == (1, 1)


def test_audit_figures_by_team_and_month_of_the_audited_record(recompute):
    """North: Yes, No on records of March -> 1 of 2; a Yes on a record of April is April's."""
    north = TeamFactory.create(code="N")
    _answers(["yes", "no"], team=north)
    _answers(["yes"], record_date=D(2014, 4, 2))
    recompute()
    assert figure("chronology_on_file", MARCH, source="audit", team=north) == (1, 2)
    assert figure("chronology_on_file", MARCH, source="audit") == (1, 2)
    assert figure("chronology_on_file", APRIL, source="audit") == (1, 1)


@pytest.mark.parametrize(
    ("icpc", "expected"), [(D(2014, 3, 24), True), (D(2014, 3, 25), False), (None, None)]
)
def test_the_icpc_expression_agrees_with_the_model(icpc, expected):
    from cases.models import S47Enquiry

    enquiry = S47EnquiryFactory.create(start_date=D(2014, 3, 3), icpc_date=icpc)
    assert enquiry.icpc_within_target is expected
    matches = S47Enquiry.objects.filter(measures.ICPC_WITHIN_TARGET, pk=enquiry.pk).exists()
    assert matches is (expected is True)


@pytest.mark.parametrize("day", [D(2014, 3, 23), D(2014, 3, 24), D(2014, 3, 25)])
def test_open_and_overdue_at_the_end_of_a_day_is_overdue_on_the_next(day):
    from cases.models import S47Enquiry

    enquiry = S47EnquiryFactory.create(start_date=D(2014, 3, 3))  # target 24 March, open
    at_end = S47Enquiry.objects.filter(measures.s47_open_and_overdue_at(day), pk=enquiry.pk).exists()
    assert at_end is enquiry.overdue_on(day + datetime.timedelta(days=1))
