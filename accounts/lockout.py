"""How django-axes identifies a log-in attempt (the client's address, common.client_ip, and a normalised
username), and how many failures lock it out: for the username from one address, and for the username
from anywhere."""

import datetime
from dataclasses import dataclass

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.http import HttpRequest


def lockout_username(request: HttpRequest | None, credentials: dict | None) -> str | None:
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


@dataclass(frozen=True)
class LockedAccount:
    username: str
    until: datetime.datetime  # when the cool-off ends, if no one unlocks it sooner
    whole_account: bool  # locked from every address, not only one


def locked_accounts(now: datetime.datetime) -> list[LockedAccount]:
    """The usernames locked out now, by the same two counts as `AccountLockoutHandler`: the username from
    one address at AXES_FAILURE_LIMIT, the username from anywhere at LOGIN_USERNAME_FAILURE_LIMIT."""
    since = now - settings.AXES_COOLOFF_TIME
    attempts = AccessAttempt.objects.filter(attempt_time__gte=since, username__isnull=False).order_by()
    by_address = attempts.values("username", "ip_address").annotate(
        failures=Sum("failures_since_start"), last=Max("attempt_time")
    )
    by_username = {
        row["username"]: row
        for row in attempts.values("username").annotate(
            failures=Sum("failures_since_start"), last=Max("attempt_time")
        )
    }
    locked: dict[str, LockedAccount] = {}
    for row in by_username.values():
        if row["failures"] >= settings.LOGIN_USERNAME_FAILURE_LIMIT:
            locked[row["username"]] = LockedAccount(
                row["username"], row["last"] + settings.AXES_COOLOFF_TIME, True
            )
    for row in by_address:
        if row["username"] not in locked and row["failures"] >= settings.AXES_FAILURE_LIMIT:
            until = row["last"] + settings.AXES_COOLOFF_TIME
            locked[row["username"]] = LockedAccount(row["username"], until, False)
    return sorted(locked.values(), key=lambda account: account.username)
