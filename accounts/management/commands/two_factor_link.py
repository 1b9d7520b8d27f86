from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.services import enrolment_link_issue


class Command(BaseCommand):
    help = (
        "Print a one-time link with which the user sets up their authenticator app (signed in as "
        "themselves). Earlier unused links for the user stop working."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        try:
            user = get_user_model().objects.get_by_natural_key(username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user called {username!r}.") from None
        try:
            path = enrolment_link_issue(user=user, by=None)
        except ValidationError as error:
            raise CommandError(error.messages[0]) from None
        self.stdout.write(f"{settings.SITE_URL.rstrip('/')}{path}")
        self.stderr.write(f"It works once, for {username}, for {settings.TWO_FACTOR_LINK_HOURS} hours.")
