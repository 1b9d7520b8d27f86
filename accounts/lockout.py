"""How django-axes identifies a log-in attempt (the client's address, common.client_ip, and a normalised
username), and how many failures lock it out: for the username from one address, and for the username
from anywhere."""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit, get_lockout_parameters
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def lockout_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """`Manager` and ` manager` count as the same account, so changing case buys no extra attempts."""
    username = (credentials or {}).get("username")
    if username is None:
        username = request.POST.get("username") if request is not None else None
    return username.strip().lower() if isinstance(username, str) else username


class AccountLockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler with a limit of its own for each lockout parameter.

    `AXES_LOCKOUT_PARAMETERS` counts failures for the username from this address, and for the username
    from every address. Axes compares the larger count with one limit; the username alone needs a higher
    one (`LOGIN_USERNAME_FAILURE_LIMIT`), or one person's typos on one computer would lock them out of
    every other. So each count is scaled to the common limit: `count * AXES_FAILURE_LIMIT // own limit`
    reaches AXES_FAILURE_LIMIT exactly when the count reaches its own limit.
    """

    def get_failures(self, request, credentials: dict | None = None) -> int:
        limit = get_failure_limit(request, credentials)
        parameters = get_lockout_parameters(request, credentials)
        worst = 0
        for parameter, attempts in zip(parameters, self.get_user_attempts(request, credentials), strict=True):
            count = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            own = settings.LOGIN_USERNAME_FAILURE_LIMIT if parameter == "username" else limit
            scaled = count * limit // max(own, 1)
            if parameter == "username" and scaled >= limit:
                request.lockout_whole_account = True  # the page says every computer is locked out
            worst = max(worst, scaled)
        return worst
