"""Names and IDs reduced to keys that see through disguises, so "BRADSHAW, Gillian" written with a soft
hyphen, Cyrillic look-alike letters or accents matches the case record "Gillian Bradshaw".

`fold(text)` is the one normalisation both sides go through, in this order:
1. Unicode NFKC: full-width, mathematical and other compatibility letters become plain letters.
2. Format characters (category Cf: soft hyphen, zero-width space and joiners, word joiner, byte-order
   mark, direction marks) are dropped, so a word they split is whole again.
3. Accents taken off: decomposed (NFD) and the combining marks (category Mn) dropped.
4. Letters that look like a Latin letter or digit (Cyrillic "а", Greek "Ν", ...) become it, from the
   Unicode confusables data as the confusable_homoglyphs package ships it (Unicode TR39); a letter with
   no look-alike of its own takes its capital's (Cyrillic "в" becomes "b", as "В" looks like "B"), so
   capitals and small letters fold alike. A letter with no single Latin look-alike stays as it is: both
   sides are folded alike, so it still matches itself.
5. Case folded (str.casefold, in Python, so every script is folded the same on every database).

`words(text)` splits a folded text into its runs of letters and digits: hyphens, apostrophes and other
punctuation separate words ("Smith-Jones" is "smith jones", "Thornbury's" is "thornbury s").
`id_key(text)` is a folded ID with everything but letters and digits taken out ("DEMO-X 000001" and
"demox000001" are both "demox000001").

Pure functions, no ORM: the cases app stores these keys on each child, and the reporting app folds the
report's text the same way before looking the keys up.
"""

import functools
import re
import unicodedata

from confusable_homoglyphs import confusables

WORD = re.compile(r"[^\W_]+")
NOT_ALPHANUMERIC = re.compile(r"[\W_]+")


@functools.lru_cache(maxsize=4096)
def _look_alike(char: str) -> str:
    """The ASCII letter or digit `char` is confusable with (small), or `char` itself."""
    if char.isascii():
        return char
    found = confusables.is_confusable(char, greedy=True, preferred_aliases=["latin"])
    for item in found or ():
        for glyph in item["homoglyphs"]:
            candidate = glyph["c"].casefold()
            if len(candidate) == 1 and candidate.isascii() and candidate.isalnum():
                return candidate
    return char


@functools.lru_cache(maxsize=4096)
def _letter_key(char: str) -> str:
    """The folded Latin look-alike of a letter as written, else of its small letter, else of its capital.

    As written first: Greek "Ν" looks like "N" though its small "ν" looks like "v". The confusables
    data folds "I" into "l" (TR39 skeletons do), so a capital that looks like "l" is taken for an "I".
    Then the small letter's, then the capital's: Cyrillic "м" looks like nothing Latin, but "М" looks
    like "M", so a name folds alike in capitals and in small letters."""
    if char.isascii():
        return char.casefold()
    found = _look_alike(char)
    if found != char:
        return "i" if found == "l" and char.isupper() else found
    out = []
    for small in char.casefold():
        found = _look_alike(small)
        if found == small and len(small.upper()) == 1 and small.upper() != small:
            capital = _look_alike(small.upper())
            if capital != small.upper():
                found = "i" if capital == "l" else capital
        out.append(found)
    return "".join(out)


def fold(text: str | None) -> str:
    """The text with compatibility forms, format characters, case, accents and look-alikes evened out."""
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(char for char in text if unicodedata.category(char) != "Cf")
    if text.isascii():
        return text.casefold()
    text = "".join(char for char in unicodedata.normalize("NFD", text) if unicodedata.category(char) != "Mn")
    return "".join(_letter_key(char) for char in text)


def words(text: str | None) -> list[str]:
    """The folded words of a text, in order."""
    return WORD.findall(fold(text))


def id_key(text: str) -> str:
    """An ID folded, with every character that is not a letter or a digit taken out."""
    return NOT_ALPHANUMERIC.sub("", fold(text))
