"""The check that no text in a panel report names a child from the case records, however disguised."""

from typing import Any

import pytest

from cases.models import Child
from cases.services import child_match_keys_refresh
from reporting.privacy import content_naming_children, content_texts, texts_naming_children
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def children():
    ChildFactory.create(name="Amelia Jane Thornbury", child_id="C778899")
    ChildFactory.create(name="Noah Pryce")
    ChildFactory.create(name="Gillian Bradshaw", child_id="DEMOX000001")
    ChildFactory.create(name="María del Carmen López García", child_id="X-1")
    ChildFactory.create(name="Zoë Ångström")
    ChildFactory.create(name="Ana María de los Ángeles Pérez")


def named(text: str) -> bool:
    return texts_naming_children([("the text", text)]) == ["the text"]


def test_a_childs_full_name_in_any_case_is_found():
    found = texts_naming_children(
        [("the issue", "We discussed AMELIA JANE THORNBURY's case."), ("ok", "Case 3 was late.")]
    )
    assert found == ["the issue"]


@pytest.mark.parametrize(
    "text",
    [
        "Seen: Gil\u00adlian Bradshaw.",  # soft hyphen
        "Seen: Gillian Brad\u200bshaw.",  # zero-width space
        "Seen: G\u0456ll\u0456\u0430n \u0412r\u0430dsh\u0430w.",  # Cyrillic і, а, В
        "BRADSHAW, Gillian was seen.",  # surname first
        "Gillian Mary Bradshaw was seen.",  # a middle name
        "Gillian M. Bradshaw was seen.",  # an initial
        "Amelia Thornbury was seen.",  # the recorded middle name left out
        "Ｇｉｌｌｉａｎ Ｂｒａｄｓｈａｗ",  # full-width letters
        "Gíllian Brádshaw",  # accents
    ],
)
def test_a_disguised_name_is_found(text):
    assert named(text)


def test_names_of_five_words_or_more_are_found():
    assert named("Discussed María del Carmen López García today.")
    assert named("MARIA GARCIA")
    assert named("ana maria de los angeles perez")  # six words: four between the first and the last
    assert not named("Ana was there. Later, in the afternoon, Ms Pérez arrived.")


def test_capitals_beyond_ascii_are_folded_on_every_database():
    assert named("ZOË ÅNGSTRÖM was seen.")


@pytest.mark.parametrize(
    "text",
    ["c778899", "DEMOX000001", "demox000001", "DEMOX 000001", "DEMO-X-000001", "demo x 000 001", "x 1"],
)
def test_a_childs_id_is_found_whatever_its_case_spaces_or_punctuation(text):
    assert named(f"Chase the chronology on {text}.")


def test_a_surname_alone_or_a_different_child_is_not_a_name_on_the_records():
    texts = [
        ("a", "Mr Pryce led the training."),
        ("b", "Noah Smith attended."),
        ("c", ""),
        ("d", "Gillian chaired; the minutes were kept by the team of Mr Bradshaw."),  # far apart
        ("e", "DEMOX 000002"),
    ]
    assert texts_naming_children(texts) == []


def test_a_child_renamed_by_a_bulk_update_is_found_by_the_new_name_only():
    Child.objects.filter(child_id="C778899").update(name="Oliver Featherstonehaugh", child_id="C111222")
    assert named("Oliver Featherstonehaugh") and named("c 111222")
    assert not named("Amelia Thornbury") and not named("C778899")
    assert child_match_keys_refresh() == 1
    assert named("Oliver Featherstonehaugh") and not named("Amelia Thornbury")
    assert child_match_keys_refresh() == 0


def test_a_few_texts_cost_three_queries(django_assert_num_queries):
    with django_assert_num_queries(3):
        texts_naming_children([("a", "Noah Pryce"), ("b", "nothing here")])


def test_each_place_is_named_once_in_order():
    texts = [("b", "Noah Pryce"), ("a", "fine"), ("b", "C778899"), ("c", "PRYCE, Noah")]
    assert texts_naming_children(texts) == ["b", "c"]


# Every field of a version's content ------------------------------------------------------------------


def content_with(path: tuple, text: str) -> dict[str, Any]:
    content: dict[str, Any] = {
        "header": {"title": "QA report", "meeting_name": "Panel", "item_number": "5", "authorised_by": "",
                   "lead_officer": "", "wards_affected": "All"},
        "sections": [{"key": "issue", "title": "Describe the issue", "text": "Case 1 was late."}],
        "audits": [{"title": "Audit", "theme": "Domestic abuse", "questions": [{"code": "Q1", "text": "Q?"}],
                    "reaudit": {"original": "Audit 2013", "rows": []}}],
        "action_plans": [{"title": "Plan", "rows": [{"issue": "I", "actions": [{"lead": "Head of QA"}]}]}],
        "some_field_added_later": {"note": ""},
    }  # fmt: skip
    place: Any = content  # a dict or a list, step by step
    for step in path[:-1]:
        place = place[step]
    place[path[-1]] = text
    return content


@pytest.mark.parametrize(
    "path, where",
    [
        (("header", "meeting_name"), "the header: report for (meeting)"),
        (("header", "item_number"), "the header: item number"),
        (("header", "authorised_by"), "the header: authorised by"),
        (("header", "lead_officer"), "the header: lead officer"),
        (("header", "wards_affected"), "the header: ward(s) affected"),
        (("audits", 0, "theme"), "audit 1: theme"),
        (("audits", 0, "questions", 0, "text"), "audit 1, question 1: text"),
        (("action_plans", 0, "rows", 0, "actions", 0, "lead"), "action plan 1, row 1, action 1: lead"),
        (("audits", 0, "reaudit", "original"), "audit 1, the re-audit: title of the audit re-audited"),
        (("sections", 0, "text"), "the section 'Describe the issue': text"),
        (("some_field_added_later", "note"), "some field added later: note"),
    ],
)
def test_every_string_of_the_content_is_checked_and_its_place_named(path, where):
    assert content_naming_children(content_with(path, "Gillian Bradshaw")) == [where]
    assert content_naming_children(content_with(path, "DEMOX 000001")) == [where]
    assert content_naming_children(content_with(path, "Case 2")) == []


def test_the_walk_finds_strings_at_any_depth_and_nothing_else():
    found = dict(content_texts({"a": [{"b": ["x", {"c": "y"}]}], "n": 3, "none": None, "flag": True}))
    assert found == {"a 1: b 1": "x", "a 1, b 2: c": "y"}


def test_dates_and_uuids_the_code_wrote_are_not_taken_for_a_numeric_child_id():
    ChildFactory.create(name="Numeric Id", child_id="20140101")
    content: dict[str, Any] = {
        "header": {"title": "QA report", "meeting_date": "2014-01-01"},
        "version": {"generated_at": "2014-01-01T10:30:00.123456+00:00"},
        "audits": [{"uuid": "3f2a4b5c-1d2e-4f3a-8b9c-0d1e2f3a4b5c"}],
    }
    assert content_naming_children(content) == []
    content["header"]["title"] = "Seen 2014-01-01"  # typed text: the same digits are an ID there
    assert content_naming_children(content) == ["the header: title"]
