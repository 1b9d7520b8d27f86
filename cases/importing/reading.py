"""Reading an uploaded file into tables of raw cells: CSV with the csv module, XLSX with openpyxl.

Everything that can go wrong with the bytes themselves (wrong type, empty, too big, undecodable,
a broken workbook) becomes an `ExtractFileError` with a message for the user; nothing here touches
the database.
"""

import codecs
import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

import openpyxl
from django.conf import settings

from cases.importing.cells import MAX_CELL_CHARS, is_blank

MAX_ROWS = 200_000
MAX_COLUMNS = 200
# A workbook is a zip; refuse one that would expand to far more than any real extract (a zip bomb), or
# one with a large member packed far tighter than real worksheets ever are (10-30 times). Both are judged
# from the sizes the zip declares, before anything is inflated; Python's zipfile never inflates a member
# past its declared size (it stops there and fails the CRC check), so a zip cannot lie its way round this.
MAX_UNZIPPED_BYTES = 400 * 1024 * 1024
MAX_RATIO_FROM_BYTES = 16 * 1024 * 1024
MAX_RATIO = 200
CSV_ENCODINGS = ("utf-8-sig", "cp1252")
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


def read_tables(file_name: str, content: bytes) -> list[Table]:
    """The tables in the file, in the order they appear. Raises ExtractFileError."""
    kind = file_format(file_name)
    if not content:
        raise ExtractFileError("The file is empty.")
    if len(content) > settings.IMPORT_MAX_BYTES:
        limit = settings.IMPORT_MAX_BYTES // (1024 * 1024)
        raise ExtractFileError(f"The file is larger than the {limit} MB limit. Split it into smaller files.")
    tables = _read_csv(file_name, content) if kind == "csv" else _read_xlsx(file_name, content)
    if not any(table.rows for table in tables):
        raise ExtractFileError("The file has no rows of data under its header row.")
    return tables


def _read_csv(file_name: str, content: bytes) -> list[Table]:
    text = _decode(content)
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


def _decode(content: bytes) -> str:
    if content.startswith(UTF16_BOMS):  # Excel's "Unicode text"
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError:
            raise ExtractFileError(
                "This is not readable text: save it as CSV (UTF-8) and try again."
            ) from None
    if b"\x00" in content:
        raise ExtractFileError("This is not a text CSV file (it holds binary data).")
    for encoding in CSV_ENCODINGS:
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ExtractFileError("This is not readable text: save it as CSV (UTF-8) and try again.")


def _dialect(text: str) -> type[csv.Dialect]:
    """Commas, unless the header row plainly uses semicolons or tabs (some Excel locales do)."""
    first_line = text.split("\n", 1)[0]
    for delimiter in (";", "\t"):
        if first_line.count(delimiter) > first_line.count(","):
            return type("Delimited", (csv.excel,), {"delimiter": delimiter})
    return csv.excel


def _read_xlsx(file_name: str, content: bytes) -> list[Table]:
    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise ExtractFileError("This is not a valid Excel (.xlsx) workbook.")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            _check_zip_sizes(archive.infolist())
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            return [_worksheet_table(file_name, sheet) for sheet in workbook.worksheets]
        finally:
            workbook.close()
    except ExtractFileError:
        raise
    except (
        Exception
    ) as error:  # openpyxl raises many kinds (KeyError, ValueError, XML errors) on broken files
        raise ExtractFileError(
            f"This could not be read as an Excel workbook ({type(error).__name__})."
        ) from None


def _check_zip_sizes(members: list[zipfile.ZipInfo]) -> None:
    """Refuses a zip bomb by the sizes its directory declares, before anything is inflated."""
    too_big = sum(info.file_size for info in members) > MAX_UNZIPPED_BYTES
    too_tight = any(
        info.file_size > MAX_RATIO_FROM_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1)
        for info in members
    )
    if too_big or too_tight:
        raise ExtractFileError("This workbook expands to far more data than a case extract holds.")


def _worksheet_table(file_name: str, sheet) -> Table:
    if not hasattr(sheet, "iter_rows"):  # chart sheets hold no cells
        return Table(file_name, sheet.title, [], 0)
    rows = sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True)
    return _table(file_name, sheet.title, enumerate(rows, 1))


def _table(file_name: str, sheet: str | None, numbered_rows) -> Table:
    """The first non-blank row is the header; blank rows are skipped but keep their numbers."""
    table = None
    where = f'Sheet "{sheet}"' if sheet else "The file"
    for number, row in numbered_rows:
        if number > MAX_ROWS + 1:
            raise ExtractFileError(f"{where} has more than {MAX_ROWS:,} rows. Split it into smaller files.")
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
