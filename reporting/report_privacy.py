"""No child is named in a panel report (issue #6, point 5; issue #12, part 1).

The generated parts of a report read no name and no child ID (reporting.report_content), but what staff
type (the header, narratives, audit titles and themes, question texts, action plans) could still name a
child. So every string in a version's frozen content, found by walking the content itself (no list of
fields to keep up to date), is checked against the case records before the version is made, again
before it is issued, and again before it is downloaded.

Both sides are folded alike (common.name_keys: NFKC, format characters dropped, case, accents and
look-alike letters evened out) and split into words. A text names a child when
- the first and the last word of the child's recorded name both appear in it, in either order, with at
  most MAX_WORDS_BETWEEN other words between them (a middle name, an initial, "BRADSHAW, Gillian"),
  or more for a longer recorded name; a recorded name of one word is not looked for (it would match
  every use of a common first name); or
- the child's ID appears in it with case, spaces and punctuation ignored, written as one word or split
  into up to MAX_ID_PIECES pieces one of which holds a digit ("demox000001", "DEMOX 000001",
  "DEMO-X-000001").

The children's keys are stored on their rows and indexed (cases.models.match_keys), so the lookup is a
few indexed queries over the text's words, whatever the number of children; rows whose name or ID
changed without their keys (a bulk write) are read and folded here, so they are never missed.

The message says where, never whose name it is, so a report officer who may not open case records
learns nothing about them.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.db.models import F

from cases.models import Child, match_keys
from cases.services import children_with_stale_match_keys
from common import name_keys

MAX_WORDS_BETWEEN = 3
MAX_ID_PIECES = 4
MAX_ID_LENGTH = 100
CHUNK = 2000  # values in one IN (...): well under SQLite's and PostgreSQL's limits on parameters


class _Text:
    def __init__(self, where: str, text: str):
        self.where = where
        self.words = name_keys.words(text or "")
        self.positions: dict[str, list[int]] = defaultdict(list)
        for index, word in enumerate(self.words):
            self.positions[word].append(index)
        self.id_candidates = _id_candidates(self.words)

    def names(self, first: str, last: str, word_count: int) -> bool:
        """The recorded name's first and last words near each other, in either order."""
        if word_count < 2 or first not in self.positions or last not in self.positions:
            return False
        most_between = max(MAX_WORDS_BETWEEN, word_count - 2)
        return any(
            i != j and abs(i - j) - 1 <= most_between
            for i in self.positions[first]
            for j in self.positions[last]
        )


def _id_candidates(words: list[str]) -> set[str]:
    """Each word, and runs of up to MAX_ID_PIECES words joined whose run holds a digit."""
    found = set(words)
    for size in range(2, MAX_ID_PIECES + 1):
        for start in range(len(words) - size + 1):
            run = words[start : start + size]
            if any(char.isdigit() for word in run for char in word):
                joined = "".join(run)
                if len(joined) <= MAX_ID_LENGTH:
                    found.add(joined)
    return found


def _chunks(values: set[str]) -> Iterator[list[str]]:
    ordered = sorted(values)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def _recorded_names(words: set[str]) -> set[tuple[str, str, int]]:
    """(first word, last word, number of words) of each child whose name's last word is among `words`
    (and first word too, when the words are few enough to send)."""
    current = Child.objects.filter(keyed_name=F("name"), keyed_child_id=F("child_id"))
    names = set()
    for chunk in _chunks(words):
        rows = current.filter(name_last_word__in=chunk)
        if len(words) <= CHUNK:
            rows = rows.filter(name_first_word__in=chunk)
        for first, last, all_words in rows.values_list("name_first_word", "name_last_word", "name_words"):
            names.add((first, last, len(all_words.split())))
    return names


def _recorded_ids(candidates: set[str]) -> set[str]:
    current = Child.objects.filter(keyed_name=F("name"), keyed_child_id=F("child_id"))
    found = set()
    for chunk in _chunks(candidates):
        found.update(current.filter(child_id_key__in=chunk).values_list("child_id_key", flat=True))
    return found


def texts_naming_children(texts: Iterable[tuple[str, str]]) -> list[str]:
    """The `where` of each (where, text) whose text names a child or gives a child's ID from the case
    records, each once, in order.

    Three queries for a few texts: names, IDs, and children whose stored keys are out of date."""
    items = [_Text(where, text) for where, text in texts]
    items = [item for item in items if item.words]
    if not items:
        return []
    words = set().union(*(item.positions.keys() for item in items))
    names = _recorded_names(words)
    ids = _recorded_ids(set().union(*(item.id_candidates for item in items)))
    for name, child_id in children_with_stale_match_keys().values_list("name", "child_id"):
        keys = match_keys(name, child_id)
        names.add((keys["name_first_word"], keys["name_last_word"], len(keys["name_words"].split())))
        ids.add(keys["child_id_key"])
    ids.discard("")
    flagged: list[str] = []
    for item in items:
        if item.where in flagged:
            continue
        if ids & item.id_candidates or any(item.names(*name) for name in names):
            flagged.append(item.where)
    return flagged


# A version's frozen content ------------------------------------------------------------------------------

# How a list's items and a dict's keys are named in a message; a key not listed here is named by its own
# words ("wards_affected" -> "wards affected"), so a new field is checked and named without an entry.
ITEM_NAMES = {
    "sections": "section",
    "audits": "audit",
    "questions": "question",
    "highlights": "highlight",
    "strengths": "strength",
    "focus": "area for focus",
    "action_plans": "action plan",
    "rows": "row",
    "actions": "action",
    "disagreements": "disagreement",
    "cases": "case",
    "method": "method sentence",
    "percent": "measure",
    "months": "month",
    "series": "series",
}
KEY_NAMES = {
    "header": "the header",
    "meeting_name": "report for (meeting)",
    "wards_affected": "ward(s) affected",
    "reaudit": "the re-audit",
    "original": "title of the audit re-audited",
    "comparison": "the agency comparison",
    "measures": "the measures",
    "counts": "the counts",
    "leaving_care": "leaving care",
    "issue": "issue identified",
}


def content_texts(content, parts: tuple[str, ...] = ()) -> Iterator[tuple[str, str]]:
    """(where, text) for every string anywhere in a version's content, at any depth."""
    if isinstance(content, str):
        yield _where(parts), content
    elif isinstance(content, dict):
        for key, value in content.items():
            if isinstance(value, list | tuple):
                for index, item in enumerate(value):
                    yield from content_texts(item, (*parts, _item_name(key, index, item)))
            else:
                yield from content_texts(value, (*parts, KEY_NAMES.get(key, str(key).replace("_", " "))))
    elif isinstance(content, list | tuple):
        for index, item in enumerate(content):
            yield from content_texts(item, (*parts, f"item {index + 1}"))


def _item_name(key: str, index: int, item) -> str:
    if key == "sections" and isinstance(item, dict) and item.get("title"):
        # A section's title is the report type's (reporting.report_types), not typed by staff.
        return f"the section {item['title']!r}"
    return f"{ITEM_NAMES.get(key, str(key).replace('_', ' '))} {index + 1}"


def _where(parts: tuple[str, ...]) -> str:
    """'the header: authorised by', 'audit 1, question 4: text'."""
    if len(parts) < 2:
        return " ".join(parts) or "the report"
    return ", ".join(parts[:-1]) + ": " + parts[-1]


def content_naming_children(content: dict | None) -> list[str]:
    """Where a version's frozen content names a child or gives a child's ID (see texts_naming_children)."""
    if not content:
        return []
    return texts_naming_children(content_texts(content))


def refusal_message(flagged: list[str], *, then: str = "generate the report again") -> str:
    return (
        "The report names a child from the case records, or gives a child's ID, in "
        + "; ".join(flagged)
        + f". Panel reports refer to cases by reference only (Case 1, Case 2 ...): change the text and {then}."
    )
