from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from metrics.benchmark import key_id, key_pair_make, public_key_load


class Command(BaseCommand):
    help = (
        "Makes this council's benchmark signing key pair: the private key (kept on the server, named by "
        "BENCHMARK_SIGNING_KEY_PATH) and the public key (sent to the other councils)."
    )

    def add_arguments(self, parser):
        parser.add_argument("private", type=Path, help="Where to write the private key (PEM).")
        parser.add_argument("public", type=Path, help="Where to write the public key (PEM).")

    def handle(self, *args, private: Path, public: Path, **options):
        if private.exists():
            raise CommandError(f"{private} exists already: a key is never overwritten.")
        private_pem, public_pem = key_pair_make()
        private.touch(mode=0o600)
        private.write_bytes(private_pem)
        public.write_bytes(public_pem)
        self.stdout.write(
            f"Key pair made for {settings.COUNCIL_NAME} ({settings.COUNCIL_CODE}): private key {private}, "
            f"public key {public}, fingerprint {key_id(public_key_load(public_pem))}. Set "
            f"BENCHMARK_SIGNING_KEY_PATH={private} and send {public} and the fingerprint to the other councils."
        )
