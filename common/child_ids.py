"""The one stored form of a council's child ID. Pure, no ORM.

Case management systems, spreadsheets and people write the same ID as `EX0001`, `ex0001` or `EX 0001`;
they are one child. The stored form is trimmed, in upper case, with no spaces inside (non-breaking and
other Unicode spaces included), so every import, form and search compares IDs in that form.
"""

import re

# \s covers Unicode spaces (no-break, figure, narrow no-break); the zero-width ones are not \s.
_SPACES = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")


def normalise_child_id(value: str) -> str:
    """'ex 0001 ' -> 'EX0001'."""
    return _SPACES.sub("", value).upper()
