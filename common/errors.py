"""The service's own 403, 404 and 500 pages (config/urls.py names them as Django's error handlers).

403 and 404 are drawn in the layout with its navigation: they say who may see the page, when the view
knows (`role_required` keeps its roles on the request before refusing), and how to ask for access.
The 500 page is drawn without the request's context processors or the database: it is shown when
something is broken, so it reads only settings.

With DEBUG on (`make run`, the demo) Django answers a 404 with its technical page instead; the
middleware below shows the service's page there too, so a demo looks like production.
"""

import logging

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader

from common.roles import user_roles


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    allowed = tuple(getattr(request, "allowed_roles", ()))
    held = user_roles(request.user) if hasattr(request, "user") else frozenset()
    message = str(exception) if exception and exception.args else ""
    context = {
        "reason": message,
        # The roles are named only when the user lacks all of them: a user refused by an object rule
        # (someone else's case audit) holds the page's role already.
        "roles_needed": allowed if allowed and not held & set(allowed) else (),
        "page_roles": (),  # said in the page itself, not again in the footer
    }
    return render(request, "403.html", context, status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    message = exception.args[0] if exception and exception.args else ""
    context = {"reason": message if isinstance(message, str) else "", "page_roles": ()}
    return render(request, "404.html", context, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """No request context: no context processor (they read the user and the database) runs."""
    template = loader.get_template("500.html")
    context = {"service_name": settings.SERVICE_NAME, "council_name": settings.COUNCIL_NAME}
    return HttpResponseServerError(template.render(context))


class ServiceNotFoundPageMiddleware:
    """Under DEBUG, the service's 404 page rather than Django's technical one (which lists every URL)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # No URL matched (Django's resolver answered): under DEBUG that is the technical page.
        if (
            settings.DEBUG
            and response.status_code == 404
            and getattr(request, "resolver_match", None) is None
        ):
            response = page_not_found(request, Http404())
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if settings.DEBUG and isinstance(exception, Http404):
            return page_not_found(request, exception)
        return None


class ClientErrorWithoutTraceback(logging.Filter):
    """django.request logs a refused request (403 from PermissionDenied, 400) with its traceback. A
    refusal is the app working as intended: keep the warning line, drop the traceback. 5xx keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
