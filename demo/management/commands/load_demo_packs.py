"""python manage.py load_demo_packs [--force]

What `make run` calls after the metrics are recomputed: the benchmark packs of five synthetic neighbour
councils (demo/benchmark.py), each with its key trusted, so the regional comparison has something to show.
Run again, it changes nothing."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from demo.benchmark import demo_benchmark_packs_create
from demo.profiles import DEFAULT_SEED
from metrics.benchmark import key_pair_make
from metrics.models import MetricSnapshot


class Command(BaseCommand):
    help = (
        "Import the demo's synthetic neighbour councils' benchmark packs. Refuses to run when DEBUG is off."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even when DEBUG is off. Only for a throwaway database: it trusts keys made for the demo.",
        )

    def handle(self, *args, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: load_demo_packs trusts signing keys made for the demo, so it refuses to run. "
                "Use --force only on a throwaway demonstration database."
            )
        if not MetricSnapshot.objects.exists():
            # With a broker, `make run`'s recomputation is only queued: not an error, the packs come later.
            self.stdout.write(
                "No figures yet, so no demo benchmark packs: run this again once the metrics are recomputed."
            )
            return
        self._demo_signing_key()
        with transaction.atomic():
            packs = demo_benchmark_packs_create(today=timezone.localdate(), seed=DEFAULT_SEED)
        if packs:
            names = ", ".join(pack.council_name for pack in packs)
            self.stdout.write(self.style.SUCCESS(f"Demo benchmark packs imported: {names}."))
        else:
            self.stdout.write("Demo benchmark packs already held.")

    def _demo_signing_key(self) -> None:
        """The demo council's own signing key, so its pack can be exported: made once, and only at the demo's
        own path (settings.DEMO_BENCHMARK_KEY_PATH), never where a real key is configured."""
        path = Path(settings.BENCHMARK_SIGNING_KEY_PATH)
        if path != settings.DEMO_BENCHMARK_KEY_PATH or path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        private_pem, _public_pem = key_pair_make()
        path.write_bytes(private_pem)
        path.chmod(0o600)
        self.stdout.write(f"Demo signing key made: {path}")
