from collections.abc import Callable
from functools import wraps
from typing import Any, Protocol, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from common.roles import has_role


class RoleView(Protocol):
    """A view that names the roles allowed to open it."""

    allowed_roles: tuple[str, ...]

    def __call__(self, request: Any, *args: Any, **kwargs: Any) -> Any: ...


def role_required(*roles: str) -> Callable:
    """Login required, then 403 unless the user holds one of `roles`.

    The roles are kept on the view as `allowed_roles`, so each page states who may see it
    (the page footer shows them, and the permission tests read them).
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            request.allowed_roles = roles  # also read by the 403 page, which names them
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        protected = cast(RoleView, login_required(wrapped))
        protected.allowed_roles = roles
        return protected

    return decorator
