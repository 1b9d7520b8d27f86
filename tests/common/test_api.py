from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser

from common import roles
from common.api import HasRole

pytestmark = pytest.mark.django_db


def _allowed(user, allowed_roles=None) -> bool:
    view = SimpleNamespace() if allowed_roles is None else SimpleNamespace(allowed_roles=allowed_roles)
    return HasRole().has_permission(SimpleNamespace(user=user, method="GET", auth=None), view)


def test_has_role_admits_a_user_holding_one_of_the_views_roles(manager):
    assert _allowed(manager, (roles.ADMINISTRATOR, roles.MANAGER))
    assert not _allowed(manager, (roles.AUDITOR,))


def test_has_role_refuses_anonymous_users():
    assert not _allowed(AnonymousUser(), roles.ALL_ROLES)


def test_a_view_that_names_no_roles_admits_nobody(administrator):
    assert not _allowed(administrator)
    assert not _allowed(administrator, ())
