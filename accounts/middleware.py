import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.urls import reverse

from accounts.two_factor import two_factor_pending


class _TwoFactorRequest(HttpRequest):
    two_factor_pending: bool


class TwoFactorMiddleware:
    """Holds back every request of a session that still owes a one-time code (after OTPMiddleware).

    Pages redirect to the code (or set-up) page and come back afterwards; the API answers 403 in JSON.
    API clients that send a token instead of a session cookie are not affected: an administrator issues
    each token (`manage.py api_token`) as a credential of its own.
    """

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request: _TwoFactorRequest) -> HttpResponseBase:
        if not settings.TWO_FACTOR_REQUIRED or not two_factor_pending(request):
            return self.get_response(request)
        request.two_factor_pending = True  # the page template leaves the menu out
        if not self._exempt(request.path):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": "Two-factor authentication is required: sign in through the web pages first."},
                    status=403,
                )
            redirect = redirect_to_login(request.get_full_path(), reverse("accounts-two-factor"))
            if request.headers.get("HX-Request") == "true":
                # htmx would swap the whole code page into a fragment: ask it to load the page instead.
                return HttpResponse(status=204, headers={"HX-Redirect": redirect.url})
            return redirect
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        open_paths = (
            reverse("accounts-two-factor"),
            reverse("accounts-two-factor-setup"),
            reverse("login"),
            reverse("logout"),
            settings.STATIC_URL,
        )
        return path.startswith(open_paths)


class IdleSessionMiddleware:
    """The idle timeout (SESSION_COOKIE_AGE) without writing the session on every request.

    Django's SESSION_SAVE_EVERY_REQUEST saves the session, to move its expiry on, on every request: a
    database write for every page and every autosave. This saves it only when its last save is older
    than a thirtieth of the timeout (a minute of the 30), so a session ends between 29 and 30 minutes
    after its last request, never later. Sits just inside SessionMiddleware, which does the saving."""

    STAMP = "_idle_refreshed_at"

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        session = request.session
        if session.is_empty() or not session.get("_auth_user_id"):
            return response  # nobody signed in: no session to keep alive, and none to create
        now = int(time.time())
        if session.modified or now - session.get(self.STAMP, 0) >= self.refresh_seconds():
            session[self.STAMP] = now  # saved, and its expiry moved on, by SessionMiddleware
        return response

    @staticmethod
    def refresh_seconds() -> int:
        return settings.SESSION_COOKIE_AGE // 30
