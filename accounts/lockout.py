"""How django-axes identifies a log-in attempt: the client's address and a normalised username."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, seen through the number of our own proxies that TRUSTED_PROXY_COUNT states.

    Each trusted proxy appends the address it received the request from to X-Forwarded-For, so the client
    is the entry that many places from the right. Entries further left were written by the client and
    could be anything, so they are never used.
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR") or None


def lockout_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """`Manager` and ` manager` count as the same account, so changing case buys no extra attempts."""
    username = (credentials or {}).get("username")
    if username is None:
        username = request.POST.get("username") if request is not None else None
    return username.strip().lower() if isinstance(username, str) else username
