"""The working-day calendar of England and Wales.

Working days are Monday to Friday less the bank holidays of England and Wales, taken from the
`holidays` package (country GB, subdivision ENG). "Within N working days of D" counts the working days
*after* D up to and including the end date (DOMAIN.md): a strategy discussion on Monday 3 March 2014
gives a 15-working-day target of Monday 24 March 2014.
"""

import bisect
import datetime
from functools import lru_cache

import holidays


@lru_cache(maxsize=256)
def _bank_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


@lru_cache(maxsize=256)
def _working_days(year: int) -> tuple[datetime.date, ...]:
    """The working days of `year`, in order."""
    day, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    found = []
    while day <= last:
        if is_working_day(day):
            found.append(day)
        day += datetime.timedelta(days=1)
    return tuple(found)


@lru_cache(maxsize=65536)
def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date `days` working days after `start` (start itself is day 0, whatever day it is)."""
    if days < 0:
        raise ValueError("days must be zero or more")
    if days == 0:
        return start
    year = start.year
    working = _working_days(year)
    index = bisect.bisect_right(working, start) + days - 1  # the first working day after start is 0
    while index >= len(working):  # into the next year
        index -= len(working)
        year += 1
        working = _working_days(year)
    return working[index]


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """How many working days fall after `start`, up to and including `end` (0 when end <= start)."""
    count = 0
    current = start
    while current < end:
        current += datetime.timedelta(days=1)
        if is_working_day(current):
            count += 1
    return count


def within_working_days(start: datetime.date, end: datetime.date, days: int) -> bool:
    return end <= add_working_days(start, days)
