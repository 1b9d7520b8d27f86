"""Ages and birthdays, with one rule for 29 February.

Someone born on 29 February has their birthday on 1 March in a year without one: on 28 February 2026 a
child born on 29 February 2008 is still 17, and turns 18 on 1 March 2026. It is the rule of
`cases.models.Child.age_on` and of the metrics' cut-offs (the leaving-care count takes the young people
born after `born_by(today, 18)` as under 18).
"""

import datetime


def age_on(date_of_birth: datetime.date, day: datetime.date) -> int:
    """Whole years from `date_of_birth` to `day` (the age on that day)."""
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


def birthday(date_of_birth: datetime.date, age: int) -> datetime.date:
    """The day someone born on `date_of_birth` turns `age` (29 February: 1 March in a year without one)."""
    try:
        return date_of_birth.replace(year=date_of_birth.year + age)
    except ValueError:
        return datetime.date(date_of_birth.year + age, 3, 1)


def born_by(day: datetime.date, age: int) -> datetime.date:
    """The latest date of birth of someone aged `age` or more on `day` (29 February: 28 February)."""
    try:
        return day.replace(year=day.year - age)
    except ValueError:
        return datetime.date(day.year - age, 2, 28)
