"""Reading an uploaded file into tables of raw cells: CSV with the csv module, XLSX with openpyxl.

Everything that can go wrong with the bytes themselves (wrong type, empty, too big, undecodable,
a broken workbook) becomes an `ExtractFileError` with a message for the user; nothing here touches
the database.
"""

import codecs
import csv
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath

from django.conf import settings

from cases.importing.cells import MAX_CELL_CHARS, is_blank
from cases.importing.workbooks import WorkbookLimits, WorkbookTooCostly, open_workbook

MAX_ROWS = 200_000
MAX_COLUMNS = 200
# A case extract's workbook (docs/import.md): 200,000 rows of a dozen columns inflate to about 120 MB of sheet
# XML, and only managers import them, so its limits leave room for the largest real extract.
CASE_EXTRACT_LIMITS = WorkbookLimits(
    what="a case extract",
    max_inflated_bytes=400 * 1024 * 1024,
    max_rows=MAX_ROWS,
    max_columns=MAX_COLUMNS,
    max_cpu_seconds=60,
)
# The encodings a CSV file may be read in, as the upload form offers them. A file is read in the one chosen
# (UTF-8 unless the user picks another) or refused: guessing a second one turned a UTF-8 file with one
# stray byte into mojibake ("ZoÃ«"). A byte order mark names its encoding itself and wins over the choice.
UTF_8, WINDOWS_1252, UTF_16 = "utf-8", "cp1252", "utf-16"
CSV_ENCODINGS = {
    UTF_8: "UTF-8",
    WINDOWS_1252: "Windows-1252",
    UTF_16: "UTF-16",
}
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class ExtractFileError(Exception):
    """The file as a whole cannot be read; the message says why."""


@dataclass
class Table:
    """One CSV file or one worksheet: its header and its data rows, numbered as a spreadsheet shows them."""

    file_name: str
    sheet: str | None
    header: list[str]
    header_row: int
    rows: list[tuple[int, tuple]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.sheet if self.sheet is not None else PurePath(self.file_name).stem


def file_format(file_name: str) -> str:
    suffix = PurePath(file_name).suffix.lower()
    if suffix in (".csv", ".xlsx"):
        return suffix[1:]
    if suffix in (".xls", ".xlsm", ".ods", ".numbers"):
        raise ExtractFileError("This is not a CSV or .xlsx file: save it as .xlsx or CSV and try again.")
    raise ExtractFileError("This is not a CSV or Excel (.xlsx) file. Only those can be imported.")


def read_tables(
    file_name: str,
    content: bytes,
    *,
    limits: WorkbookLimits = CASE_EXTRACT_LIMITS,
    sheets: Callable[[list[str]], set[str]] | None = None,
    encoding: str = UTF_8,
) -> list[Table]:
    """The tables in the file, in the order they appear. Raises ExtractFileError.

    A CSV file is read in `encoding` (one of CSV_ENCODINGS); a workbook is always Unicode.

    A workbook is read within `limits` (cases/importing/workbooks.py), opening only the sheets that
    `sheets` picks from the names of all of them (all, by default).
    """
    kind = file_format(file_name)
    if not content:
        raise ExtractFileError("The file is empty.")
    if len(content) > settings.IMPORT_MAX_BYTES:
        limit = settings.IMPORT_MAX_BYTES // (1024 * 1024)
        raise ExtractFileError(f"The file is larger than the {limit} MB limit. Split it into smaller files.")
    if kind == "csv":
        tables = _read_csv(file_name, content, encoding)
    else:
        tables = _read_xlsx(file_name, content, limits, sheets)
    if not any(table.rows for table in tables):
        raise ExtractFileError("The file has no rows of data under its header row.")
    return tables


def _read_csv(file_name: str, content: bytes, encoding: str) -> list[Table]:
    text = _decode(content, encoding)
    if "\x00" in text:
        raise ExtractFileError("This is not a text CSV file (it holds binary data).")
    try:
        return [
            _table(file_name, None, enumerate(csv.reader(io.StringIO(text, newline=""), _dialect(text)), 1))
        ]
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise ExtractFileError(f"A cell is longer than {MAX_CELL_CHARS:,} characters.") from None
        raise ExtractFileError(f"This is not a readable CSV file ({error}).") from None


def _decode(content: bytes, encoding: str) -> str:
    if encoding not in CSV_ENCODINGS:
        raise ValueError(f"Not an encoding a case extract is read in: {encoding!r}")
    if content.startswith(UTF16_BOMS):  # Excel's "Unicode text"
        encoding = UTF_16
    elif content.startswith(codecs.BOM_UTF8):  # Excel's "CSV UTF-8"
        encoding = UTF_8
    elif encoding != UTF_16 and b"\x00" in content:
        raise ExtractFileError("This is not a text CSV file (it holds binary data).")
    try:
        return content.decode("utf-8-sig" if encoding == UTF_8 else encoding)
    except UnicodeDecodeError as error:
        raise ExtractFileError(_not_in_encoding(content, encoding, error)) from None


def _not_in_encoding(content: bytes, encoding: str, error: UnicodeDecodeError) -> str:
    """Names the row of the first byte that is not valid in the encoding, and what to do about it."""
    before = content[: error.start].decode(encoding, errors="replace")
    row = _row_of_end(before)
    byte = content[error.start : error.start + 1].hex().upper()
    label = CSV_ENCODINGS[encoding]
    advice = (
        'Save it from Excel as "CSV UTF-8" and upload it again, or, if it was saved in another encoding, '
        "choose that one (for example Windows-1252)."
        if encoding == UTF_8
        else 'Choose the encoding it was saved in (UTF-8, if Excel saved it as "CSV UTF-8").'
    )
    return f"Row {row} is not valid {label} text (byte 0x{byte}), so its letters cannot be read. {advice}"


def _row_of_end(text: str) -> int:
    """The CSV row (as a spreadsheet numbers it) that the end of `text` falls in."""
    try:
        rows = sum(1 for _ in csv.reader(io.StringIO(text + "x", newline=""), _dialect(text)))
    except csv.Error:  # an unclosed quote: count lines instead
        rows = text.count("\n") + 1
    return max(rows, 1)


def _dialect(text: str) -> type[csv.Dialect]:
    """Commas, unless the header row plainly uses semicolons or tabs (some Excel locales do)."""
    first_line = text.split("\n", 1)[0]
    for delimiter in (";", "\t"):
        if first_line.count(delimiter) > first_line.count(","):
            return type("Delimited", (csv.excel,), {"delimiter": delimiter})
    return csv.excel


def _read_xlsx(file_name: str, content: bytes, limits: WorkbookLimits, sheets) -> list[Table]:
    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise ExtractFileError("This is not a valid Excel (.xlsx) workbook.")
    try:
        with open_workbook(content, limits=limits, sheets=sheets) as workbook:
            return [_worksheet_table(file_name, workbook, sheet, limits) for sheet in workbook.worksheets]
    except WorkbookTooCostly as error:
        raise ExtractFileError(str(error)) from None
    except ExtractFileError:
        raise
    except (
        Exception
    ) as error:  # openpyxl raises many kinds (KeyError, ValueError, XML errors) on broken files
        raise ExtractFileError(
            f"This could not be read as an Excel workbook ({type(error).__name__})."
        ) from None


def _worksheet_table(file_name: str, workbook, sheet, limits: WorkbookLimits) -> Table:
    if not hasattr(sheet, "iter_rows"):  # chart sheets hold no cells
        return Table(file_name, sheet.title, [], 0)
    return _table(file_name, sheet.title, workbook.rows(sheet), max_rows=limits.max_rows)


def _table(file_name: str, sheet: str | None, numbered_rows, *, max_rows: int = MAX_ROWS) -> Table:
    """The first non-blank row is the header; blank rows are skipped but keep their numbers."""
    table = None
    where = f'Sheet "{sheet}"' if sheet else "The file"
    for number, row in numbered_rows:
        if number > max_rows + 1:
            raise ExtractFileError(f"{where} has more than {max_rows:,} rows. Split it into smaller files.")
        if len(row) > MAX_COLUMNS and not is_blank(row[MAX_COLUMNS]):
            raise ExtractFileError(f"{where} has more than {MAX_COLUMNS} columns.")
        if all(is_blank(cell) for cell in row):
            continue
        _check_cell_sizes(where, number, row)
        if table is None:
            header = [str(cell).strip() if cell is not None else "" for cell in row]
            table = Table(file_name, sheet, header, number)
        else:
            table.rows.append((number, tuple(row)))
    return table or Table(file_name, sheet, [], 0)


def _check_cell_sizes(where: str, number: int, row) -> None:
    for cell in row:
        if isinstance(cell, str) and len(cell) > MAX_CELL_CHARS:
            raise ExtractFileError(
                f"{where}, row {number}: a cell is longer than {MAX_CELL_CHARS:,} characters."
            )
