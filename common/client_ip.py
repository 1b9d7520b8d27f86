"""The client's address behind our own proxies: for django-axes (settings.AXES_CLIENT_IP_CALLABLE) and the
access log."""

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
