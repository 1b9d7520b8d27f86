"""Writing a checked extract: bulk creates and updates in dependency order, with history rows.

Called only by `services.cases_import_files`, inside its transaction.
"""

from typing import cast

from django.contrib.auth.models import User
from django.db import models
from django.db.models import Model
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from cases import models as m
from cases.events import Earliest, earliest_dates
from cases.importing import schema
from cases.importing.parsing import Extract
from cases.importing.planning import CHUNK, Diff, References, diff, resolved_values, unknown_fields

# After these record types are written, later types can point to their new rows.
_RELOAD_AFTER = {"children": "child", "strategy_discussions": "strategy_discussion"}


def write_extract(
    extract: Extract, *, user: User | None, reason: str
) -> tuple[dict[str, Diff], int, int, Earliest]:
    """Write every record; returns what was done per record type, the teams and workers created, and the
    earliest date each model's written rows held, before and after (what the figures above must refresh:
    cases.events.RecordsImported.since)."""
    refs = References.load(extract)
    teams_created = _create_teams(refs)
    workers_created = _create_workers(extract, refs)
    diffs = {}
    since: Earliest = {}
    for record_type in schema.RECORD_TYPES:
        records = extract.records.get(record_type.name)
        if not records:
            continue
        diffs[record_type.name] = found = diff(record_type, records, refs)
        written = [*_create(record_type, found, refs, user=user, reason=reason)]
        written += _update(record_type, found, user=user, reason=reason)
        _note_earliest(since, record_type.model, written)
        if record_type.name in _RELOAD_AFTER:
            refs.reload(_RELOAD_AFTER[record_type.name])
    return diffs, teams_created, workers_created, since


def _note_earliest(since: Earliest, model: type[Model], rows: list[Model]) -> None:
    label = model._meta.label_lower
    for key, day in earliest_dates(rows).items():
        known = since.get(key)
        since[key] = day if known is None or day is None else min(known, day)
    if rows and label not in since:
        since[label] = None  # written, but holding no date


def _create_teams(refs: References) -> int:
    """Teams new to the product get their code as their name; an administrator can rename them."""
    missing = refs.missing("team")
    m.Team.objects.bulk_create([m.Team(code=code, name=code) for code in missing], batch_size=CHUNK)
    refs.reload("team")
    return len(missing)


def _create_workers(extract: Extract, refs: References) -> int:
    missing = refs.missing("worker")
    teams = worker_teams(extract)
    # Every team is stored by now (`_create_teams`): a primary key, or None for a worker with no team.
    workers = [
        m.Worker(code=code, name=code, team_id=cast(int | None, refs.pk("team", teams.get(code))))
        for code in missing
    ]
    m.Worker.objects.bulk_create(workers, batch_size=CHUNK)
    refs.reload("worker")
    return len(missing)


def worker_teams(extract: Extract) -> dict[str, str]:
    """A new worker joins the team of the first record allocated to them."""
    teams: dict[str, str] = {}
    for record in extract.records.get("s47_enquiries", []):
        worker, team = record.values.get("worker"), record.values.get("team")
        if worker and team:
            teams.setdefault(cast(str, worker), cast(str, team))  # references hold codes
    return teams


def _create(record_type, found: Diff, refs: References, *, user, reason: str) -> list[Model]:
    rows = [
        record_type.model(**resolved_values(record, refs), **unknown_fields(record))
        for record in found.to_create
    ]
    bulk_create_with_history(
        rows, record_type.model, batch_size=CHUNK, default_user=user, default_change_reason=reason
    )
    return rows


def _update(record_type, found: Diff, *, user, reason: str) -> list[Model]:
    """Writes the changes; returns the rows as they were and as they are (the figures of both are stale)."""
    if not found.to_update:
        return []
    changed_fields = set()
    rows = []
    before: list[Model] = []
    for _, row, changes in found.to_update:
        before.append(_dates_of(row))
        for attname, value in changes.items():
            setattr(row, attname, value)
        changed_fields |= {_field_name(record_type, attname) for attname in changes}
        rows.append(row)
    bulk_update_with_history(
        rows,
        record_type.model,
        sorted(changed_fields),
        batch_size=CHUNK,
        default_user=user,
        default_change_reason=reason,
    )
    return before + rows


def _dates_of(row: Model) -> Model:
    """A copy of the row's date fields as they are now (the row itself is about to change)."""
    copy = type(row)()
    for f in row._meta.concrete_fields:
        if isinstance(f, models.DateField) and not isinstance(f, models.DateTimeField):
            setattr(copy, f.attname, getattr(row, f.attname))
    return copy


def _field_name(record_type, attname: str) -> str:
    return next(f.name for f in record_type.model._meta.concrete_fields if f.attname == attname)
