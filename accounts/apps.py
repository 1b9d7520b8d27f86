from django.apps import AppConfig
from django.db.models.signals import post_save

from common import roles
from common.home import home_register


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and signing in"

    def ready(self) -> None:
        from django.contrib.auth.models import User

        from accounts import home
        from accounts.services import api_tokens_revoke_on_change

        # A signal, not a call in each place: a password is set by the password page, the admin, the
        # `changepassword` command and password reset alike, and each must end the user's API tokens.
        post_save.connect(api_tokens_revoke_on_change, sender=User, dispatch_uid="accounts-revoke-tokens")
        home_register(key="accounts-locked", roles=(roles.ADMINISTRATOR,), order=70, build=home.locked)
