"""Importing case extracts: preview (reads only) and import (one transaction, all or nothing)."""

import hashlib
from dataclasses import dataclass, field
from pathlib import PurePath

from django.contrib.auth.models import User
from django.db import transaction

from cases import standards
from cases.events import RecordsImported, records_imported
from cases.importing import schema
from cases.importing.checks import check_extract
from cases.importing.parsing import ANNEX_A, Extract, ExtractError, Sample, parse_tables, sheets_to_read
from cases.importing.planning import Diff, References, diff, reference_errors
from cases.importing.reading import UTF_8, ExtractFileError, read_tables
from cases.importing.writing import write_extract
from cases.models import ImportBatch
from cases.services import child_match_keys_refresh
from common.access_log import Origin, access_log_write
from common.history import REASON_MAX
from common.models import AccessLogEntry

TEAMS, WORKERS = "teams", "workers"


@dataclass(frozen=True)
class UnfedMeasure:
    """A compliance measure the file's records cannot count in: the file has no column for a field it reads."""

    name: str
    holds_what: str  # "the consent decision"
    records: str  # "S47 enquiries"

    def __str__(self) -> str:
        return f"{self.name}: the file does not hold {self.holds_what} for its {self.records}"


_LABELS = {t.name: t.label for t in schema.RECORD_TYPES} | {TEAMS: "Teams", WORKERS: "Workers"}


@dataclass(frozen=True)
class ExtractFile:
    name: str
    content: bytes
    encoding: str = UTF_8  # of a CSV file (reading.CSV_ENCODINGS); a workbook is always Unicode

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, found: Diff) -> None:
        self.created += len(found.to_create)
        self.updated += len(found.to_update)
        self.unchanged += len(found.unchanged)


@dataclass
class ImportResult:
    """What an import did (or, from a preview, would do), or why it cannot be done."""

    file_names: list[str]
    formats: dict[str, str] = field(default_factory=dict)
    rows: int = 0
    counts: dict[str, Counts] = field(default_factory=dict)  # by record type name, plus teams and workers
    errors: list[ExtractError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)
    batches: list[ImportBatch] = field(default_factory=list)
    unfed_measures: list[UnfedMeasure] = field(default_factory=list)
    rows_by_file: dict[str, int] = field(default_factory=dict)
    by_file: dict[str, Counts] = field(default_factory=dict)  # records created, updated, unchanged

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def batch(self) -> ImportBatch | None:
        return self.batches[0] if self.batches else None

    @property
    def count_rows(self) -> list[tuple[str, Counts]]:
        """(label, counts) per record type, in the order they are written."""
        return [(_LABELS[name], counts) for name, counts in self.counts.items()]

    def total(self, what: str) -> int:
        return sum(getattr(c, what) for name, c in self.counts.items() if name not in (TEAMS, WORKERS))


def cases_import_preview(*, file_name: str, content: bytes, encoding: str = UTF_8) -> ImportResult:
    """Parse and check one file against the stored records, writing nothing."""
    return cases_import_preview_files(files=[ExtractFile(file_name, content, encoding)])


def cases_import_preview_files(*, files: list[ExtractFile]) -> ImportResult:
    extract, refs, result = _checked(files)
    if result.ok:
        for record_type in schema.RECORD_TYPES:
            records = extract.records.get(record_type.name)
            if records:
                found = diff(record_type, records, refs)
                result.counts.setdefault(record_type.name, Counts()).add(found)
                _count_by_file(result.by_file, found)
        _count_new_references(result, len(refs.missing("team")), len(refs.missing("worker")))
    return result


@transaction.atomic
def cases_import(
    *,
    file_name: str,
    content: bytes,
    user: User | None,
    origin: Origin | None = None,
    encoding: str = UTF_8,
) -> ImportResult:
    """Import one CSV or XLSX extract: every row, or (if any row is bad) nothing at all."""
    return cases_import_files(files=[ExtractFile(file_name, content, encoding)], user=user, origin=origin)


@transaction.atomic
def cases_import_files(
    *, files: list[ExtractFile], user: User | None, origin: Origin | None = None
) -> ImportResult:
    """Import several files as one: records may point to records in another file of the same import.

    Records one ImportBatch per file, and the import as one access log entry naming each file and its
    counts (the records' own history rows say "Imported from <files>"). Nothing is written if any file
    has any error.
    """
    extract, _, result = _checked(files)
    if not result.ok:
        # Refused: nothing is written but the refusal, so an administrator sees it (cases/home.py).
        result.batches = [_record_refusal(f, extract, result, user) for f in files]
        return result
    reason = "Imported from " + ", ".join(f.name for f in files)
    diffs, teams_created, workers_created, since = write_extract(
        extract, user=user, reason=reason[:REASON_MAX]
    )
    child_match_keys_refresh()  # the bulk writes skip Child.save(), which makes them one at a time
    for name, found in diffs.items():
        result.counts.setdefault(name, Counts()).add(found)
        _count_by_file(result.by_file, found)
    _count_new_references(result, teams_created, workers_created)
    result.batches = [_record_batch(f, extract, result.by_file[f.name], user) for f in files]
    _log_import(result.batches, user, origin or Origin())
    # The figures above cases are stale now: their app subscribed to the event (cases/events.py).
    records_imported.send_on_commit(
        RecordsImported(
            batch_ids=tuple(batch.pk for batch in result.batches),
            file_names=tuple(f.name for f in files),
            user_id=user.pk if user else None,
            since=since,
        )
    )
    return result


def _checked(files: list[ExtractFile]) -> tuple[Extract, References, ImportResult]:
    extract = Extract()
    for extract_file in files:
        try:
            tables = read_tables(
                extract_file.name, extract_file.content, sheets=sheets_to_read, encoding=extract_file.encoding
            )
        except ExtractFileError as error:
            extract.errors.append(ExtractError(extract_file.name, str(error)))
            continue
        parse_tables(extract, extract_file.name, tables)
    check_extract(extract)
    refs = References.load(extract)
    extract.errors.extend(reference_errors(extract, refs))
    result = ImportResult(
        file_names=[f.name for f in files],
        formats=dict(extract.formats),
        rows=extract.rows,
        errors=sorted(extract.errors, key=_error_order),
        warnings=extract.warnings,
        samples=extract.samples,
        unfed_measures=unfed_measures(extract),
        rows_by_file={f.name: extract.rows_by_file.get(f.name, 0) for f in files},
        by_file={f.name: Counts() for f in files},
    )
    return extract, refs, result


def unfed_measures(extract: Extract) -> list[UnfedMeasure]:
    """The measures whose fields no column of the file holds for a record type it has (docs/metrics.md).

    Its records are left out of them (unknown, not "not met") until another extract holds the fields;
    records already stored with those fields keep them.
    """
    unfed = []
    for key, need in standards.SOURCE_NEEDS.items():
        for record_type in schema.RECORD_TYPES:
            records = extract.records.get(record_type.name)
            if record_type.model is not need.model or not records:
                continue
            held = set().union(*(record.values.keys() for record in records))
            if not set(need.fields) <= held:
                unfed.append(UnfedMeasure(key.label, need.holds_what, _in_a_sentence(record_type.label)))
    return unfed


def _in_a_sentence(label: str) -> str:
    """ "Referrals" -> "referrals", but "S47 enquiries" as it is."""
    return label if label[1].isupper() or label[1].isdigit() else label[0].lower() + label[1:]


def _error_order(error: ExtractError) -> tuple:
    return (error.file_name, error.sheet or "", error.row or 0)


def _count_new_references(result: ImportResult, teams: int, workers: int) -> None:
    if teams:
        result.counts[TEAMS] = Counts(created=teams)
    if workers:
        result.counts[WORKERS] = Counts(created=workers)


def _count_by_file(by_file: dict[str, Counts], found: Diff) -> None:
    for record in found.to_create:
        by_file[record.table.file_name].created += 1
    for record, _, _ in found.to_update:
        by_file[record.table.file_name].updated += 1
    for record in found.unchanged:
        by_file[record.table.file_name].unchanged += 1


def format_label(file_name: str, extract_format: str) -> str:
    kind = PurePath(file_name).suffix.lstrip(".").upper()
    return f"{'Annex A List 5' if extract_format == ANNEX_A else 'Own format'} ({kind})"


def _log_import(batches: list[ImportBatch], user: User | None, origin: Origin) -> None:
    detail = "; ".join(
        f"{b.file_name}: {b.created} created, {b.updated} updated, {b.unchanged} unchanged" for b in batches
    )
    access_log_write(
        user=user, action=AccessLogEntry.Action.IMPORT, object_type="case extract", object_ref=batches[0].uuid,
        detail=detail, path=origin.path, ip_address=origin.ip_address,
    )  # fmt: skip


def _record_refusal(
    extract_file: ExtractFile, extract: Extract, result: ImportResult, user: User | None
) -> ImportBatch:
    extract_format = extract.formats.get(extract_file.name)
    return ImportBatch.objects.create(
        file_name=PurePath(extract_file.name).name[:255],
        file_format=format_label(extract_file.name, extract_format) if extract_format else "Not recognised",
        sha256=extract_file.sha256,
        status=ImportBatch.Status.REJECTED,
        rows=extract.rows_by_file.get(extract_file.name, 0),
        error_count=sum(1 for error in result.errors if error.file_name == extract_file.name),
        imported_by=user,
    )


def _record_batch(
    extract_file: ExtractFile, extract: Extract, counts: Counts, user: User | None
) -> ImportBatch:
    return ImportBatch.objects.create(
        file_name=PurePath(extract_file.name).name[:255],
        file_format=format_label(extract_file.name, extract.formats[extract_file.name]),
        sha256=extract_file.sha256,
        status=ImportBatch.Status.IMPORTED,
        rows=extract.rows_by_file[extract_file.name],
        created=counts.created,
        updated=counts.updated,
        unchanged=counts.unchanged,
        imported_by=user,
    )
