"""What signing in needs beyond Django's own tables: the one-time links that let a user set up their first
authenticator app, and the API tokens (django-rest-knox, stored hashed)."""

from django.conf import settings
from django.db import models
from knox.models import AuthToken


class EnrolmentLink(models.Model):
    """A one-time link an administrator issues so that one user may set up an authenticator app.

    Only a hash of the link's token is stored: the link itself is shown once, to the administrator, who
    passes it to the user. It works once, for that user only (signed in with their password), until it
    expires (TWO_FACTOR_LINK_HOURS)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = "two-factor set-up link"

    def __str__(self) -> str:
        return f"Set-up link for {self.user} issued {self.issued_at:%d/%m/%Y %H:%M}"


class ApiTokenScope(models.Model):
    """What an API token (django-rest-knox's AuthToken: only a SHA-512 digest is stored, and it expires)
    may do. Read-only unless issued with write access; a token without a row here is read-only too
    (common.api.TokenScope). Tokens are revoked when their user's password changes or the account is
    disabled (accounts.apps)."""

    token = models.OneToOneField(AuthToken, on_delete=models.CASCADE, primary_key=True, related_name="scope")
    read_only = models.BooleanField(
        default=True,
        help_text="A read-only token may only read (GET, HEAD, OPTIONS), whatever the user's role.",
    )
    description = models.CharField(max_length=200, blank=True, help_text="What the token is for.")

    class Meta:
        verbose_name = "API token scope"

    def __str__(self) -> str:
        return "read-only" if self.read_only else "read and write"
