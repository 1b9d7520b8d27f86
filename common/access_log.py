from django.http import HttpRequest

from common.models import AccessLogEntry


def access_log_record(
    request: HttpRequest, *, action: str, object_type: str, object_ref: str = "", detail: str = ""
) -> AccessLogEntry:
    """Record that the request's user saw or exported something sensitive."""
    user = request.user if request.user.is_authenticated else None
    return AccessLogEntry.objects.create(
        user=user,
        username=user.get_username() if user else "",
        action=action,
        object_type=object_type,
        object_ref=str(object_ref),
        detail=detail[:500],
        path=request.get_full_path()[:500],
        ip_address=request.META.get("REMOTE_ADDR") or None,
    )
