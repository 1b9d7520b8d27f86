from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone


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
