"""The service navigation: each entry is shown only to roles that may open it."""

from django.urls import reverse

from actions import access as action_access
from audits import access as audit_access
from common import roles
from metrics.access import DASHBOARD_ROLES
from reporting.access import REPORT_ALL_ROLES

NAV = (
    ("Home", "home", None),
    ("My audits", "audits-mine", audit_access.SCORING_ROLES),
    ("Audits", "audits-list", audit_access.ALL_AUDITS_ROLES),
    ("Moderation", "audits-moderation", audit_access.MODERATION_ROLES),
    ("Cases", "cases-s47-list", roles.CASE_RECORD_ROLES),
    ("Children", "cases-child-list", roles.CASE_RECORD_ROLES),
    ("Import", "cases-import", roles.IMPORT_ROLES),
    ("Dashboard", "metrics-dashboard", DASHBOARD_ROLES),
    ("Actions", "actions-mine", action_access.ACTION_ROLES),
    ("Reports", "reporting-reports", REPORT_ALL_ROLES),
    ("Access log", "common-access-log", (roles.ADMINISTRATOR,)),
)


def nav_items(request) -> list[dict]:
    items = [
        {"label": label, "url": reverse(url_name), "active": False}
        for label, url_name, allowed in NAV
        if allowed is None or roles.has_role(request.user, *allowed)
    ]
    # The entry whose URL is the longest prefix of this page is the current one.
    matches = [
        item
        for item in items
        if request.path == item["url"] or (item["url"] != "/" and request.path.startswith(item["url"]))
    ]
    if matches:
        max(matches, key=lambda item: len(item["url"]))["active"] = True
    return items
