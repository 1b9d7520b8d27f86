from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token

from common import roles
from common.api import HasRole
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _allowed(user, allowed_roles=None) -> bool:
    view = SimpleNamespace() if allowed_roles is None else SimpleNamespace(allowed_roles=allowed_roles)
    return HasRole().has_permission(SimpleNamespace(user=user), view)


def test_has_role_admits_a_user_holding_one_of_the_views_roles(manager):
    assert _allowed(manager, (roles.ADMINISTRATOR, roles.MANAGER))
    assert not _allowed(manager, (roles.AUDITOR,))


def test_has_role_refuses_anonymous_users():
    assert not _allowed(AnonymousUser(), roles.ALL_ROLES)


def test_a_view_that_names_no_roles_admits_nobody(administrator):
    assert not _allowed(administrator)
    assert not _allowed(administrator, ())


def test_the_api_token_command_prints_the_same_token_each_time(manager, capsys):
    call_command("api_token", manager.username)
    call_command("api_token", manager.username)
    first, second = capsys.readouterr().out.split()
    assert first == second == Token.objects.get(user=manager).key


def test_the_api_token_command_names_an_unknown_user():
    with pytest.raises(CommandError, match="No user called 'nobody'"):
        call_command("api_token", "nobody")


def test_the_api_token_command_refuses_a_deactivated_user():
    UserFactory(username="gone", is_active=False)
    with pytest.raises(CommandError, match="deactivated"):
        call_command("api_token", "gone")
    assert not Token.objects.exists()
