"""Reading what is stored to decide, record by record, what an import would do. Reads only.

References go by the council's codes: a child by child_id, a strategy discussion by discussion_id,
a team or worker by code. A record is matched to a stored row on its key (child_id, referral_id, ...;
an S47 enquiry on child and start date) and is then new, changed or unchanged.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import cast

from django.db.models import F, Model

from cases import models as m
from cases.importing import schema
from cases.importing.checks import model_values
from cases.importing.parsing import Extract, ExtractError, Record
from cases.importing.schema import RecordType

CHUNK = 500  # rows per IN (...) query and per bulk write, well under SQLite's variable limit

# A reference to a row this import will create: no stored row matches it yet.
NEW = object()

_TARGETS = {  # reference field -> (model, code field, the record type that may create it here)
    "child": (m.Child, "child_id", "children"),
    "strategy_discussion": (m.StrategyDiscussion, "discussion_id", "strategy_discussions"),
    "team": (m.Team, "code", None),
    "worker": (m.Worker, "code", None),
}


def _target_of(field_name: str) -> str:
    return "worker" if field_name == "oversight_manager" else field_name


@dataclass
class References:
    """Stored primary keys by council code, for every code the extract names."""

    pks: dict[str, dict[str, int]] = field(default_factory=dict)
    codes: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, extract: Extract) -> "References":
        refs = cls(codes={target: set() for target in _TARGETS})
        for record in _all_records(extract):
            for name, value in record.values.items():
                if record.record_type.field(name).is_relation and value is not None:
                    refs.codes[_target_of(name)].add(cast(str, value))  # a reference holds a code
        for target, (_, _, creator) in _TARGETS.items():
            if creator:
                refs.codes[target] |= {r.key[0] for r in extract.records.get(creator, [])}
            refs.reload(target)
        return refs

    def reload(self, target: str) -> None:
        model, code_field, _ = _TARGETS[target]
        self.pks[target] = {}
        for chunk in chunks(sorted(self.codes[target])):
            self.pks[target].update(
                model._default_manager.filter(**{f"{code_field}__in": chunk}).values_list(code_field, "pk")
            )

    def missing(self, target: str) -> list[str]:
        return sorted(self.codes[target] - self.pks[target].keys())

    def pk(self, field_name: str, code: str | None) -> object:
        if code is None:
            return None
        return self.pks[_target_of(field_name)].get(code, NEW)


def reference_errors(extract: Extract, refs: References) -> list[ExtractError]:
    """Rows naming a child or strategy discussion that is neither stored nor in this import."""
    errors = []
    for target in ("child", "strategy_discussion"):
        creator = _TARGETS[target][2]
        assert creator is not None  # children and strategy discussions are created by an import
        known = refs.pks[target].keys() | {r.key[0] for r in extract.records.get(creator, [])}
        known |= {key[0] for key in extract.rejected_keys.get(creator, ())}
        for record in _all_records(extract):
            code = record.values.get(target)
            if code is not None and code not in known:
                reason = f'Unknown {_CODE_NAMES[target]} "{code}": it is neither stored nor in this import.'
                errors.append(record.error(target, reason))
    return errors


_CODE_NAMES = {"child": "child ID", "strategy_discussion": "strategy discussion ID"}


@dataclass
class Diff:
    """What writing one record type would do."""

    to_create: list[Record] = field(default_factory=list)
    to_update: list[tuple[Record, Model, dict[str, object]]] = field(
        default_factory=list
    )  # record, stored row, changes
    unchanged: list[Record] = field(default_factory=list)


def diff(record_type: RecordType, records: list[Record], refs: References) -> Diff:
    result = Diff()
    stored = _stored_by_key(record_type, [r.key for r in records])
    for record in records:
        values = resolved_values(record, refs)
        row = stored.get(record.key)
        if row is None:
            result.to_create.append(record)
            continue
        values |= unknown_fields(record, row)
        changes = {name: value for name, value in values.items() if getattr(row, name) != value}
        if changes:
            result.to_update.append((record, row, changes))
        else:
            result.unchanged.append(record)
    return result


def resolved_values(record: Record, refs: References) -> dict[str, object]:
    """Field values by attribute name, references as primary keys (NEW where not yet stored)."""
    values = model_values(record)
    for name, code in record.values.items():
        model_field = record.record_type.field(name)
        if model_field.is_relation:
            values[model_field.attname] = refs.pk(name, cast(str | None, code))  # a reference holds a code
    return values


def unknown_fields(record: Record, row: Model | None = None) -> dict[str, int]:
    """The fields (of those measures read) that no source of the record has held, as stored.

    A file holds the fields it has columns for, blank cells included (a blank consent column is
    "not recorded", a failure; no consent column is unknown). A new record is unknown on what its file
    has no column for; a stored one becomes known on what this file has, and stays known on the rest.
    """
    model = record.record_type.model
    if not issubclass(model, m.SourceHeldFields):
        return {}
    if row is None:
        return {"unknown_fields": model.unknown_without(record.values)}
    return {
        "unknown_fields": cast(m.SourceHeldFields, row).unknown_fields & ~model.source_mask(record.values)
    }


def _stored_by_key(record_type: RecordType, keys: list[tuple]) -> dict[tuple, Model]:
    """Stored rows by key: `key` fields, with a reference matched on the code of the row it points to."""
    paths = []
    for name in record_type.key:
        model_field = record_type.field(name)
        paths.append(f"{name}__{_TARGETS[name][1]}" if model_field.is_relation else name)
    annotations = {f"_key{i}": F(path) for i, path in enumerate(paths)}
    found: dict[tuple, Model] = {}
    for chunk in chunks(sorted({key[0] for key in keys})):
        rows = record_type.model._default_manager.filter(**{f"{paths[0]}__in": chunk}).annotate(**annotations)
        for row in rows:
            found[tuple(getattr(row, f"_key{i}") for i in range(len(paths)))] = row
    return found


def chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _all_records(extract: Extract) -> Iterable[Record]:
    for record_type in schema.RECORD_TYPES:
        yield from extract.records.get(record_type.name, [])
