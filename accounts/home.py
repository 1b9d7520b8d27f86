"""The accounts app's task on the home page (common/home.py): accounts locked out after failed sign-ins."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from accounts.lockout import locked_accounts
from common.home import SHOWN, HomeItem, HomeTask
from common.http import AuthenticatedHttpRequest


def locked(request: AuthenticatedHttpRequest) -> HomeTask:
    found = locked_accounts(timezone.now())
    attempts = reverse("admin:axes_accessattempt_changelist")
    return HomeTask(
        title="Accounts locked after failed sign-ins",
        count=len(found),
        items=[
            HomeItem(
                text=account.username,
                url=f"{attempts}?{urlencode({'q': account.username})}",
                hidden="(its failed sign-ins; delete them to unlock the account)",
                hint=("locked on every computer" if account.whole_account else "locked on one computer")
                + f" until {timezone.localtime(account.until):%-d %B %Y %H:%M}",
            )
            for account in found[:SHOWN]
        ],
        empty="Accounts locked out after too many wrong passwords will appear here, for you to unlock.",
        url=attempts,
        link_text="All failed sign-ins",
    )
