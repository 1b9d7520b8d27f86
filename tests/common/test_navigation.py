import pytest
from django.test import RequestFactory

from common.navigation import nav_items

pytestmark = pytest.mark.django_db


def _active(user, path: str) -> list[str]:
    request = RequestFactory().get(path)
    request.user = user
    return [item["label"] for item in nav_items(request) if item["active"]]


def test_the_longest_matching_entry_is_the_current_one(manager):
    assert _active(manager, "/cases/children/") == ["Children"]
    assert _active(manager, "/cases/") == ["Cases"]
    assert _active(manager, "/") == ["Home"]


def test_home_is_not_current_on_a_page_with_no_entry_of_its_own(auditor):
    assert _active(auditor, "/audits/case/00000000-0000-4000-8000-000000000000/") == []
