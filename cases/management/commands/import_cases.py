"""python manage.py import_cases FILE [FILE...] [--dry-run] [--user USERNAME] [--encoding utf-8|cp1252|utf-16]

The files are checked and imported together, in one transaction: records in one file may point to
records in another (children.csv and referrals.csv), and one bad row in any file imports nothing.
"""

from pathlib import Path

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError

from cases.importing import ExtractFile, ImportResult, cases_import_files, cases_import_preview_files
from cases.importing.reading import CSV_ENCODINGS, UTF_8
from common.access_log import Origin


class Command(BaseCommand):
    help = "Import case extracts (Annex A List 5, or the product's own format) from CSV or XLSX files."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--dry-run", action="store_true", help="Check and count, but write nothing.")
        parser.add_argument("--user", help="The username to record as the importer.")
        parser.add_argument(
            "--encoding",
            choices=list(CSV_ENCODINGS),
            default=UTF_8,
            help="The character encoding of CSV files (default: utf-8; a file not valid in it is refused).",
        )

    def handle(self, *args, files: list[str], dry_run: bool, user: str | None, encoding: str, **options):
        extract_files = [_read(name, encoding) for name in files]
        if dry_run:
            result = cases_import_preview_files(files=extract_files)
        else:
            origin = Origin(path="manage.py import_cases " + " ".join(Path(f).name for f in files))
            result = cases_import_files(files=extract_files, user=_user(user), origin=origin)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(f"{error.place}: {error}")
            raise CommandError(f"{len(result.errors)} problem(s) found; nothing was imported.")
        self._report(result, dry_run)

    def _report(self, result: ImportResult, dry_run: bool) -> None:
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(warning))
        for measure in result.unfed_measures:
            self.stdout.write(f"Cannot feed {measure} (its records are left out of it, as unknown).")
        verb = "would be" if dry_run else "were"
        for label, counts in result.count_rows:
            self.stdout.write(
                f"{label}: {counts.created} created, {counts.updated} updated, {counts.unchanged} unchanged"
            )
        summary = f"{result.rows} rows read; {result.total('created')} records {verb} created, "
        summary += f"{result.total('updated')} updated, {result.total('unchanged')} unchanged."
        self.stdout.write(self.style.SUCCESS(summary + (" Dry run: nothing was written." if dry_run else "")))


def _read(name: str, encoding: str) -> ExtractFile:
    path = Path(name)
    try:
        return ExtractFile(name=str(path), content=path.read_bytes(), encoding=encoding)
    except OSError as error:
        raise CommandError(f"Cannot read {name}: {error.strerror}.") from None


def _user(username: str | None) -> User | None:
    if username is None:
        return None
    try:
        return User.objects.get(username=username)
    except User.DoesNotExist:
        raise CommandError(f"No user named {username}.") from None
