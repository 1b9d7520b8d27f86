"""Nothing a signed-in user is sent may be kept by the browser, a shared computer's history or a proxy.

Every response to a signed-in request (pages, htmx fragments, exports, evidence downloads and the API,
whether signed in by session or by API token) gets `Cache-Control: no-store, private`, replacing whatever
the view set: a child's record left in the back-button cache of a shared office PC, or in a proxy, is a
disclosure. Responses to anonymous requests (the sign-in page, static files) are left as they are.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

NO_STORE = "no-store, private"


def signed_in(request: HttpRequest) -> bool:
    # Read after the view: DRF authenticates an API token inside the view and sets request.user then.
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class NoStoreWhenSignedInMiddleware:
    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if signed_in(request):
            response["Cache-Control"] = NO_STORE
        return response
