"""Learning themes: the seeded list, and QA leads adding, renaming and deactivating themes."""

import pytest
from django.urls import reverse

from audits.models import Theme

pytestmark = pytest.mark.django_db

SEEDED = [
    "Information sharing",
    "Management oversight",
    "Multi-agency working",
    "Recording and chronology",
    "Risk assessment",
    "Voice of the child",
]


def test_the_migration_seeds_the_six_themes():
    assert list(Theme.objects.values_list("name", flat=True)) == SEEDED
    assert all(Theme.objects.values_list("is_active", flat=True))


def test_a_lead_sees_the_themes(client, manager):
    client.force_login(manager)
    page = client.get(reverse("audits-theme-list")).content.decode()
    assert "Voice of the child" in page
    assert "Add a theme" in page


def test_a_lead_adds_a_theme_and_its_history_names_them(client, manager):
    client.force_login(manager)
    response = client.post(reverse("audits-theme-list"), {"name": "  Neglect  ", "description": "Chronic"})
    assert response.status_code == 302
    theme = Theme.objects.get(name="Neglect")
    assert theme.description == "Chronic"
    assert theme.history.get().history_user == manager


def test_a_theme_name_is_unique_whatever_its_case(client, manager):
    client.force_login(manager)
    response = client.post(reverse("audits-theme-list"), {"name": "voice of the child"})
    assert response.status_code == 200
    assert "is taken" in response.content.decode()
    assert Theme.objects.count() == len(SEEDED)


def test_a_theme_needs_a_name(client, manager):
    client.force_login(manager)
    response = client.post(reverse("audits-theme-list"), {"name": ""})
    assert "Enter the theme&#x27;s name" in response.content.decode()


def test_a_lead_renames_and_deactivates_a_theme(client, manager):
    theme = Theme.objects.get(name="Risk assessment")
    client.force_login(manager)
    response = client.post(
        reverse("audits-theme-edit", args=[theme.uuid]),
        {"name": "Risk analysis", "description": "", "is_active": "no"},
    )
    assert response.status_code == 302
    theme.refresh_from_db()
    assert (theme.name, theme.is_active) == ("Risk analysis", False)
    assert theme.history.latest().history_change_reason == (
        "Theme renamed from “Risk assessment”, deactivated, description changed"
    )


def test_saving_an_unchanged_theme_writes_no_history(client, manager):
    theme = Theme.objects.get(name="Risk assessment")
    client.force_login(manager)
    client.post(
        reverse("audits-theme-edit", args=[theme.uuid]),
        {"name": theme.name, "description": theme.description, "is_active": "yes"},
    )
    assert theme.history.count() == 0


@pytest.mark.parametrize("persona", ["moderator", "auditor", "report_officer"], indirect=True)
def test_other_roles_may_not_manage_themes(client, persona):
    client.force_login(persona)
    response = client.post(reverse("audits-theme-list"), {"name": "Neglect"})
    assert response.status_code == 403
    assert not Theme.objects.filter(name="Neglect").exists()
