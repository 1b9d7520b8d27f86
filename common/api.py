"""What every API view shares: the role check, and the access log of what was read.

The pages say who may see them with `role_required(...)`; an API view says the same with an
`allowed_roles` tuple, checked by `HasRole`. Object-level limits come from the selectors, as on the pages.
"""

from operator import attrgetter
from typing import TYPE_CHECKING

from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response

from common.access_log import access_log_record
from common.models import AccessLogEntry
from common.roles import has_role

if TYPE_CHECKING:  # the mixin stands before a DRF list-and-retrieve view
    from rest_framework.generics import ListAPIView as _ListAndRetrieveView
else:
    _ListAndRetrieveView = object


class TokenScope(BasePermission):
    """403 for a change (POST, PUT, PATCH, DELETE) made with an API token that is not explicitly allowed to
    write (its `scope`, accounts.models.ApiTokenScope; a token without one is read-only). A session has no
    token (`request.auth` is None) and is not limited here."""

    message = "This API token is read-only: it cannot change anything. Ask an administrator for a token with write access."

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS or request.auth is None:
            return True
        scope = getattr(request.auth, "scope", None)  # a missing reverse one-to-one is an AttributeError
        return scope is not None and not scope.read_only


class HasRole(BasePermission):
    """403 unless the user holds one of the view's `allowed_roles` (a view that names none admits nobody).
    Checks the token's scope first, since API views name their own permission classes."""

    message = "Your role does not give access to this part of the API."

    def has_permission(self, request, view) -> bool:
        if not TokenScope().has_permission(request, view):
            raise PermissionDenied(TokenScope.message)
        allowed = getattr(view, "allowed_roles", ())
        return bool(allowed) and has_role(request.user, *allowed)


class AccessLoggedMixin(_ListAndRetrieveView):
    """Records each list and each record read in the access log, as the pages do.

    A view sets `access_log_names` (singular, plural) and may name the record with `access_log_ref`.
    `access_log_child` is the attribute path to the child's ID on each object ("child.child_id"), so the
    entry names the children it showed (the page of a list, or the one record); None when there is none.
    Only successful reads are logged: a refused filter or a 404 shows nothing.
    """

    access_log_names: tuple[str, str]
    access_log_child: str | None = None

    def access_log_ref(self, instance) -> str:
        return str(instance.uuid)

    def access_log_child_ids(self, objects) -> list[str]:
        if not self.access_log_child:
            return []
        child_id = attrgetter(self.access_log_child)
        return [child_id(instance) for instance in objects]

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        page = getattr(getattr(self, "paginator", None), "page", None)
        access_log_record(
            request,
            action=AccessLogEntry.Action.LIST,
            object_type=self.access_log_names[1],
            detail=request.GET.urlencode(),
            child_ids=self.access_log_child_ids(page.object_list if page is not None else []),
        )
        return response

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        access_log_record(
            request,
            action=AccessLogEntry.Action.VIEW,
            object_type=self.access_log_names[0],
            object_ref=self.access_log_ref(instance),
            child_ids=self.access_log_child_ids([instance]),
        )
        return Response(self.get_serializer(instance).data)
