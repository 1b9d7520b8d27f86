"""Reading single cells of an extract (pure functions, no database)."""

import datetime

import pytest

from cases.importing import cells

D = datetime.date


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("03/03/2014", D(2014, 3, 3)),
        ("3/3/2014", D(2014, 3, 3)),
        ("2014-03-03", D(2014, 3, 3)),
        ("2014-03-03 00:00:00", D(2014, 3, 3)),
        (datetime.datetime(2014, 3, 3, 0, 0), D(2014, 3, 3)),
        (D(2014, 3, 3), D(2014, 3, 3)),
    ],
)
def test_it_reads_dd_mm_yyyy_iso_and_date_cells(raw, expected):
    assert cells.parse_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("31/02/2014", '"31/02/2014" is not a real date.'),
        ("03-03-2014", '"03-03-2014" is not a date; use dd/mm/yyyy (for example 03/03/2014).'),
        ("2014/03/03", '"2014/03/03" is not a date; use dd/mm/yyyy (for example 03/03/2014).'),
        (41701.0, "41701.0 is not a date; use dd/mm/yyyy (for example 03/03/2014)."),
    ],
)
def test_it_explains_a_date_it_cannot_read(raw, reason):
    with pytest.raises(cells.CellError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        cells.parse_date(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a) Yes", True),
        ("b) No", False),
        ("Yes", True),
        ("n", False),
        ("TRUE", True),
        ("0", False),
        (1, True),
    ],
)
def test_it_reads_coded_and_plain_yes_and_no(raw, expected):
    assert cells.parse_bool(raw) is expected


@pytest.mark.parametrize(
    ("raw", "expected"), [(1234.0, "1234"), (1234, "1234"), ("1234.0", "1234"), (" C\u00a01 ", "C 1")]
)
def test_it_reads_numeric_ids_from_excel_as_text(raw, expected):
    assert cells.parse_code(raw) == expected


def test_a_fractional_number_is_not_an_id():
    with pytest.raises(cells.CellError):
        cells.parse_code(12.5)


def test_choices_match_codes_labels_and_annex_a_codes_loosely():
    lookup = cells.choice_lookup([("WBRI", "White British"), ("NOBT", "Information not yet obtained")])

    assert [
        cells.parse_choice(v, lookup, ["WBRI", "NOBT"]) for v in ("a) WBRI", "white british", "s) NOBT")
    ] == [
        "WBRI",
        "WBRI",
        "NOBT",
    ]


def test_blank_cells_include_spaces_and_non_breaking_spaces():
    assert [cells.is_blank(v) for v in ("", "  ", "\u00a0", None, 0, "x")] == [
        True,
        True,
        True,
        True,
        False,
        False,
    ]
