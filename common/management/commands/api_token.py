from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token


class Command(BaseCommand):
    help = "Print the API token of a user, creating it if they have none."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        try:
            user = get_user_model().objects.get_by_natural_key(username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user called {username!r}.") from None
        if not user.is_active:
            raise CommandError(f"{username!r} is deactivated; an API token would not work.")
        token, _ = Token.objects.get_or_create(user=user)
        self.stdout.write(token.key)
