import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from accounts.models import ApiTokenScope, EnrolmentLink


def user_sessions_end(*, user: User) -> int:
    """Deletes every live session of the user; returns how many there were."""
    ids = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk)
    ]
    Session.objects.filter(pk__in=ids).delete()
    return len(ids)


@transaction.atomic
def user_disable(*, user: User, by: User) -> int:
    """Disables the account and ends its sessions at once; recorded in the admin history as `by`."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    ended = user_sessions_end(user=user)
    LogEntry.objects.log_actions(
        user_id=by.pk,
        queryset=[user],
        action_flag=CHANGE,
        change_message=f"Disabled the account and ended {ended} session(s).",
        single_object=True,
    )
    return ended


# Two-factor set-up links --------------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def enrolment_link_issue(*, user: User, by: User | None) -> str:
    """A new one-time set-up link's path for `user` (earlier unused links stop working), recorded in the
    admin history. The token is returned once and never stored."""
    if not user.is_active:
        raise ValidationError(f"{user.username} is disabled: a set-up link would not work.")
    now = timezone.now()
    EnrolmentLink.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
    token = secrets.token_urlsafe(32)
    EnrolmentLink.objects.create(
        user=user,
        token_hash=_token_hash(token),
        issued_by=by,
        expires_at=now + datetime.timedelta(hours=settings.TWO_FACTOR_LINK_HOURS),
    )
    if by is not None:
        LogEntry.objects.log_actions(
            user_id=by.pk,
            queryset=[user],
            action_flag=CHANGE,
            change_message="Issued a two-factor set-up link.",
            single_object=True,
        )
    return reverse("accounts-two-factor-enrol", args=[token])


LINK_REFUSED = (
    "This set-up link does not work: it has been used, has expired, was replaced by a newer one or is for "
    "another account. Ask an administrator for a new link."
)


@transaction.atomic
def enrolment_link_redeem(*, user: User, token: str) -> None:
    """Uses up the link, or refuses it (ValidationError) if it is not this user's live link. A conditional
    update claims it, so two tabs opening one link cannot both succeed."""
    now = timezone.now()
    claimed = EnrolmentLink.objects.filter(
        token_hash=_token_hash(token), user=user, used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    if claimed != 1:
        raise ValidationError(LINK_REFUSED)
    # A secret made before this link (and perhaps seen by someone else) is never the one set up.
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()


# API tokens ---------------------------------------------------------------------------------------------


@transaction.atomic
def api_token_issue(
    *, user: User, write: bool = False, days: int | None = None, description: str = ""
) -> tuple[AuthToken, str]:
    """A new API token (read-only unless `write`), expiring after `days` (API_TOKEN_DAYS by default).
    Returns the row and the token itself, which is shown once: only its digest is stored."""
    if not user.is_active:
        raise ValidationError(f"{user.username} is disabled: an API token would not work.")
    days = settings.API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise ValidationError(f"An API token lasts from 1 to {settings.API_TOKEN_MAX_DAYS} days.")
    token, key = AuthToken.objects.create(user=user, expiry=datetime.timedelta(days=days))
    ApiTokenScope.objects.create(token=token, read_only=not write, description=description[:200])
    return token, key


def api_tokens_revoke(*, user: User) -> int:
    deleted, _ = AuthToken.objects.filter(user=user).delete()
    return deleted


def api_tokens_revoke_on_change(sender, instance: User, created: bool, **kwargs) -> None:
    """post_save of a user: a new password (Django keeps the raw one in `_password` until the save is
    done) or a disabled account ends every API token."""
    if created:
        return
    if getattr(instance, "_password", None) is not None or not instance.is_active:
        api_tokens_revoke(user=instance)
