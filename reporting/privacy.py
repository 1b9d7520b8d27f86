"""No child is named in a panel report (issue #6, point 5; issue #12, part 1).

The generated parts of a report read no name and no child ID (reporting.content), but what staff
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

The children's keys are stored on their rows and indexed (cases.models.match_keys): a name's first and
last words as a pair, looked up by the pairs of neighbouring words in the text, and the ID's key, looked
up by the text's ID candidates. So the lookup is a few indexed queries returning only the children
found, whatever the number of children. Rows whose name or ID changed without their keys (a bulk write)
are read and folded here, so they are never missed.

The message says where, never whose name it is, so a report officer who may not open case records
learns nothing about them.
"""

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping

from django.db.models import F, Q, QuerySet

from cases.models import Child, match_keys
from cases.services import children_with_stale_match_keys
from common import name_keys

MAX_WORDS_BETWEEN = 3
MAX_ID_PIECES = 4
MAX_ID_LENGTH = 100
DIGIT = re.compile(r"\d")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?")
UUID_TEXT = re.compile(r"[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}")
CHUNK = 2000  # values in one IN (...): well under SQLite's and PostgreSQL's limits on parameters
LONGEST_PAIRED = MAX_WORDS_BETWEEN + 2  # a recorded name of more words is checked word by word


class _Text:
    def __init__(self, where: str, text: str):
        self.where = where
        self.words = name_keys.words(text or "")
        self.positions: dict[str, list[int]] = defaultdict(list)
        for index, word in enumerate(self.words):
            self.positions[word].append(index)
        # Each word with each of the next MAX_WORDS_BETWEEN + 1, in alphabetical order: a name's first and
        # last words in either order with at most MAX_WORDS_BETWEEN words between (Child.name_pair).
        self.pairs = {
            " ".join(sorted((word, other)))
            for index, word in enumerate(self.words)
            for other in self.words[index + 1 : index + MAX_WORDS_BETWEEN + 2]
        }
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
    # next_digit[i]: the first word from i on that holds a digit (len(words) if none), so a run's test is
    # one comparison; prose holds few digits, so few runs are joined at all.
    next_digit = [len(words)] * (len(words) + 1)
    for index in range(len(words) - 1, -1, -1):
        next_digit[index] = index if DIGIT.search(words[index]) else next_digit[index + 1]
    for start in range(len(words)):
        if next_digit[start] >= start + MAX_ID_PIECES:
            continue
        joined = words[start]
        for end in range(start + 1, min(start + MAX_ID_PIECES, len(words))):
            joined += words[end]
            if next_digit[start] <= end and len(joined) <= MAX_ID_LENGTH:
                found.add(joined)
    return found


def _chunks(values: set[str]) -> Iterator[list[str]]:
    ordered = sorted(values)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def _current() -> QuerySet[Child]:
    """Children whose stored keys were made from their name and ID as they are now."""
    return Child.objects.filter(keyed_name=F("name"), keyed_child_id=F("child_id"))


def _recorded_names(pairs: set[str]) -> tuple[set[str], list[tuple[str, str, int]]]:
    """The pairs among `pairs` that are a child's name, and the (first, last, number of words) of each
    child whose name is too long for a pair to cover."""
    found, long_names = set(), []
    long = Q(name_word_count__gt=LONGEST_PAIRED)
    for chunk in _chunks(pairs) if pairs else [[]]:
        rows = _current().filter(Q(name_pair__in=chunk) | long)
        for pair, words, count in rows.values_list("name_pair", "name_words", "name_word_count"):
            if pair in pairs:
                found.add(pair)
            if count > LONGEST_PAIRED:
                split = words.split()
                long_names.append((split[0], split[-1], count))
    return found, long_names


def _recorded_ids(candidates: set[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(candidates):
        found.update(_current().filter(child_id_key__in=chunk).values_list("child_id_key", flat=True))
    return found


def texts_naming_children(texts: Iterable[tuple[str, str]]) -> list[str]:
    """The `where` of each (where, text) whose text names a child or gives a child's ID from the case
    records, each once, in order.

    Three queries for a report's texts (more only past CHUNK pairs or ID candidates): names, IDs, and
    children whose stored keys are out of date."""
    items = [_Text(where, text) for where, text in texts]
    items = [item for item in items if item.words]
    if not items:
        return []
    pairs, names = _recorded_names(set().union(*(item.pairs for item in items)))
    ids = _recorded_ids(set().union(*(item.id_candidates for item in items)))
    for name, child_id in children_with_stale_match_keys().values_list("name", "child_id"):
        keys = match_keys(name, child_id)
        if keys["name_word_count"] >= 2:
            split = keys["name_words"].split()
            names.append((split[0], split[-1], keys["name_word_count"]))
        ids.add(keys["child_id_key"])
    ids.discard("")
    flagged: list[str] = []
    for item in items:
        if item.where in flagged:
            continue
        if pairs & item.pairs or ids & item.id_candidates or any(item.names(*name) for name in names):
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
        if not _machine_value(content):
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


def _machine_value(text: str) -> bool:
    """A string that is wholly a date, a timestamp or a UUID the content was given by the code (when it
    was generated, the meeting date, where a figure came from): not text anyone typed, and its digits
    joined ("2014-01-01" is "20140101") could otherwise pass for a council's numeric child ID."""
    text = text.strip()
    if UUID_TEXT.fullmatch(text):
        return True
    if not ISO_DATE.fullmatch(text):
        return False
    try:
        datetime.datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def _item_name(key: str, index: int, item) -> str:
    if key == "sections" and isinstance(item, dict) and item.get("title"):
        # A section's title is the report type's (reporting.sections), not typed by staff.
        return f"the section {item['title']!r}"
    return f"{ITEM_NAMES.get(key, str(key).replace('_', ' '))} {index + 1}"


def _where(parts: tuple[str, ...]) -> str:
    """'the header: authorised by', 'audit 1, question 4: text'."""
    if len(parts) < 2:
        return " ".join(parts) or "the report"
    return ", ".join(parts[:-1]) + ": " + parts[-1]


def content_naming_children(content: Mapping[str, object] | None) -> list[str]:
    """Where a version's frozen content names a child or gives a child's ID (see texts_naming_children).

    Any version's content: a ReportContent, or the shape an earlier release froze."""
    if not content:
        return []
    return texts_naming_children(content_texts(content))


def refusal_message(flagged: list[str], *, then: str = "generate the report again") -> str:
    return (
        "The report names a child from the case records, or gives a child's ID, in "
        + "; ".join(flagged)
        + f". Panel reports refer to cases by reference only (Case 1, Case 2 ...): change the text and {then}."
    )
