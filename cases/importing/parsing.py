"""From tables of raw cells to typed records: recognise the format, match headers, parse each cell.

No database access: what this cannot judge alone (unknown references, matches with stored rows) is
left to `checks` and `planning`.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from cases.importing import cells, schema
from cases.importing.reading import Table
from cases.importing.schema import Column, RecordType

SAMPLE_ROWS = 20
ANNEX_A = "annex_a_list_5"
OWN_FORMAT = "own_format"


@dataclass(frozen=True)
class ExtractError:
    """A reason the extract cannot be imported, with where it is as a spreadsheet shows it."""

    file_name: str
    reason: str
    sheet: str | None = None
    row: int | None = None
    column: str = ""

    def __str__(self) -> str:
        if self.row is None:
            return self.reason
        if self.column:
            return f'row {self.row}, column "{self.column}": {self.reason}'
        return f"row {self.row}: {self.reason}"

    @property
    def place(self) -> str:
        return f'{self.file_name}, sheet "{self.sheet}"' if self.sheet else self.file_name


@dataclass
class Record:
    """One record of one type read from one row; foreign keys still hold the council's codes."""

    record_type: RecordType
    table: Table
    row: int
    values: dict[str, object]
    headers: dict[str, str]  # model field -> the column's header as written in the file
    repeatable: bool = False  # may appear on several rows, if the same each time (children in Annex A)

    @property
    def key(self) -> tuple:
        return tuple(self.values[name] for name in self.record_type.key)

    def error(self, field_name: str, reason: str) -> ExtractError:
        column = self.headers.get(field_name, "")
        return ExtractError(self.table.file_name, reason, self.table.sheet, self.row, column)


@dataclass
class Sample:
    """The first rows of a table, parsed, for the preview page."""

    title: str
    columns: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)


@dataclass
class Extract:
    """Everything read from one or more files, before any check against the database."""

    formats: dict[str, str] = field(default_factory=dict)  # file name -> ANNEX_A or OWN_FORMAT
    records: dict[str, list[Record]] = field(default_factory=lambda: defaultdict(list))
    # Keys of rows that could not be parsed: other rows may still point to them without a second error.
    rejected_keys: dict[str, set] = field(default_factory=lambda: defaultdict(set))
    errors: list[ExtractError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)
    rows: int = 0
    rows_by_file: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def parse_tables(extract: Extract, file_name: str, tables: list[Table]) -> None:
    """Add the records of one file's tables to `extract`."""
    if _is_annex_a(tables):
        extract.formats[file_name] = ANNEX_A
        _parse_annex_a(extract, file_name, tables)
    else:
        extract.formats[file_name] = OWN_FORMAT
        _parse_own_format(extract, file_name, tables)


def sheets_to_read(names: list[str]) -> set[str]:
    """Of a workbook's sheets, those an import opens: an Annex A workbook's List 5 alone, else every one."""
    list_5 = {name for name in names if schema.ANNEX_A_SHEET.match(cells.token(name))}
    return list_5 or set(names)


def _is_annex_a(tables: list[Table]) -> bool:
    if any(t.sheet and schema.ANNEX_A_ANY_LIST_SHEET.match(cells.token(t.sheet)) for t in tables):
        return True
    # Own-format files say `child_id`; Annex A says "Child Unique ID" and names the S47 start date its way.
    return any(
        cells.token(h) == "child_unique_id" or schema.ANNEX_A_START_DATE.matches(h)
        for t in tables
        for h in t.header
    )


def _parse_annex_a(extract: Extract, file_name: str, tables: list[Table]) -> None:
    if len(tables) > 1 or tables[0].sheet is not None:
        tables = [t for t in tables if t.sheet and schema.ANNEX_A_SHEET.match(cells.token(t.sheet))]
        if not tables:
            extract.errors.append(
                ExtractError(file_name, "The workbook has no sheet named List 5 (S47 enquiries).")
            )
            return
    table = tables[0]
    if not table.rows:
        extract.errors.append(_table_error(table, "The List 5 sheet has no rows of data."))
        return
    columns = _match_columns(extract, table, schema.ANNEX_A_LIST_5, ignore=schema.ANNEX_A_LIST_5_DERIVED)
    if columns is not None and _has_required(extract, table, columns, schema.ANNEX_A_LIST_5_REQUIRED):
        # A child has one row per enquiry in List 5, so the child's details repeat.
        _parse_rows(extract, table, columns, title="Annex A List 5: S47 enquiries", repeatable={"children"})


def _parse_own_format(extract: Extract, file_name: str, tables: list[Table]) -> None:
    recognised = 0
    for table in tables:
        record_type = _own_record_type(table)
        if record_type is None:
            if table.rows and table.sheet is not None:
                extract.warnings.append(
                    f'Sheet "{table.sheet}" was not imported: its name and columns match no record type.'
                )
            continue
        recognised += 1
        columns = _match_columns(extract, table, schema.own_format_columns(record_type))
        if columns is not None and _has_required(
            extract, table, columns, schema.required_headers(record_type)
        ):
            _parse_rows(extract, table, columns, title=record_type.label)
    if not recognised:
        names = ", ".join(t.name for t in schema.RECORD_TYPES)
        extract.errors.append(
            ExtractError(
                file_name,
                "This is neither an Annex A List 5 extract nor a file of the product's own format "
                f"(a file or sheet named, or with the columns of, one of: {names}). See docs/import.md.",
            )
        )


# A record type is told by its file or sheet name, else by the ID columns only it has.
_SIGNATURES = (
    ("looked_after", {"episode_id"}),
    ("cp_plans", {"plan_id"}),
    ("referrals", {"referral_id"}),
    ("strategy_discussions", {"discussion_id"}),
    ("s47_enquiries", {"child_id", "start_date"}),
    ("children", {"child_id"}),
)
_NAMES = {cells.token(t.name): t for t in schema.RECORD_TYPES} | {
    cells.token(t.label): t for t in schema.RECORD_TYPES
}


def _own_record_type(table: Table) -> RecordType | None:
    by_name = _NAMES.get(cells.token(table.name))
    if by_name is not None:
        return by_name
    headers = {cells.token(h) for h in table.header}
    for name, signature in _SIGNATURES:
        if signature <= headers:
            return schema.RECORD_TYPES_BY_NAME[name]
    return None


def _match_columns(extract: Extract, table: Table, columns, ignore=()) -> list[tuple[int, Column]] | None:
    """Which column of the file is which; None (with an error) if two columns claim the same meaning."""
    matched: dict[Column, int] = {}
    unknown = []
    for index, header in enumerate(table.header):
        if not header:
            continue
        column = next((c for c in columns if c.matches(header)), None)
        if column is None:
            if not any(p.search(cells.token(header).replace("_", " ")) for p in ignore):
                unknown.append(header)
            continue
        if column in matched:
            first = table.header[matched[column]]
            extract.errors.append(
                _table_error(table, f'Columns "{first}" and "{header}" both hold {column.header}.')
            )
            return None
        matched[column] = index
    if unknown:
        names = ", ".join(f'"{h}"' for h in unknown)
        extract.warnings.append(f"{_where(table)}: these columns are not imported: {names}.")
    return [(index, column) for column, index in matched.items()]


def _has_required(extract: Extract, table: Table, columns, required) -> bool:
    present = {column.header for _, column in columns}
    missing = [name for name in required if cells.token(name) not in {cells.token(p) for p in present}]
    if missing:
        names = ", ".join(f'"{name}"' for name in missing)
        extract.errors.append(_table_error(table, f"Required columns are missing: {names}."))
    return not missing


def _parse_rows(
    extract: Extract, table: Table, columns: list[tuple[int, Column]], *, title: str, repeatable=frozenset()
) -> None:
    sample = Sample(title=title, columns=[table.header[index] for index, _ in columns])
    extract.samples.append(sample)
    headers = {(name, field_name): table.header[i] for i, c in columns for name, field_name in c.targets}
    for number, row in table.rows:
        extract.rows += 1
        extract.rows_by_file[table.file_name] += 1
        values, errors = _parse_row(table, number, row, columns)
        if errors:
            extract.errors.extend(errors)
            _remember_rejected_keys(extract, values)
            continue
        for type_name, type_values in values.items():
            record_headers = {f: h for (n, f), h in headers.items() if n == type_name}
            record_type = schema.RECORD_TYPES_BY_NAME[type_name]
            record = Record(record_type, table, number, type_values, record_headers, type_name in repeatable)
            extract.records[type_name].append(record)
        if len(sample.rows) < SAMPLE_ROWS:
            sample.rows.append((number, _display_row(values, columns)))


def _parse_row(table: Table, number: int, row: tuple, columns) -> tuple[dict[str, dict], list[ExtractError]]:
    values: dict[str, dict] = defaultdict(dict)
    errors = []
    for index, column in columns:
        raw = cells.clean(row[index]) if index < len(row) else None
        try:
            for type_name, field_name in column.targets:
                values[type_name][field_name] = _parse_cell(type_name, field_name, raw)
        except cells.CellError as error:
            errors.append(ExtractError(table.file_name, str(error), table.sheet, number, table.header[index]))
    return values, errors


def _parse_cell(type_name: str, field_name: str, raw: object) -> object:
    record_type = schema.RECORD_TYPES_BY_NAME[type_name]
    if raw is None:
        if record_type.value_required(field_name):
            raise cells.CellError("A value is required, but the cell is blank.")
        return record_type.blank_value(field_name)
    return record_type.parsers[field_name](raw)


def _remember_rejected_keys(extract: Extract, values: dict[str, dict]) -> None:
    for type_name, type_values in values.items():
        key_fields = schema.RECORD_TYPES_BY_NAME[type_name].key
        if all(type_values.get(name) is not None for name in key_fields):
            extract.rejected_keys[type_name].add(tuple(type_values[name] for name in key_fields))


def _display_row(values: dict[str, dict], columns: list[tuple[int, Column]]) -> list[str]:
    shown = []
    for _, column in columns:
        type_name, field_name = column.targets[0]
        model_field = schema.RECORD_TYPES_BY_NAME[type_name].field(field_name)
        shown.append(display_value(values[type_name][field_name], dict(model_field.flatchoices)))
    return shown


def display_value(value: object, choices: dict) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(choices.get(value, value))


def _table_error(table: Table, reason: str) -> ExtractError:
    return ExtractError(table.file_name, reason, table.sheet)


def _where(table: Table) -> str:
    return f'{table.file_name}, sheet "{table.sheet}"' if table.sheet else table.file_name
