"""GOV.UK date inputs post a date as boxes (`<name>_0` day, `_1` month, `_2` year): how tests fill them."""

import datetime


def date_parts(name: str, value: datetime.date | str) -> dict[str, str]:
    """`date_parts("due_date", date(2024, 6, 28))` -> {"due_date_0": "28", "due_date_1": "6", "due_date_2": "2024"}.

    A string is split as typed, "dd/mm/yyyy" or "yyyy-mm-dd", and not checked: "31/02/2014" posts a day
    that does not exist, as a person might type it."""
    if isinstance(value, datetime.date):
        day, month, year = str(value.day), str(value.month), str(value.year)
    elif "-" in value:
        year, month, day = value.split("-")
    else:
        day, month, year = value.split("/")
    return {f"{name}_0": day, f"{name}_1": month, f"{name}_2": year}


def month_parts(name: str, value: datetime.date) -> dict[str, str]:
    """A month and year input: {"<name>_0": month, "<name>_1": year}."""
    return {f"{name}_0": str(value.month), f"{name}_1": str(value.year)}
