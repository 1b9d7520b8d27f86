"""Opening an uploaded Excel workbook so that it cannot cost far more to read than a real one.

An .xlsx file is a zip of XML. A small upload can inflate to tens of megabytes of cell XML, and openpyxl
parses every byte of every sheet it is given (in read-only mode its look for a sheet's declared size, on
opening, even parses the whole sheet when the size is not declared: `_ReadOnlySheet` stops at the cells
instead). So every workbook either importer reads goes through
`open_workbook`, which applies one set of rules with the numbers each importer gives (`WorkbookLimits`):

1. From the sizes the zip's directory declares, before anything is inflated: the members together may
   not inflate past `max_inflated_bytes`, and no member larger than `ratio_from_bytes` may be packed
   tighter than `max_ratio` to 1 (real worksheets are 5 to 30 to 1). Python's zipfile never inflates a
   member past its declared size (it stops there and fails the CRC check), so these sizes are upper
   bounds a file cannot lie its way round.
2. Only the sheets the format needs are opened (`sheets` chooses them by name); the others are never
   inflated.
3. Every byte openpyxl inflates is counted, and the thread's CPU time is checked at each read (every
   16 KB or so of XML, whatever the shape of the rows): past `max_inflated_bytes` read or
   `max_cpu_seconds`, reading stops.
4. Rows are read up to a header and `max_rows` rows under it, and one more to tell there are too many.

Breaking any rule raises `WorkbookTooCostly`, whose message is for the user. See docs/security.md.
"""

import contextlib
import io
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.reader.excel import ExcelReader
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import DATA_TAG, DIMENSION_TAG
from openpyxl.worksheet.dimensions import SheetDimension
from openpyxl.xml.functions import iterparse

MB = 1024 * 1024
READ_CHUNK = 64 * 1024


class WorkbookTooCostly(Exception):
    """The workbook would cost far more to read than a real one; the message says why."""

    def __init__(self, message: str, *, inflated: int):
        super().__init__(message)
        self.inflated = inflated  # bytes inflated before it was refused


@dataclass(frozen=True)
class WorkbookLimits:
    what: str  # what the file should be, for messages: "a case extract"
    max_inflated_bytes: int
    max_rows: int
    max_columns: int
    max_cpu_seconds: float
    max_ratio: int = 100
    ratio_from_bytes: int = 1 * MB


class Meter:
    """Counts inflated bytes and the CPU time spent since it started; raises once either is over its limit."""

    def __init__(self, limits: WorkbookLimits):
        self.limits = limits
        self.inflated = 0
        self.started = time.thread_time()

    def add(self, count: int) -> None:
        self.inflated += count
        if self.inflated > self.limits.max_inflated_bytes:
            raise WorkbookTooCostly(_too_big(self.limits), inflated=self.inflated)
        self.check_time()

    def check_time(self) -> None:
        # CPU time of this thread, not the wall clock: on a busy server an honest upload is not refused for
        # waiting its turn, and CPU is what a costly file takes from everyone else.
        if time.thread_time() - self.started > self.limits.max_cpu_seconds:
            raise WorkbookTooCostly(
                f"This workbook takes too long to read: {self.limits.what} reads in well under "
                f"{self.limits.max_cpu_seconds:g} seconds. Check it is the right file.",
                inflated=self.inflated,
            )


def _too_big(limits: WorkbookLimits) -> str:
    return f"This workbook expands to far more data than {limits.what} holds. Check it is the right file."


def check_declared_sizes(members: list[zipfile.ZipInfo], limits: WorkbookLimits) -> None:
    """Rule 1: refuses a zip bomb by the sizes its directory declares, before anything is inflated."""
    too_big = sum(info.file_size for info in members) > limits.max_inflated_bytes
    too_tight = any(
        info.file_size > limits.ratio_from_bytes
        and info.file_size > limits.max_ratio * max(info.compress_size, 1)
        for info in members
    )
    if too_big or too_tight:
        raise WorkbookTooCostly(_too_big(limits), inflated=0)


class _MeteredMember(io.RawIOBase):
    """One member of the zip as openpyxl reads it, inflated a chunk at a time through the meter."""

    def __init__(self, member, meter: Meter):
        super().__init__()
        self._member = member
        self._meter = meter

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            return b"".join(iter(lambda: self.read(READ_CHUNK), b""))
        data = self._member.read(min(size, READ_CHUNK))
        self._meter.add(len(data))
        return data

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._member.close()
        super().close()


class _MeteredZip(zipfile.ZipFile):
    def __init__(self, content: bytes, meter: Meter):
        super().__init__(io.BytesIO(content))
        self.meter = meter

    def open(self, name, mode="r", pwd=None, *, force_zip64=False):
        member = super().open(name, mode, pwd, force_zip64=force_zip64)
        return _MeteredMember(member, self.meter) if mode == "r" else member


class _ReadOnlySheet(ReadOnlyWorksheet):
    """openpyxl's read-only sheet, reading its declared size from the start of the sheet and no further.

    openpyxl looks for `<dimension>` by the elements' end events, and `<sheetData>` ends only once every
    row in it has been parsed: a sheet with no `<dimension>` was parsed whole just to open it. Start
    events see `<dimension>` (it comes first) and `<sheetData>` as soon as they open.
    """

    # openpyxl's own attributes, which types-openpyxl leaves out.
    _min_column: int | None
    _min_row: int | None
    _max_column: int | None
    _max_row: int | None

    def _get_size(self):
        source = self._get_source()  # type: ignore[attr-defined]  # openpyxl's, left out of types-openpyxl
        try:
            for _event, element in iterparse(source, events=("start",)):
                if element.tag == DIMENSION_TAG:
                    dimension = SheetDimension.from_tree(element)
                    assert dimension is not None  # from_tree gives None only for no element
                    boundaries = dimension.boundaries
                    self._min_column, self._min_row, self._max_column, self._max_row = boundaries
                    return
                if element.tag == DATA_TAG:
                    return
        finally:
            source.close()


class _Reader(ExcelReader):
    """openpyxl's own reader, inflating through the meter and opening only the sheets chosen."""

    def __init__(self, archive: _MeteredZip, content: bytes, sheets: Callable[[list[str]], set[str]] | None):
        super().__init__(io.BytesIO(content), read_only=True, data_only=True, keep_links=False)
        self.archive.close()  # openpyxl's plain zip: only its directory was read
        self.archive = archive
        self.valid_files = archive.namelist()
        self._choose = sheets

    def read_worksheets(self):
        if self._choose is not None:
            wanted = self._choose([sheet.name for sheet in self.parser.sheets])
            self.parser.sheets = [sheet for sheet in self.parser.sheets if sheet.name in wanted]
        # openpyxl's own loop in read-only mode, with `_ReadOnlySheet` for its ReadOnlyWorksheet.
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files:
                continue
            if "chartsheet" in rel.Type:
                self.read_chartsheet(sheet, rel)  # type: ignore[arg-type]  # openpyxl passes a ChildSheet too
                continue
            worksheet = _ReadOnlySheet(self.wb, sheet.name, rel.target, self.shared_strings)
            worksheet.sheet_state = sheet.state  # type: ignore[assignment]  # as openpyxl's own loop does
            self.wb._sheets.append(worksheet)  # type: ignore[attr-defined]  # openpyxl's, left out of its types


@dataclass
class OpenWorkbook:
    workbook: Workbook  # openpyxl's read-only Workbook
    meter: Meter

    @property
    def worksheets(self) -> list:
        return self.workbook.worksheets

    def rows(self, sheet) -> Iterator[tuple[int, tuple]]:
        """Rule 4: the sheet's rows, numbered from 1, read no further than one past a header and `max_rows`
        rows under it (so the caller sees there are too many)."""
        limits = self.meter.limits
        rows = sheet.iter_rows(max_row=limits.max_rows + 2, max_col=limits.max_columns + 1, values_only=True)
        for number, row in enumerate(rows, 1):
            self.meter.check_time()
            yield number, row


@contextlib.contextmanager
def open_workbook(
    content: bytes, *, limits: WorkbookLimits, sheets: Callable[[list[str]], set[str]] | None = None
) -> Iterator[OpenWorkbook]:
    """The workbook in `content`, read within `limits`; `sheets` picks, from all sheet names, those to open.

    Raises WorkbookTooCostly (rules above), and zipfile.BadZipFile or openpyxl's own errors on a broken
    file: the caller words those.
    """
    meter = Meter(limits)
    with _MeteredZip(content, meter) as archive:
        check_declared_sizes(archive.infolist(), limits)
        reader = _Reader(archive, content, sheets)
        reader.read()
        try:
            yield OpenWorkbook(reader.wb, meter)
        finally:
            reader.wb.close()
