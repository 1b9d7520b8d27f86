"""No child is named in a panel report (issue #6, point 5).

The generated parts of a report read no name and no child ID (reporting.report_content). What staff
type (narratives, action plans) could still name a child, so before a version is made its free text is
checked against the case records: any run of two to four words equal to a child's name, or any word
equal to a child's ID, stops the version. The message says where, never whose name it is, so a report
officer who may not open case records learns nothing about them.
"""

import re
from collections.abc import Iterable

from django.db.models.functions import Lower

from cases.models import Child
from common.child_ids import normalise_child_id

WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
NAME_WORDS = (2, 3, 4)


POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)


def _words(text: str) -> list[str]:
    """The words of a text, a possessive's "'s" taken off ("Thornbury's case" names Thornbury)."""
    return [POSSESSIVE.sub("", word) for word in WORD.findall(text)]


def _name_candidates(words: list[str]) -> set[str]:
    lowered = [w.lower() for w in words]
    return {" ".join(lowered[i : i + size]) for size in NAME_WORDS for i in range(len(lowered) - size + 1)}


def texts_naming_children(texts: Iterable[tuple[str, str]]) -> list[str]:
    """The `where` of each (where, text) whose text contains a child's name or ID from the case records.

    Two queries whatever the number of texts: one for names, one for IDs."""
    items = [(where, _words(text or "")) for where, text in texts]
    names = set().union(*(_name_candidates(words) for _where, words in items)) if items else set()
    ids = {w for _where, words in items for w in words}
    found_names: set[str] = set()
    found_ids: set[str] = set()
    if names:
        found_names = set(
            Child.objects.annotate(lower_name=Lower("name"))
            .filter(lower_name__in=names)
            .values_list("lower_name", flat=True)
        )
    if ids:
        found_ids = set(Child.objects.filter(child_id__in=ids).values_list("child_id", flat=True))
    flagged = []
    for where, words in items:
        if (found_names & _name_candidates(words)) or (found_ids & {normalise_child_id(w) for w in words}):
            flagged.append(where)
    return flagged
