import pytest
from django.contrib.auth.models import Group

from common import roles
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_migrations_create_the_eight_roles():
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ALL_ROLES)
    assert len(roles.ALL_ROLES) == 8


def test_a_superuser_counts_as_an_administrator():
    user = UserFactory.create(username="root-user", is_superuser=True)
    assert roles.has_role(user, roles.ADMINISTRATOR)


def test_a_disabled_account_has_no_roles():
    user = UserFactory.create(username="gone", roles=[roles.MANAGER], is_active=False)
    assert roles.user_roles(user) == frozenset()


def test_roles_remembered_from_prefetched_groups_are_read_without_a_query(django_assert_num_queries):
    user = UserFactory.create(username="prefetched", roles=[roles.AUDITOR])
    loaded = type(user).objects.prefetch_related("groups").get(pk=user.pk)
    roles.remember_roles(loaded, (g.name for g in loaded.groups.all()))
    with django_assert_num_queries(0):
        assert roles.has_role(loaded, roles.AUDITOR)
        assert not roles.has_role(loaded, roles.MANAGER)
