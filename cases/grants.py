"""Sight of children that a higher app grants: an auditor sees the children of the case audits assigned
to them, and only audits knows what is assigned.

cases decides who sees a child's record (cases.selectors.children_visible_to). The roles that see every
case are named in common.roles; any other role sees only the children a higher app grants it, registered
in that app's AppConfig.ready() (audits/apps.py):

    child_sight_register(roles.AUDITOR, access.children_assigned_to)

A grant takes the user and returns a queryset of child pks (`.values("child_id")`). A role with no grant
sees no child, so the rule fails closed. This module imports no model, so an AppConfig module may import
it at the top.
"""

from collections.abc import Callable

from django.db.models import QuerySet

ChildGrant = Callable[..., QuerySet]

_GRANTS: dict[str, ChildGrant] = {}


def child_sight_register(role: str, children: ChildGrant) -> None:
    """Let users with `role` see the children `children(user)` names (registering again replaces it)."""
    _GRANTS[role] = children


def child_sight_grants() -> dict[str, ChildGrant]:
    return dict(_GRANTS)
