"""Fuzzing the case importers (Annex A List 5 and the own format, CSV and XLSX) with hypothesis.

Whatever the bytes, an import either succeeds or returns errors a person can act on; it never raises,
and when it fails it writes nothing at all.
"""

import codecs
from pathlib import Path

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from cases.importing import cases_import, cases_import_preview
from cases.importing.cells import MAX_CELL_CHARS
from tests.fuzz.helpers import FUZZ, csv_bytes, lying_zip, rolled_back, row_counts, xlsx_bytes, zip_bomb

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
CHILDREN = [
    ["child_id", "name", "date_of_birth", "gender", "ethnicity", "disability"],
    ["FZ0001", "Zoë Brontë", "14/02/2012", "Female", "WBRI", "No"],
    ["FZ0002", "Ann Smith", "03/09/2015", "Male", "MWBC", "Yes"],
]
ANNEX_A = [line.split(",") for line in (EXAMPLES / "annex_a_list5.csv").read_text().splitlines()]
FORMATS = st.sampled_from(["csv", "xlsx"])


def _file(rows: list[list], kind: str, name: str = "children") -> tuple[str, bytes]:
    if kind == "csv":
        return f"{name}.csv", csv_bytes(rows)
    return f"{name}.xlsx", xlsx_bytes({name: rows})


def _only_the_refusal_written(before: dict[str, int]) -> None:
    """Nothing but the refused import's own ImportBatch (one per file, for the administrators' home page)."""
    after = row_counts()
    assert after.pop("cases.ImportBatch") == before["cases.ImportBatch"] + 1
    assert after == {label: count for label, count in before.items() if label != "cases.ImportBatch"}


def _assert_refused(file_name: str, content: bytes, reason: str | None = None) -> list[str]:
    """The import fails with reasons, writes nothing, and the preview agrees."""
    before = row_counts()
    result = cases_import(file_name=file_name, content=content, user=None)
    assert not result.ok, f"{file_name} was imported"
    reasons = [error.reason for error in result.errors]
    assert all(isinstance(r, str) and len(r) > 10 for r in reasons), reasons
    if reason is not None:
        assert any(reason in r for r in reasons), reasons
    _only_the_refusal_written(before)
    assert not cases_import_preview(file_name=file_name, content=content).ok
    return reasons


def _import_or_refuse(file_name: str, content: bytes) -> None:
    """Either the import succeeds (then it is rolled back) or it fails cleanly, having written nothing."""
    before = row_counts()
    with rolled_back():
        result = cases_import(file_name=file_name, content=content, user=None)
        if not result.ok:
            assert all(str(error) for error in result.errors)
            _only_the_refusal_written(before)
    assert row_counts() == before


# Bytes that are not an extract ---------------------------------------------------------------------------


@FUZZ
@given(content=st.binary(min_size=1, max_size=4096), kind=FORMATS)
@example(content=b"PK\x03\x04", kind="xlsx")
@example(content=b"\xff\xfe\x00\x00", kind="csv")
def test_random_bytes_are_refused_with_a_reason(content, kind):
    _assert_refused(f"extract.{kind}", content)


@FUZZ
@given(text=st.text(max_size=2000), kind=FORMATS)
def test_random_text_is_refused_or_imported_never_crashes(text, kind):
    _import_or_refuse(f"extract.{kind}", text.encode("utf-8", "surrogatepass"))


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_empty_file_is_refused(kind):
    _assert_refused(f"extract.{kind}", b"", "The file is empty.")


def test_a_zip_that_is_not_a_workbook_is_refused():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    _assert_refused("extract.xlsx", buffer.getvalue(), "could not be read as an Excel workbook")


def test_a_zip_bomb_posing_as_a_workbook_is_refused_before_it_is_inflated():
    bomb = zip_bomb(64 * 1024 * 1024)
    assert len(bomb) < 200_000

    _assert_refused("extract.xlsx", bomb, "expands to far more data than a case extract holds")


def test_a_zip_that_claims_a_huge_member_is_refused_without_reading_it():
    _assert_refused("extract.xlsx", lying_zip(4_000_000_000), "expands to far more data")


# Wrong encodings -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16", "utf-16-le", "utf-16-be"]
)
def test_a_csv_in_any_common_encoding_imports_the_same_names_or_is_refused(encoding):
    content = csv_bytes(CHILDREN, "utf-8").decode("utf-8").encode(encoding)
    if encoding in ("utf-16-le", "utf-16-be"):
        content = (codecs.BOM_UTF16_LE if encoding.endswith("le") else codecs.BOM_UTF16_BE) + content
    before = row_counts()

    # The user picks Windows-1252 for a file saved that way (Latin-1 spells these names the same); a file
    # with a byte order mark is read in the encoding it marks.
    chosen = "cp1252" if encoding in ("cp1252", "latin-1") else "utf-8"
    with rolled_back():
        result = cases_import(file_name="children.csv", content=content, user=None, encoding=chosen)
        assert result.ok, (encoding, result.errors)
        from cases.models import Child

        assert sorted(Child.objects.values_list("name", flat=True)) == ["Ann Smith", "Zoë Brontë"]
    assert row_counts() == before


def test_utf16_without_a_byte_order_mark_is_refused_with_a_reason():
    content = csv_bytes(CHILDREN, "utf-8").decode("utf-8").encode("utf-16-be")

    reasons = _assert_refused("children.csv", content)
    assert any("not a text CSV" in r or "not readable text" in r for r in reasons), reasons


@FUZZ
@given(
    encoding=st.sampled_from(["utf-16", "utf-32", "cp1252", "latin-1", "shift_jis", "utf-7"]), data=st.data()
)
def test_any_encoding_of_any_text_never_crashes(encoding, data):
    names = data.draw(st.lists(st.text(min_size=1, max_size=30), min_size=1, max_size=3))
    text = "\r\n".join(
        ["child_id,name,date_of_birth"] + [f"Z{i},{n},01/01/2015" for i, n in enumerate(names)]
    )
    try:
        content = text.encode(encoding)
    except UnicodeEncodeError:
        assume(False)
    _import_or_refuse("children.csv", content)


# Columns -------------------------------------------------------------------------------------------------


@FUZZ
@given(
    kind=FORMATS,
    drop=st.sets(st.sampled_from(CHILDREN[0])),
    extra=st.lists(st.text(min_size=1, max_size=40), max_size=3),
    renamed=st.dictionaries(st.sampled_from(CHILDREN[0]), st.text(min_size=1, max_size=40), max_size=2),
)
def test_missing_extra_and_renamed_columns_are_named_or_ignored(kind, drop, extra, renamed):
    keep = [i for i, name in enumerate(CHILDREN[0]) if name not in drop]
    header = [renamed.get(CHILDREN[0][i], CHILDREN[0][i]) for i in keep] + extra
    rows = [header] + [[row[i] for i in keep] + ["x"] * len(extra) for row in CHILDREN[1:]]
    _import_or_refuse(*_file(rows, kind))


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_missing_required_column_is_named(kind):
    rows = [row[1:] for row in CHILDREN]  # no child_id

    reasons = _assert_refused(*_file(rows, kind))
    assert any("child_id" in r for r in reasons), reasons


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_missing_annex_a_column_is_named(kind):
    start = ANNEX_A[0].index("Strategy discussion initiating Section 47 Enquiry Start Date")
    rows = [row[:start] + row[start + 1 :] for row in ANNEX_A]

    reasons = _assert_refused(*_file(rows, kind, "List 5"))
    assert any("Start Date" in r or "start date" in r for r in reasons), reasons


# Cells ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("csv", f"A cell is longer than {MAX_CELL_CHARS:,} characters."),
        # openpyxl keeps only Excel's 32,767 characters of a cell: the name is then too long for its field.
        ("xlsx", "Must be at most 200 characters (it has 32767)."),
    ],
)
def test_a_one_megabyte_cell_is_refused(kind, reason):
    rows = [row[:] for row in CHILDREN]
    rows[1][1] = "x" * 1_000_000

    _assert_refused(*_file(rows, kind), reason)


IMPOSSIBLE_DATES = [
    "31/02/2014",
    "00/01/2014",
    "32/01/2014",
    "01/13/2014",
    "29/02/2023",
    "01/01/0000",
    "01/01/0001",
    "31/12/9999",
    "01/01/1800",
    "01/01/2300",
    "2014-13-01",
    "10000-01-01",
    "yesterday",
    "45000",
    "1e308",
]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("value", IMPOSSIBLE_DATES)
def test_an_impossible_or_out_of_range_date_is_refused_with_its_row_and_column(kind, value):
    rows = [row[:] for row in CHILDREN]
    rows[2][2] = value

    file_name, content = _file(rows, kind)
    before = row_counts()
    result = cases_import(file_name=file_name, content=content, user=None)
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(3, "date_of_birth")], result.errors
    _only_the_refusal_written(before)


def test_excel_dates_out_of_range_are_refused():
    import datetime

    rows: list[list[object]] = [list(row) for row in CHILDREN]
    rows[1][2] = datetime.date(1, 1, 1)
    rows[2][2] = datetime.datetime(9999, 12, 31, 23, 59)

    reasons = _assert_refused(*_file(rows, "xlsx"))
    assert len(reasons) == 2, reasons


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_s47_start_date_at_the_end_of_the_calendar_is_refused_not_crashed(kind):
    rows = [row[:] for row in ANNEX_A]
    column = rows[0].index("Strategy discussion initiating Section 47 Enquiry Start Date")
    rows[1][column] = "30/12/9999"

    _assert_refused(*_file(rows, kind, "List 5"))


@FUZZ
@given(
    kind=FORMATS,
    column=st.sampled_from(range(len(CHILDREN[0]))),
    value=st.one_of(
        st.text(max_size=200),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(str),
        st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
        st.sampled_from(["=1+1", "@SUM(A1)", "-1", "+44 1234", "\t=cmd", "NULL", "None", "N/A", " "]),
    ),
)
def test_any_value_in_any_own_format_cell_imports_or_is_refused(kind, column, value):
    rows = [row[:] for row in CHILDREN]
    rows[1][column] = value
    _import_or_refuse(*_file(rows, kind))


@FUZZ
@given(
    kind=FORMATS,
    column=st.sampled_from(range(len(ANNEX_A[0]))),
    value=st.one_of(
        st.text(max_size=200),
        st.integers(min_value=-(2**40), max_value=2**40),
        st.floats(allow_nan=False, allow_infinity=False),
        st.dates(),
        st.booleans(),
    ),
)
def test_any_value_in_any_annex_a_cell_imports_or_is_refused(kind, column, value):
    rows = [row[:] for row in ANNEX_A]
    rows[1][column] = value if kind == "xlsx" else str(value)
    _import_or_refuse(*_file(rows, kind, "List 5"))


@FUZZ
@given(
    rows=st.lists(
        st.lists(st.one_of(st.none(), st.text(max_size=20), st.integers(), st.dates()), max_size=8),
        max_size=8,
    ),
    sheet=st.sampled_from(["List 5", "children", "s47_enquiries", "Sheet1"]),
)
def test_any_small_workbook_imports_or_is_refused(rows, sheet):
    _import_or_refuse(f"{sheet}.xlsx", xlsx_bytes({sheet: rows}))
