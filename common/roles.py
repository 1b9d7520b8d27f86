"""The roles of the product. Each is a Django group, created by a migration (common/0002, 0004)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # no model at import time: the apps' AppConfig modules import this (common.navigation)
    from django.contrib.auth.models import AnonymousUser, User

AUDITOR = "Auditor"
MODERATOR = "Moderator"
MANAGER = "Manager"
REPORT_OFFICER = "Report officer"
ADMINISTRATOR = "Administrator"
PARTNER_AUDITOR = "Partner agency auditor"
PANEL_MEMBER = "Panel member"
# A social worker or team manager whose cases are audited: sees only the feedback on their own cases
# (common/0004). Linked to the worker the case records name by audits.PractitionerProfile.
PRACTITIONER = "Practitioner"

ALL_ROLES = (
    AUDITOR,
    MODERATOR,
    MANAGER,
    REPORT_OFFICER,
    ADMINISTRATOR,
    PARTNER_AUDITOR,
    PANEL_MEMBER,
    PRACTITIONER,
)

# Who may open a child's record at all (object-level limits narrow it further per role).
CASE_RECORD_ROLES = (ADMINISTRATOR, MANAGER, MODERATOR, AUDITOR)
# Roles that see every case record; an auditor sees only the cases assigned to them.
ALL_CASES_ROLES = (ADMINISTRATOR, MANAGER, MODERATOR)
IMPORT_ROLES = (ADMINISTRATOR, MANAGER)


def user_roles(user: User | AnonymousUser) -> frozenset[str]:
    """The user's role names, cached on the user object for the request."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = remember_roles(user, user.groups.values_list("name", flat=True))
    return cached


def remember_roles(user: User, group_names: Iterable[str]) -> frozenset[str]:
    """Cache the user's role names from group names the caller already holds (a prefetch over many
    users), so `user_roles` and `has_role` read no query for this user object; returns the roles."""
    names = frozenset(group_names)
    if user.is_superuser:
        names |= {ADMINISTRATOR}
    user._role_names = names  # type: ignore[attr-defined]  # a cache on this user object, read by user_roles
    return names


def has_role(user: User | AnonymousUser, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))
