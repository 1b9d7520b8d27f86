"""Personas as fixtures (STYLE.md): one user per role, plus an outsider with no role."""

import pytest

from common import roles
from tests.browser_fixtures import assert_accessible, axe, browser, page  # noqa: F401  (fixtures)
from tests.factories import UserFactory


@pytest.fixture
def administrator(db):
    return UserFactory(username="admin-alex", roles=[roles.ADMINISTRATOR])


@pytest.fixture
def manager(db):
    return UserFactory(username="manager-mo", roles=[roles.MANAGER])


@pytest.fixture
def auditor(db):
    return UserFactory(username="auditor-ash", roles=[roles.AUDITOR])


@pytest.fixture
def moderator(db):
    return UserFactory(username="moderator-max", roles=[roles.MODERATOR])


@pytest.fixture
def report_officer(db):
    return UserFactory(username="reports-rae", roles=[roles.REPORT_OFFICER])


@pytest.fixture
def partner_auditor(db):
    return UserFactory(username="partner-pat", roles=[roles.PARTNER_AUDITOR])


@pytest.fixture
def panel_member(db):
    return UserFactory(username="panel-pip", roles=[roles.PANEL_MEMBER])


@pytest.fixture
def outsider(db):
    return UserFactory(username="outsider-oz")


@pytest.fixture
def persona(request, db):
    """Indirect parametrisation by persona name: @pytest.mark.parametrize("persona", [...], indirect=True)."""
    return request.getfixturevalue(request.param)
