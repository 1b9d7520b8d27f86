"""Cleaning and parsing single cells of a case extract. Pure functions, no ORM.

Each parser takes a raw cell (a str from CSV; str, int, float, date or datetime from openpyxl) that is
not blank, and returns the parsed value or raises `CellError` with a reason a person can act on.
"""

import datetime
import re
from collections.abc import Iterable

# Excel's own limit on a cell; anything longer is not a real extract.
MAX_CELL_CHARS = 32_767
# Dates in case records fall well inside these; anything outside is a typing slip (01/01/0201), and
# would also overflow date arithmetic (targets, ages, months) near the ends of the calendar.
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2099, 12, 31)

_SPACES = re.compile(r"[\s\u00a0\u2007\u202f\ufeff]+")
# Annex A codes a value with a letter: "a) Male", "s) NOBT".
_CODE_PREFIX = re.compile(r"^[a-z]{1,2}\)\s*")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$")
_WHOLE_NUMBER = re.compile(r"^\d+\.0+$")

_TRUE = {"yes", "y", "true", "t", "1"}
_FALSE = {"no", "n", "false", "f", "0"}


class CellError(ValueError):
    """A cell that cannot be read; the message is shown to the user as the reason."""


def clean(value: object) -> object:
    """Strings lose stray and non-breaking spaces; an empty string becomes None."""
    if isinstance(value, str):
        value = value.replace("\u00a0", " ").strip()
        return value or None
    return value


def is_blank(value: object) -> bool:
    return clean(value) is None


def token(value: str) -> str:
    """A loose form for matching codes and headers: lower case, no code prefix, no punctuation."""
    text = _SPACES.sub(" ", value).strip().lower()
    text = _CODE_PREFIX.sub("", text)
    return _NOT_ALNUM.sub("_", text).strip("_")


def parse_text(value: object, *, max_length: int | None = None, single_line: bool = True) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).replace("\u00a0", " ").strip()
    if single_line:
        text = _SPACES.sub(" ", text)
    if max_length is not None and len(text) > max_length:
        raise CellError(f"Must be at most {max_length} characters (it has {len(text)}).")
    return text


def parse_code(value: object, *, max_length: int | None = None) -> str:
    """An ID or code. Excel turns numeric IDs into floats (1234.0): they become "1234"."""
    if isinstance(value, bool):
        raise CellError(f"{value!r} is not an ID.")
    if isinstance(value, float):
        if not value.is_integer():
            raise CellError(f"{value} is not an ID (IDs are whole numbers or text).")
        value = int(value)
    if isinstance(value, datetime.date):
        raise CellError("This is a date, not an ID.")
    text = parse_text(value, max_length=max_length)
    if _WHOLE_NUMBER.match(text):
        text = text.split(".", 1)[0]
    return text


def parse_date(value: object) -> datetime.date:
    date = _date(value)
    if not EARLIEST_DATE <= date <= LATEST_DATE:
        raise CellError(
            f"{date.day:02}/{date.month:02}/{date.year:04} is not a likely date: dates must be between {EARLIEST_DATE.year} "
            f"and {LATEST_DATE.year}."
        )
    return date


def _date(value: object) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str):
        raise CellError(f"{value!r} is not a date; use dd/mm/yyyy (for example 03/03/2014).")
    text = value.strip()
    dmy, iso = _DMY.match(text), _ISO.match(text)
    try:
        if dmy:
            return datetime.date(int(dmy[3]), int(dmy[2]), int(dmy[1]))
        if iso:
            return datetime.date(int(iso[1]), int(iso[2]), int(iso[3]))
    except ValueError:
        raise CellError(f'"{_shorten(text)}" is not a real date.') from None
    raise CellError(f'"{_shorten(text)}" is not a date; use dd/mm/yyyy (for example 03/03/2014).')


def parse_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    word = token(str(value))
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise CellError(f'"{_shorten(str(value))}" is not Yes or No.')


def choice_lookup(
    choices: Iterable[tuple[str, str]], aliases: dict[str, str] | None = None
) -> dict[str, str]:
    """Every accepted spelling of a choice (its code, its label, known aliases), by `token`."""
    lookup = {}
    for code, label in choices:
        lookup[token(code)] = code
        lookup[token(str(label))] = code
    for alias, code in (aliases or {}).items():
        lookup[token(alias)] = code
    lookup.pop("", None)
    return lookup


def parse_choice(value: object, lookup: dict[str, str], allowed: Iterable[str]) -> str:
    text = str(value)
    code = lookup.get(token(text))
    if code is None:
        raise CellError(f'"{_shorten(text)}" is not one of the allowed values: {", ".join(allowed)}.')
    return code


def _shorten(text: str, limit: int = 60) -> str:
    text = _SPACES.sub(" ", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
