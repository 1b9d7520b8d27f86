import datetime

import pytest

from common.workdays import add_working_days, is_working_day, within_working_days, working_days_between

D = datetime.date


def test_the_domain_example_gives_monday_24_march_2014():
    """Strategy discussion Monday 3 March 2014 + 15 working days -> Monday 24 March 2014 (DOMAIN.md)."""
    assert add_working_days(D(2014, 3, 3), 15) == D(2014, 3, 24)


def test_easter_2014_moves_the_target_by_two_days():
    """7 April 2014 + 15 working days: 28 April without Easter; Good Friday 18 and Easter Monday 21 -> 30 April."""
    assert add_working_days(D(2014, 4, 7), 15) == D(2014, 4, 30)


def test_weekends_are_not_working_days():
    assert not is_working_day(D(2014, 3, 8))  # Saturday
    assert not is_working_day(D(2014, 3, 9))  # Sunday
    assert is_working_day(D(2014, 3, 10))


@pytest.mark.parametrize(
    "day",
    [D(2014, 12, 25), D(2014, 12, 26), D(2014, 5, 5), D(2014, 8, 25), D(2023, 5, 8), D(2022, 9, 19)],
    ids=["christmas", "boxing-day", "early-may", "summer-england", "coronation", "state-funeral"],
)
def test_bank_holidays_of_england_and_wales_are_not_working_days(day):
    assert not is_working_day(day)


def test_scottish_only_holidays_are_working_days_in_england():
    """2 January and St Andrew's Day are bank holidays in Scotland, not England (2014-01-02 was a Thursday)."""
    assert is_working_day(D(2014, 1, 2))
    assert is_working_day(D(2015, 11, 30))


def test_a_target_from_a_weekend_start_counts_from_the_next_working_day():
    """Saturday 8 March 2014: day 1 is Monday 10 March, so day 15 is Friday 28 March."""
    assert add_working_days(D(2014, 3, 8), 15) == D(2014, 3, 28)


def test_working_days_between_counts_days_after_the_start_up_to_the_end():
    assert working_days_between(D(2014, 3, 3), D(2014, 3, 24)) == 15
    assert working_days_between(D(2014, 3, 3), D(2014, 3, 25)) == 16
    assert working_days_between(D(2014, 3, 3), D(2014, 3, 3)) == 0
    assert working_days_between(D(2014, 3, 3), D(2014, 3, 1)) == 0


def test_day_15_is_within_and_day_16_is_not():
    assert within_working_days(D(2014, 3, 3), D(2014, 3, 24), 15)
    assert not within_working_days(D(2014, 3, 3), D(2014, 3, 25), 15)


def test_the_year_boundary_skips_christmas_boxing_day_and_new_year():
    """Mon 22 Dec 2014: 23, 24, 29, 30, 31 Dec (5), 2 Jan (6), 5-9 Jan (11), 12-15 Jan (15) -> 15 Jan 2015."""
    assert add_working_days(D(2014, 12, 22), 15) == D(2015, 1, 15)


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        add_working_days(D(2014, 3, 3), -1)


def test_the_year_table_gives_the_same_answers_as_counting_day_by_day():
    """add_working_days looks dates up in a table of each year's working days (the generator calls it
    millions of times); it must give what counting the days one at a time gives, across year ends."""

    def counted(start: datetime.date, days: int) -> datetime.date:
        current = start
        while days:
            current += datetime.timedelta(days=1)
            days -= is_working_day(current)
        return current

    day = datetime.date(2019, 11, 1)
    while day <= datetime.date(2021, 2, 28):
        for days in (0, 1, 15, 45, 260, 600):
            assert add_working_days(day, days) == counted(day, days), (day, days)
        day += datetime.timedelta(days=1)
