from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from common.access_log import access_log_write
from common.models import AccessLogEntry
from metrics.benchmark import BenchmarkPackError, benchmark_pack_import


class Command(BaseCommand):
    help = (
        "Imports another council's benchmark pack after checking its signature against the key trusted "
        "for its council (`benchmark_trust`). A pack of the same council and months replaces the one held."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The pack file.")

    def handle(self, *args, path: Path, **options):
        try:
            pack = benchmark_pack_import(data=path.read_bytes(), user=None)
        except OSError as error:
            raise CommandError(f"{path} cannot be read: {error.strerror}.") from None
        except BenchmarkPackError as error:
            raise CommandError(f"{path} was not imported. {error}") from None
        access_log_write(
            user=None, action=AccessLogEntry.Action.IMPORT, object_type="benchmark pack",
            object_ref=pack.council_code, detail=f"command line: {path}",
        )  # fmt: skip
        self.stdout.write(
            f"Imported the benchmark pack of {pack.council_name} for {pack.first_month:%B %Y} to "
            f"{pack.last_month:%B %Y} (key {pack.key_id})."
        )
