"""Request types for views: what the middleware and the log-in decorators guarantee about a request.

A view behind `login_required` or `role_required` takes an `AuthenticatedHttpRequest`: its user is a
signed-in `User`, never `AnonymousUser`. django-htmx's middleware sets `request.htmx` on every request.
Annotations only: Django builds the requests; these classes are never instantiated.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:  # no model at import time
    from django.contrib.auth.models import User
    from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


class AuthenticatedHttpRequest(HtmxHttpRequest):
    user: User
    allowed_roles: tuple[str, ...]  # set by role_required
