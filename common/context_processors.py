from django.conf import settings

from common.navigation import nav_items
from common.roles import user_roles


def service(request):
    return {
        "council_name": settings.COUNCIL_NAME,
        "service_name": settings.SERVICE_NAME,
        "demo_mode": settings.DEMO_MODE,
        "user_roles": sorted(user_roles(request.user)) if hasattr(request, "user") else [],
        "nav_items": nav_items(request)
        if getattr(request, "user", None) and request.user.is_authenticated
        else [],
        "page_roles": getattr(request, "allowed_roles", ()),
    }
