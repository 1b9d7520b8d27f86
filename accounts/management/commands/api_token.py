from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.services import api_token_issue


class Command(BaseCommand):
    help = (
        "Issue a new API token for a user and print it (once: only its digest is kept). Read-only unless "
        "--write; it expires after --days (API_TOKEN_DAYS) and when the user's password changes or the "
        "account is disabled."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--write", action="store_true", help="Allow changes, as the user's role permits.")
        parser.add_argument("--days", type=int, default=None, help=f"Default {settings.API_TOKEN_DAYS}.")
        parser.add_argument("--description", default="", help="What the token is for.")

    def handle(self, *args, username: str, write: bool, days: int | None, description: str, **options):
        try:
            user = get_user_model().objects.get_by_natural_key(username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user called {username!r}.") from None
        try:
            token, key = api_token_issue(user=user, write=write, days=days, description=description)
        except ValidationError as error:
            raise CommandError(error.messages[0]) from None
        self.stdout.write(key)
        scope = "read and write" if write else "read-only"
        self.stderr.write(f"A {scope} token for {username}, until {token.expiry:%d/%m/%Y %H:%M} UTC.")
