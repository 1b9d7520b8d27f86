"""The guard every uploaded workbook is read through (cases/importing/workbooks.py): the size a zip declares,
the ratio of each member, only the sheets wanted, every inflated byte counted, CPU time and rows capped."""

import dataclasses
import io

import openpyxl
import pytest

from cases.importing.workbooks import MB, WorkbookLimits, WorkbookTooCostly, open_workbook
from tests.fuzz.helpers import inflating_workbook, xlsx_bytes

LIMITS = WorkbookLimits(
    what="a test workbook", max_inflated_bytes=50 * MB, max_rows=5_000, max_columns=200, max_cpu_seconds=2.0
)


@pytest.fixture(scope="module")
def three_tight_sheets() -> bytes:
    """The attack of issue #12.3: about 200 KB that inflates to 48 MB of cell XML in three sheets."""
    return inflating_workbook({"Answers": 16 * MB, "Sheet2": 16 * MB, "Sheet3": 16 * MB})


@pytest.fixture(scope="module")
def three_loose_sheets() -> bytes:
    """The same 48 MB packed only about 50 to 1 (under 1 MB of upload), so no size rule refuses it."""
    return inflating_workbook(
        {"Answers": 16 * MB, "Sheet2": 16 * MB, "Sheet3": 16 * MB}, numbered=True, cells_per_row=10
    )


def _all_rows(content: bytes, limits: WorkbookLimits = LIMITS, sheets=None) -> dict[str, list]:
    with open_workbook(content, limits=limits, sheets=sheets) as workbook:
        return {sheet.title: list(workbook.rows(sheet)) for sheet in workbook.worksheets}


def test_the_three_sheet_attack_is_refused_by_its_ratio_before_a_byte_is_inflated(three_tight_sheets):
    assert len(three_tight_sheets) < 250_000
    with pytest.raises(
        WorkbookTooCostly, match="expands to far more data than a test workbook holds"
    ) as error:
        _all_rows(three_tight_sheets)
    assert error.value.inflated == 0


def test_members_that_together_declare_more_than_the_cap_are_refused_before_they_are_inflated():
    """Two sheets of 1 MB each, about 50 to 1, against a cap of 1.5 MB."""
    content = inflating_workbook({"One": MB, "Two": MB}, numbered=True, cells_per_row=10)
    limits = dataclasses.replace(LIMITS, max_inflated_bytes=MB + MB // 2)
    with pytest.raises(WorkbookTooCostly) as error:
        _all_rows(content, limits)
    assert error.value.inflated == 0
    assert len(_all_rows(content)["One"]) > 1_000  # the same file within the usual cap


def test_a_small_member_may_be_packed_tight_a_large_one_may_not():
    """Half a megabyte at 240 to 1 harms no one; 2 MB at 240 to 1 is refused (only members over 1 MB count)."""
    assert _all_rows(inflating_workbook({"Small": MB // 2}))["Small"]
    with pytest.raises(WorkbookTooCostly):
        _all_rows(inflating_workbook({"Large": 2 * MB}))


def test_only_the_sheets_chosen_are_inflated():
    """Of 2 + 8 + 8 MB, only the Answers sheet's 2 MB is read, once (its size is read from its first chunk)."""
    content = inflating_workbook(
        {"Answers": 2 * MB, "Sheet2": 8 * MB, "Sheet3": 8 * MB}, numbered=True, cells_per_row=10
    )
    limits = dataclasses.replace(LIMITS, max_rows=1_000_000)
    with open_workbook(content, limits=limits, sheets=lambda names: {"Answers"}) as workbook:
        assert [sheet.title for sheet in workbook.worksheets] == ["Answers"]
        rows = sum(1 for _ in workbook.rows(workbook.worksheets[0]))
        inflated = workbook.meter.inflated
    assert rows > 11_000  # 2 MB in rows of 175 bytes
    assert 2 * MB < inflated <= 2 * MB + 2 * 64 * 1024


def test_a_sheet_that_does_not_declare_its_size_opens_without_being_parsed(three_loose_sheets):
    """openpyxl parsed a sheet with no <dimension> whole to open it: 16 MB of XML, seconds of CPU, so the
    CPU limit refused a file the row limit should have named."""
    with open_workbook(three_loose_sheets, limits=LIMITS, sheets=lambda names: {"Answers"}) as workbook:
        assert workbook.meter.inflated <= 64 * 1024
        rows = list(workbook.rows(workbook.worksheets[0]))
        inflated = workbook.meter.inflated
    assert len(rows) == 5_002  # a header, 5,000 rows and the one that tells the caller there are too many
    assert inflated < MB


def test_reading_stops_at_the_cpu_limit_part_way_through_a_sheet(three_loose_sheets):
    limits = dataclasses.replace(LIMITS, max_rows=1_000_000, max_cpu_seconds=0.05)
    with pytest.raises(WorkbookTooCostly, match="takes too long to read") as error:
        _all_rows(three_loose_sheets, limits)
    assert error.value.inflated < 16 * MB


def test_every_inflated_byte_is_counted_and_reading_stops_within_a_read_of_the_cap():
    """A 3 MB sheet passes a 4 MB cap as declared, but a reader that goes through its rows twice inflates it
    twice: the count stops it within one 64 KB read past the cap. (The CPU-time limit is raised: this test is
    about the byte count, and a loaded machine must not trip the other guard first.)"""
    content = inflating_workbook({"Sheet": 3 * MB}, numbered=True, cells_per_row=10)
    limits = dataclasses.replace(LIMITS, max_inflated_bytes=4 * MB, max_rows=1_000_000, max_cpu_seconds=60)
    with (
        pytest.raises(WorkbookTooCostly, match="expands to far more data") as error,
        open_workbook(content, limits=limits) as workbook,
    ):
        for _ in range(2):
            list(workbook.rows(workbook.worksheets[0]))
    assert 4 * MB < error.value.inflated <= 4 * MB + 64 * 1024


def test_rows_stop_one_past_the_limit_and_a_far_row_number_yields_no_filler():
    """Row 1, then row 1,000,000: openpyxl would fill the gap with 999,998 blank rows; with room for a header
    and 10 rows it stops at row 12, one past them."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet["A1"] = "first"
    sheet["A1000000"] = "far"
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows = _all_rows(buffer.getvalue(), dataclasses.replace(LIMITS, max_rows=10))["Sheet"]
    assert [number for number, _row in rows] == list(range(1, 13))


def test_an_ordinary_workbook_reads_every_cell():
    content = xlsx_bytes({"Answers": [["Case audit", "D1"], ["x", "Yes"]], "Notes": [["a note"]]})
    read = {
        title: [(number, tuple(cell for cell in row if cell is not None)) for number, row in rows]
        for title, rows in _all_rows(content).items()
    }
    assert read == {"Answers": [(1, ("Case audit", "D1")), (2, ("x", "Yes"))], "Notes": [(1, ("a note",))]}
