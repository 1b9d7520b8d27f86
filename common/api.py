"""What every API view shares: the role check, and the access log of what was read.

The pages say who may see them with `role_required(...)`; an API view says the same with an
`allowed_roles` tuple, checked by `HasRole`. Object-level limits come from the selectors, as on the pages.
"""

from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from common.access_log import access_log_record
from common.models import AccessLogEntry
from common.roles import has_role


class HasRole(BasePermission):
    """403 unless the user holds one of the view's `allowed_roles` (a view that names none admits nobody)."""

    message = "Your role does not give access to this part of the API."

    def has_permission(self, request, view) -> bool:
        allowed = getattr(view, "allowed_roles", ())
        return bool(allowed) and has_role(request.user, *allowed)


class AccessLoggedMixin:
    """Records each list and each record read in the access log, as the pages do.

    A view sets `access_log_names` (singular, plural) and may name the record with `access_log_ref`.
    Only successful reads are logged: a refused filter or a 404 shows nothing.
    """

    access_log_names: tuple[str, str]

    def access_log_ref(self, instance) -> str:
        return str(instance.uuid)

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        access_log_record(
            request,
            action=AccessLogEntry.Action.LIST,
            object_type=self.access_log_names[1],
            detail=request.GET.urlencode(),
        )
        return response

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        access_log_record(
            request,
            action=AccessLogEntry.Action.VIEW,
            object_type=self.access_log_names[0],
            object_ref=self.access_log_ref(instance),
        )
        return Response(self.get_serializer(instance).data)
