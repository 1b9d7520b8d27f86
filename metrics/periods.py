"""Calendar months, the reporting periods: a month is named by its first day. Pure helpers, no ORM."""

import datetime
import re

_MONTH_FORMS = (
    re.compile(
        r"^\s*(?P<month>\d{1,2})(?:\s*/\s*|\s+)(?P<year>\d{4})\s*$"
    ),  # 3 2014 or 03/2014, as staff write it
    re.compile(r"^\s*(?P<year>\d{4})-(?P<month>\d{1,2})\s*$"),  # 2014-03, as URLs and the API write it
)


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(month: datetime.date, count: int) -> datetime.date:
    """The first day of the month `count` months after (or before) `month`'s month."""
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_end(month: datetime.date) -> datetime.date:
    return add_months(month, 1) - datetime.timedelta(days=1)


def month_index(month: datetime.date) -> int:
    return month.year * 12 + month.month - 1


def months(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """Every month from `first`'s to `last`'s, inclusive (empty when last is before first)."""
    return [add_months(month_start(first), i) for i in range(month_index(last) - month_index(first) + 1)]


def last_complete_month(today: datetime.date) -> datetime.date:
    return add_months(month_start(today), -1)


def parse_month(text: str) -> datetime.date | None:
    """A month typed as 3 2014, 03/2014 or 2014-03 -> 1 March 2014; anything else -> None."""
    for pattern in _MONTH_FORMS:
        found = pattern.match(text or "")
        if found:
            month, year = int(found["month"]), int(found["year"])
            if 1 <= month <= 12 and year >= 1900:
                return datetime.date(year, month, 1)
    return None


def month_param(month: datetime.date) -> str:
    """The form a month takes in a URL: 2014-03."""
    return f"{month:%Y-%m}"
