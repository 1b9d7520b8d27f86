import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from common.access_log import access_log_write
from common.models import AccessLogEntry
from metrics.benchmark import BenchmarkPackError, pack_export
from metrics.periods import add_months, last_complete_month, parse_month


def _month(text: str) -> datetime.date:
    month = parse_month(text)
    if month is None:
        raise CommandError(f"{text!r} is not a month: write it as 2014-03.")
    return month


class Command(BaseCommand):
    help = (
        "Writes this council's benchmark pack (aggregate figures, small numbers hidden, signed with "
        "BENCHMARK_SIGNING_KEY_PATH) for a run of months: by default the last 12 complete months."
    )

    def add_arguments(self, parser):
        parser.add_argument("--first", type=_month, help="The first month, e.g. 2014-01.")
        parser.add_argument("--last", type=_month, help="The last month, e.g. 2014-12.")
        parser.add_argument("--output", type=Path, help="The file to write (default: the pack's own name).")

    def handle(self, *args, first=None, last=None, output=None, **options):
        last = last or last_complete_month(timezone.localdate())
        first = first or add_months(last, -11)
        try:
            name, data = pack_export(first=first, last=last)
        except BenchmarkPackError as error:
            raise CommandError(str(error)) from None
        path = output or Path(name)
        path.write_bytes(data)
        access_log_write(
            user=None, action=AccessLogEntry.Action.EXPORT, object_type="benchmark pack", object_ref=name,
            detail=f"command line: {path}",
        )  # fmt: skip
        self.stdout.write(f"Benchmark pack for {first:%B %Y} to {last:%B %Y} written to {path}.")
