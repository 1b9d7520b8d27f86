"""The service navigation: each entry is shown only to roles that may open it."""

from django.urls import reverse

from common import roles

NAV = (
    ("Home", "home", None),
    ("Cases", "cases-s47-list", roles.CASE_RECORD_ROLES),
    ("Children", "cases-child-list", roles.CASE_RECORD_ROLES),
    ("Import", "cases-import", roles.IMPORT_ROLES),
)


def nav_items(request) -> list[dict]:
    items = []
    for label, url_name, allowed in NAV:
        if allowed is not None and not roles.has_role(request.user, *allowed):
            continue
        url = reverse(url_name)
        active = request.path == url if url_name == "home" else request.path.startswith(url)
        items.append({"label": label, "url": url, "active": active})
    return items
