"""Disguised names and IDs, generated: none of them can be issued to a panel (issue #12, part 1).

Each example writes a child's name or ID the way a careless or a determined writer might (capitals,
soft hyphens and zero-width characters inside words, Cyrillic and Greek look-alike letters, accents,
full-width letters, surname first, a middle name or an initial between, an ID split by spaces or
punctuation), puts it into a string anywhere in a real version's frozen content, and tries to issue it.
"""

import copy

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from reporting import services
from reporting.content import report_content
from reporting.models import ReportVersion
from reporting.privacy import content_texts, texts_naming_children
from tests.factories import ChildFactory
from tests.fuzz.helpers import FUZZ, rolled_back
from tests.reporting.report_data import known_report

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

CHILDREN = [
    ("Gillian Bradshaw", "DEMOX000001"),
    ("Amelia Jane Thornbury", "C778899"),
    ("Noah Pryce", "AB-12-34"),
]
INVISIBLE = ["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u200e"]
# Letters that look Latin, from the Cyrillic and Greek alphabets (by eye, not from the library under test).
LOOK_ALIKES = {
    "a": "\u0430", "c": "\u0441", "e": "\u0435", "i": "\u0456", "o": "\u043e", "p": "\u0440",
    "s": "\u0455", "x": "\u0445", "y": "\u0443", "A": "\u0391", "B": "\u0412", "C": "\u0421",
    "E": "\u0395", "H": "\u041d", "M": "\u041c", "N": "\u039d", "O": "\u041e", "P": "\u0420",
    "T": "\u0422", "X": "\u03a7", "K": "\u039a", "J": "\u0408",
}  # fmt: skip
ACCENTS = ["\u0301", "\u0300", "\u0308", "\u0302"]
FILLER = st.lists(
    st.sampled_from(["the", "case", "was", "seen", "by", "Mr", "on", "3", "March", "and"]), max_size=6
)


@st.composite
def disguised_word(draw, word: str) -> str:
    """One word, each letter perhaps in another case, another script, full-width or accented, with
    invisible characters perhaps between letters."""
    case = draw(st.sampled_from([str, str.upper, str.lower, str.title]))
    out = []
    for letter in case(word):
        if draw(st.booleans()):
            letter = draw(st.sampled_from([letter.swapcase(), letter]))
        change = draw(st.sampled_from(["none", "look-alike", "full-width", "accent"]))
        if change == "look-alike":
            letter = LOOK_ALIKES.get(letter, letter)
        elif change == "full-width" and letter.isascii() and letter.isalnum():
            letter = chr(ord(letter) + 0xFEE0)
        elif change == "accent" and letter.isalpha():
            letter += draw(st.sampled_from(ACCENTS))
        out.append(letter)
        if draw(st.integers(0, 4)) == 0:
            out.append(draw(st.sampled_from(INVISIBLE)))
    return "".join(out)


@st.composite
def disguised_name(draw, name: str) -> str:
    given_names, surname = name.split()[:-1], name.split()[-1]
    first = draw(disguised_word(given_names[0]))
    last = draw(disguised_word(surname))
    between = draw(
        st.sampled_from(
            [[], [w for w in given_names[1:]], ["M."], ["Mary", "Anne"], ["(known", "as", "Gill)"]]
        )
    )
    between = [draw(disguised_word(w)) for w in between]
    if draw(st.booleans()):
        return f"{last}, {' '.join([first, *between])}"
    return " ".join([first, *between, last])


@st.composite
def disguised_id(draw, child_id: str) -> str:
    letters = [c for c in child_id if c.isalnum()]
    cuts = sorted(draw(st.sets(st.integers(1, len(letters) - 1), max_size=3)))
    pieces, start = [], 0
    for cut in [*cuts, len(letters)]:
        pieces.append("".join(letters[start:cut]))
        start = cut
    separators = st.sampled_from([" ", "-", ".", "/", " - ", "_"])
    out = pieces[0]
    for piece in pieces[1:]:
        out += draw(separators) + piece
    return draw(disguised_word(out))


@st.composite
def disguise(draw) -> str:
    name, child_id = draw(st.sampled_from(CHILDREN))
    written = draw(st.one_of(disguised_name(name), disguised_id(child_id)))
    return " ".join([*draw(FILLER), written, *draw(FILLER)]) + draw(st.sampled_from(["", ".", "'s case."]))


@pytest.fixture
def issuable(report_officer):
    """A generated version of a real report, and the places (paths) of every string in its content."""
    for name, child_id in CHILDREN:
        ChildFactory.create(name=name, child_id=child_id)
    data = known_report(report_officer)
    now = timezone.now()
    content = report_content(
        data.report, version_number=1, generated_at=now, generated_by="", today=timezone.localdate(now)
    )
    assert not texts_naming_children(content_texts(content))  # as made, the report names no child
    version = ReportVersion.objects.create(
        report=data.report,
        number=1,
        generated_by=report_officer,
        status=ReportVersion.Status.DONE,
        data=content,
    )
    return version, content, list(_string_paths(content))


def _string_paths(content, path=()):
    if isinstance(content, str):
        yield path
    elif isinstance(content, dict):
        for key, value in content.items():
            yield from _string_paths(value, (*path, key))
    elif isinstance(content, list):
        for index, value in enumerate(content):
            yield from _string_paths(value, (*path, index))


@settings(FUZZ, max_examples=80)  # cheap examples: one check and one refused issue each
@given(text=disguise(), place=st.integers(min_value=0))
def test_no_disguised_name_or_id_can_be_issued(issuable, report_officer, text, place):
    version, pristine, paths = issuable
    path = paths[place % len(paths)]
    content = copy.deepcopy(pristine)
    holder = content
    for step in path[:-1]:
        holder = holder[step]
    holder[path[-1]] = text
    with rolled_back():
        ReportVersion.objects.filter(pk=version.pk).update(data=content)
        version.refresh_from_db()
        with pytest.raises(services.ReportRefused, match="names a child"):
            services.report_version_issue(version=version, user=report_officer)
        version.refresh_from_db()
        assert version.issued_at is None
