"""Names and IDs folded so that disguises fall away (common.name_keys)."""

import pytest

from common.name_keys import fold, id_key, words

SOFT_HYPHEN, ZERO_WIDTH_SPACE, ZERO_WIDTH_JOINER, WORD_JOINER = "\u00ad", "\u200b", "\u200d", "\u2060"


@pytest.mark.parametrize(
    "written",
    [
        "Gillian Bradshaw",
        "GILLIAN BRADSHAW",
        f"Gil{SOFT_HYPHEN}lian Brad{ZERO_WIDTH_SPACE}shaw",
        f"G{ZERO_WIDTH_JOINER}illian Bradsha{WORD_JOINER}w",
        "G\u0456ll\u0456\u0430n Br\u0430dsh\u0430w",  # Cyrillic і and а
        "Gillian \u0412RADSHAW",  # Cyrillic capital В
        "Ｇｉｌｌｉａｎ Ｂｒａｄｓｈａｗ",  # full-width
        "𝐆𝐢𝐥𝐥𝐢𝐚𝐧 Bradshaw",  # mathematical bold
        "Gíllián Brádshàw",
        "Gi\u0301llian Bradshaw",  # a combining accent
    ],
)
def test_disguised_spellings_fold_to_the_same_words(written):
    assert words(written) == ["gillian", "bradshaw"]


def test_capitals_beyond_ascii_are_folded_in_python_whatever_the_database():
    assert words("ZOË ÅNGSTRÖM") == words("zoë ångström") == ["zoe", "angstrom"]
    assert words("Дмитрий") == words("ДМИТРИЙ")


def test_punctuation_separates_words_and_a_possessive_is_a_word_of_its_own():
    assert words("BRADSHAW, Gillian") == ["bradshaw", "gillian"]
    assert words("Smith-Jones's case") == ["smith", "jones", "s", "case"]


@pytest.mark.parametrize(
    "written", ["DEMOX000001", "demox000001", "DEMOX 000001", "DEMO-X-000001", "ＤＥＭＯＸ000001"]
)
def test_an_id_is_folded_and_stripped_to_letters_and_digits(written):
    assert id_key(written) == "demox000001"


def test_a_cyrillic_letter_in_an_id_is_its_latin_look_alike():
    assert id_key("DEMO\u0425000001") == "demox000001"  # Cyrillic Х


def test_fold_of_nothing_is_nothing():
    assert fold("") == "" and words(None) == [] and id_key("") == ""
