"""The generator and the metrics keep one calendar: the same working days, the same bank holidays and
the same 29 February birthday (common.workdays, common.birthdays)."""

import datetime

import holidays
import pytest

from cases import standards
from cases.models import S47Enquiry
from common.birthdays import age_on, birthday, born_by
from common.workdays import add_working_days, within_working_days
from demo import generator
from demo.children import on_or_after, on_or_before
from tests.factories import ChildFactory
from tests.metrics.factories import LookedAfterEpisodeFactory
from tests.metrics.helpers import count

D = datetime.date
TODAY = D(2025, 6, 30)


@pytest.mark.django_db
def test_generated_s47_enquiries_start_on_working_days_and_meet_the_15_day_metric_by_the_same_count():
    generator.generate(seed=7, children=150, today=TODAY)
    enquiries = list(S47Enquiry.objects.all())
    starts = {enquiry.start_date for enquiry in enquiries}
    bank_holidays = holidays.country_holidays("GB", subdiv="ENG", years=range(2019, 2026))
    assert len(starts) > 100
    assert all(day.weekday() < 5 for day in starts)
    assert starts.isdisjoint(bank_holidays)  # none on Christmas Day, Easter Monday, the coronation...
    for enquiry in enquiries:
        assert enquiry.target_date == add_working_days(enquiry.start_date, 15)
    # The metric's numerator (standards.S47_WITHIN_TARGET) picks the same enquiries as counting working days.
    in_time = set(
        S47Enquiry.objects.filter(standards.S47_COMPLETED & standards.S47_WITHIN_TARGET).values_list(
            "pk", flat=True
        )
    )
    counted = {
        enquiry.pk
        for enquiry in enquiries
        if enquiry.end_date and within_working_days(enquiry.start_date, enquiry.end_date, 15)
    }
    assert in_time == counted
    assert 0 < len(in_time) < len([e for e in enquiries if e.end_date])


def test_the_generator_moves_dates_past_bank_holidays_as_common_workdays_does():
    assert on_or_after(D(2024, 12, 25)) == D(2024, 12, 27)  # Christmas Day, then Boxing Day
    assert on_or_after(D(2024, 12, 27)) == D(2024, 12, 27)
    assert on_or_before(D(2025, 4, 21)) == D(2025, 4, 17)  # Easter Monday, the weekend, Good Friday
    assert add_working_days(D(2014, 3, 3), 15) == D(2014, 3, 24)  # DOMAIN.md's example


def test_a_29_february_birthday_falls_on_1_march_in_a_common_year():
    born = D(2008, 2, 29)
    assert birthday(born, 18) == D(2026, 3, 1)  # when the generator ends a child's plans and episodes
    assert birthday(born, 16) == D(2024, 2, 29)
    assert ChildFactory.build(date_of_birth=born).age_on(D(2026, 2, 28)) == age_on(born, D(2026, 2, 28)) == 17
    assert ChildFactory.build(date_of_birth=born).age_on(D(2026, 3, 1)) == age_on(born, D(2026, 3, 1)) == 18
    # The latest date of birth of an 18-year-old on 29 February 2024 is 28 February 2006.
    assert born_by(D(2024, 2, 29), 18) == D(2006, 2, 28)
    assert age_on(D(2006, 2, 28), D(2024, 2, 29)) == 18
    assert age_on(D(2006, 3, 1), D(2024, 2, 29)) == 17


@pytest.mark.django_db
def test_the_leaving_care_metric_counts_a_29_february_child_as_17_until_1_march(recompute):
    born = D(2008, 2, 29)
    LookedAfterEpisodeFactory.create(child=ChildFactory.create(date_of_birth=born), start_date=D(2020, 1, 6))
    recompute(D(2026, 2, 28))
    assert count("turning_18_looked_after", D(2026, 2, 1)) == 1  # not yet 18: still to leave care
    recompute(D(2026, 3, 1))
    assert not count("turning_18_looked_after", D(2026, 2, 1))  # 18 on 1 March, as birthday() says
    assert birthday(born, 18) == D(2026, 3, 1)
