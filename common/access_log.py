"""The access log: who saw or exported what, when and from where (common.models.AccessLogEntry).

Views call `access_log_record(request, ...)`; code with no request (a management command, a service
called from one) calls `access_log_write(...)`. Each entry may name the children whose records it
showed (`child_ids`: the council's child IDs), so "who looked at this child?" is one search.
Nothing in the app changes or deletes an entry, except `common.services.access_log_purge` after the
retention period.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from django.contrib.auth.models import User
from django.http import HttpRequest

from common.client_ip import client_ip
from common.models import AccessLogChild, AccessLogEntry

CHILD_BATCH = 2000


@dataclass(frozen=True)
class Origin:
    """Where a write came from, for a service that logs it: a request's path and IP, or a command."""

    path: str = ""
    ip_address: str | None = None

    @classmethod
    def of(cls, request: HttpRequest) -> "Origin":
        return cls(request.get_full_path(), client_ip(request))


def access_log_write(
    *,
    user: User | None,
    action: str,
    object_type: str,
    object_ref: str | UUID = "",
    detail: str = "",
    path: str = "",
    ip_address: str | None = None,
    child_ids: Iterable[str] = (),
) -> AccessLogEntry:
    # No transaction of its own (list pages pin their query counts): the entry is written first, so a
    # failure naming the children cannot lose the entry itself.
    entry = AccessLogEntry.objects.create(
        user=user,
        username=user.get_username() if user else "",
        action=action,
        object_type=object_type,
        object_ref=str(object_ref)[:100],
        detail=detail[:500],
        path=path[:500],
        ip_address=ip_address or None,
    )
    refs = sorted({str(ref)[:50] for ref in child_ids if ref})
    if refs:
        AccessLogChild.objects.bulk_create(
            [AccessLogChild(entry=entry, child_ref=ref) for ref in refs], batch_size=CHILD_BATCH
        )
    return entry


def access_log_record(
    request: HttpRequest,
    *,
    action: str,
    object_type: str,
    object_ref: str | UUID = "",
    detail: str = "",
    child_ids: Iterable[str] = (),
) -> AccessLogEntry:
    """Record that the request's user saw or exported something sensitive."""
    user = request.user if request.user.is_authenticated else None
    return access_log_write(
        user=user,
        action=action,
        object_type=object_type,
        object_ref=object_ref,
        detail=detail,
        path=request.get_full_path(),
        ip_address=client_ip(request),
        child_ids=child_ids,
    )
