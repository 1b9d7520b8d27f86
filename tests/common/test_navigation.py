import re

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.test import RequestFactory
from django.urls import reverse

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


def test_every_page_names_a_favicon_the_app_ships(client, manager):
    """Browsers otherwise ask for /favicon.ico on every page and log a 404."""
    client.force_login(manager)
    page = client.get(reverse("home")).content.decode()
    href = re.search(r'<link rel="icon" href="([^"]+)"', page).group(1)
    assert href == static("app/favicon.svg") and finders.find("app/favicon.svg")
