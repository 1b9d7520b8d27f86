import re

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.test import RequestFactory
from django.urls import reverse

from common import navigation, roles
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
    link = re.search(r'<link rel="icon" href="([^"]+)"', page)
    assert link is not None
    href = link.group(1)
    assert href == static("app/favicon.svg") and finders.find("app/favicon.svg")


MENU = {
    "administrator": [
        "Home", "Audits", "Moderation", "Feedback", "Cases", "Children", "Import", "Dashboard", "Actions",
        "Reports", "Access log",
    ],
    "manager": ["Home", "Audits", "Feedback", "Cases", "Children", "Import", "Dashboard", "Actions", "Reports"],
    "moderator": ["Home", "Audits", "Moderation", "Cases", "Children", "Dashboard", "Actions"],
    "report_officer": ["Home", "Audits", "Dashboard", "Actions", "Reports"],
    "auditor": ["Home", "My audits", "Cases", "Children", "Actions"],
    "partner_auditor": ["Home", "My audits", "Actions"],
    "panel_member": ["Home", "Reports"],
    "practitioner": ["Home", "My feedback"],
    "outsider": ["Home"],
}  # fmt: skip


@pytest.mark.parametrize(("persona", "labels"), MENU.items(), indirect=["persona"])
def test_each_role_sees_the_entries_the_apps_registered_for_it_in_order(persona, labels):
    """Each app registers its own entries (AppConfig.ready); common/navigation.py imports none of them."""
    request = RequestFactory().get("/")
    request.user = persona
    assert [item["label"] for item in nav_items(request)] == labels


def test_registering_an_entry_again_replaces_it(monkeypatch, manager):
    monkeypatch.setattr(navigation, "_ENTRIES", dict(navigation._ENTRIES))
    navigation.nav_register(label="Case list", url_name="cases-s47-list", roles=roles.ALL_ROLES, order=50)
    request = RequestFactory().get("/")
    request.user = manager
    labels = [item["label"] for item in nav_items(request)]
    assert labels.count("Case list") == 1 and "Cases" not in labels
