from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from metrics.benchmark import BenchmarkPackError, key_id, public_key_load, trusted_key_save


class Command(BaseCommand):
    help = (
        "Trusts another council's public key, so its benchmark packs are imported. Check the fingerprint "
        "printed with the council (by telephone) before relying on it."
    )

    def add_arguments(self, parser):
        parser.add_argument("council_code", help="The code the council sets as COUNCIL_CODE.")
        parser.add_argument("council_name", help="The council's name, as the regional view shows it.")
        parser.add_argument("public_key", type=Path, help="The council's public key file (PEM).")

    def handle(self, *args, council_code: str, council_name: str, public_key: Path, **options):
        try:
            pem = public_key.read_text()
            trusted = trusted_key_save(
                council_code=council_code, council_name=council_name, public_key_pem=pem, user=None
            )
        except OSError as error:
            raise CommandError(f"{public_key} cannot be read: {error.strerror}.") from None
        except (BenchmarkPackError, UnicodeDecodeError) as error:
            raise CommandError(f"The key was not trusted. {error}") from None
        self.stdout.write(
            f"Trusted {trusted} with key fingerprint {key_id(public_key_load(trusted.public_key_pem))}."
        )
