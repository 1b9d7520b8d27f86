"""Checks on parsed records that need no database: the models' own rules and duplicate keys."""

import bisect
import datetime
from typing import cast

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from cases.importing import schema
from cases.importing.parsing import Extract, ExtractError, Record, display_value
from cases.models import s47_target_date


def check_extract(extract: Extract) -> None:
    """Report rows that break a model rule or repeat a key; drop repeats of the same child (Annex A)."""
    for record_type in schema.RECORD_TYPES:
        records = extract.records.get(record_type.name, [])
        for record in records:
            extract.errors.extend(model_errors(record))
        extract.records[record_type.name] = _without_repeats(extract, records)


def model_errors(record: Record) -> list[ExtractError]:
    """The model's field and `clean()` checks (what `full_clean` runs), named by the file's column."""
    instance = record.record_type.model(**model_values(record))
    excluded = [
        f.name
        for f in record.record_type.model._meta.concrete_fields
        if f.is_relation or (f.name not in record.values and f.name != "target_date")
    ]
    try:
        instance.clean_fields(exclude=excluded)
        instance.clean()
    except ValidationError as error:
        by_field = error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
        return [
            record.error("" if name == NON_FIELD_ERRORS else name, message)
            for name, messages in by_field.items()
            for message in messages
        ]
    return []


def model_values(record: Record) -> dict[str, object]:
    """The record's own field values (not its references), plus the values the service derives."""
    values = {
        name: value for name, value in record.values.items() if not record.record_type.field(name).is_relation
    }
    if record.record_type is schema.S47_ENQUIRIES:
        values["target_date"] = s47_target_date(cast(datetime.date, values["start_date"]))  # a required date
    return values


def _without_repeats(extract: Extract, records: list[Record]) -> list[Record]:
    first_by_key: dict[tuple, Record] = {}
    kept = []
    for record in records:
        first = first_by_key.setdefault(record.key, record)
        if first is record:
            kept.append(record)
        elif not (record.repeatable and first.repeatable):
            extract.errors.append(_duplicate_error(record, first))
        elif record.values != first.values:
            extract.errors.append(_conflict_error(record, first))
    return kept


def _duplicate_error(record: Record, first: Record) -> ExtractError:
    key_fields = record.record_type.key
    columns = " and ".join(record.headers.get(name, name) for name in key_fields)
    shown = ", ".join(_shown(record, name) for name in key_fields)
    where = f"row {first.row}" if first.table is record.table else f"row {first.row} of {first.table.name}"
    reason = f"Duplicate {columns} ({shown}): {where} has the same."
    child_field = next((name for name in key_fields if name in ("child_id", "child")), None)
    if child_field is not None:
        here, there = _as_written(record, child_field), _as_written(first, child_field)
        if here != there:
            reason += (
                f' "{here}" here and "{there}" there are the same child ID: child IDs are compared in'
                " upper case without spaces."
            )
    return record.error(key_fields[-1], reason)


def _as_written(record: Record, name: str) -> str:
    """The cell as the file has it, before it was parsed."""
    header = record.headers.get(name)
    if header is None or header not in record.table.header:
        return ""
    index = record.table.header.index(header)
    rows = record.table.rows
    found = bisect.bisect_left(rows, record.row, key=lambda numbered: numbered[0])  # rows are in order
    if found == len(rows) or rows[found][0] != record.row or index >= len(rows[found][1]):
        return ""
    cell = rows[found][1][index]
    return "" if cell is None else str(cell).strip()


def _conflict_error(record: Record, first: Record) -> ExtractError:
    name = next(name for name in record.values if record.values[name] != first.values.get(name))
    return record.error(
        name,
        f'The same child is on row {first.row} with a different value ("{_shown(first, name)}" there, '
        f'"{_shown(record, name)}" here).',
    )


def _shown(record: Record, name: str) -> str:
    return display_value(record.values[name], dict(record.record_type.field(name).flatchoices))
