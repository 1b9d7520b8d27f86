"""Audit tools: the version page, and editing, which always makes a new version."""

import pytest
from django.urls import reverse

from audits import services
from audits.models import Question, ToolVersion
from tests.factories import AuditFactory, tool_version

pytestmark = pytest.mark.django_db


def questions(version: ToolVersion) -> dict[str, Question]:
    return {q.code: q for q in Question.objects.filter(section__version=version).select_related("applies_if")}


def edit_data(version: ToolVersion, *, change_note: str = "Clearer wording.", **overrides) -> dict:
    """The edit form as it is first shown, with `overrides` (field name -> value) applied."""
    data = {f"q{q.pk}_text": q.text for q in questions(version).values()}
    data |= {f"new{n}_kind": "rating" for n in range(1, 4)}
    data["change_note"] = change_note
    if version.partly_counts_half:
        data["partly_counts_half"] = "on"
    return data | overrides


# Reading ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["manager", "report_officer", "auditor"], indirect=True)
def test_the_tool_list_shows_each_tool_and_its_versions(client, persona):
    client.force_login(persona)
    response = client.get(reverse("audits-tool-list"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Domestic abuse" in page and "S47 and information sharing" in page
    assert reverse("audits-tool-version", args=[tool_version().uuid]) in page


@pytest.mark.parametrize("persona", ["outsider", "panel_member"], indirect=True)
def test_tools_are_forbidden_to_roles_without_audits(client, persona):
    client.force_login(persona)
    assert client.get(reverse("audits-tool-list")).status_code == 403


def test_the_version_page_shows_conditions_on_each_question(client, manager):
    client.force_login(manager)
    da = client.get(reverse("audits-tool-version", args=[tool_version().uuid])).content.decode()
    s47 = client.get(reverse("audits-tool-version", args=[tool_version("S47 and information sharing").uuid]))
    s47 = s47.content.decode()
    assert "asked only where D4 is Yes" in da
    assert "asked only where D6 is Yes or Partly" in da
    assert "also measures: Chronology on file" in da
    assert "Counts a half in results" in da
    assert "sub-sample only" in s47
    assert reverse("audits-tool-edit", args=[tool_version().uuid]) in da


def test_the_version_page_offers_no_edit_link_to_non_leads(client, moderator):
    client.force_login(moderator)
    page = client.get(reverse("audits-tool-version", args=[tool_version().uuid])).content.decode()
    assert reverse("audits-tool-edit", args=[tool_version().uuid]) not in page


# Editing ----------------------------------------------------------------------------------------


def test_editing_a_tool_makes_a_new_version_and_leaves_the_old_one_unchanged(client, manager):
    old = tool_version()
    audit = AuditFactory.create(tool_version=old)
    before = {code: (q.pk, q.text, q.applies_if_id) for code, q in questions(old).items()}
    q = questions(old)
    client.force_login(manager)
    response = client.post(
        reverse("audits-tool-edit", args=[old.uuid]),
        edit_data(
            old,
            **{
                f"q{q['D1'].pk}_text": "Is information shared well between agencies?",
                f"q{q['D14'].pk}_remove": "on",
                "new1_section": "3",
                "new1_code": "D15",
                "new1_text": "Is the voice of the child recorded?",
            },
        ),
    )
    new = ToolVersion.objects.get(tool=old.tool, number=2)
    assert response.status_code == 302
    assert response["Location"] == reverse("audits-tool-version", args=[new.uuid])

    old.refresh_from_db()
    audit.refresh_from_db()
    assert audit.tool_version == old
    assert {code: (q.pk, q.text, q.applies_if_id) for code, q in questions(old).items()} == before

    copied = questions(new)
    assert copied["D1"].text == "Is information shared well between agencies?"
    assert "D14" not in copied
    assert copied["D15"].text == "Is the voice of the child recorded?"
    assert copied["D15"].section.title == "Practice"
    assert copied["D15"].order == 5  # after D13, in the place D14 left
    assert (new.created_by, new.change_note) == (manager, "Clearer wording.")
    assert len(copied) == len(before)


def test_conditions_in_the_new_version_point_to_the_new_questions(client, manager):
    old = tool_version()
    client.force_login(manager)
    client.post(reverse("audits-tool-edit", args=[old.uuid]), edit_data(old))  # Partly stays: nothing changed
    assert not ToolVersion.objects.filter(number=2, tool=old.tool).exists()
    client.post(reverse("audits-tool-edit", args=[old.uuid]), edit_data(old, partly_counts_half=""))
    new = ToolVersion.objects.get(tool=old.tool, number=2)
    copied = questions(new)
    assert new.partly_counts_half is False
    assert copied["D5"].applies_if == copied["D4"]
    assert copied["D7"].applies_if == copied["D6"]
    assert copied["D7"].applies_if_values == ["yes", "partly"]
    assert questions(old)["D5"].applies_if == questions(old)["D4"]


def test_editing_an_older_version_numbers_the_copy_after_the_latest(manager):
    old = tool_version()
    services.tool_version_create(base=old, user=manager, change_note="", partly_counts_half=False)
    third = services.tool_version_create(
        base=old,
        user=manager,
        change_note="",
        texts={},
        removed=set(),
        added=[{"section": 1, "code": "D0", "text": "Was the referral screened?", "kind": "rating"}],
    )
    assert third.number == 3
    assert third.partly_counts_half is True


def test_saving_with_no_change_is_refused_and_makes_no_version(client, manager):
    old = tool_version()
    client.force_login(manager)
    response = client.post(reverse("audits-tool-edit", args=[old.uuid]), edit_data(old))
    assert response.status_code == 200
    assert "Nothing has changed" in response.content.decode()
    assert old.tool.versions.count() == 1


def test_removing_a_question_others_depend_on_is_refused(client, manager):
    old = tool_version()
    client.force_login(manager)
    response = client.post(
        reverse("audits-tool-edit", args=[old.uuid]),
        edit_data(old, **{f"q{questions(old)['D4'].pk}_remove": "on"}),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "D5 is asked only where D4 is answered" in page
    assert old.tool.versions.count() == 1


def test_a_new_question_needs_its_own_code_and_a_section(client, manager):
    old = tool_version()
    client.force_login(manager)
    response = client.post(
        reverse("audits-tool-edit", args=[old.uuid]),
        edit_data(
            old, new1_section="2", new1_code="D4", new1_text="Again?", new2_code="D20", new2_text="Where?"
        ),
    )
    page = response.content.decode()
    assert "Select a section for new question 2" in page
    assert old.tool.versions.count() == 1
    response = client.post(
        reverse("audits-tool-edit", args=[old.uuid]),
        edit_data(old, new1_section="2", new1_code="D4", new1_text="Again?"),
    )
    assert "D4 used more than once" in response.content.decode()
    assert old.tool.versions.count() == 1


def test_the_tool_edit_page_rejects_other_methods(client, manager):
    client.force_login(manager)
    assert client.put(reverse("audits-tool-edit", args=[tool_version().uuid])).status_code == 405


@pytest.mark.parametrize("persona", ["outsider", "report_officer", "moderator", "auditor"], indirect=True)
def test_only_leads_may_edit_a_tool(client, persona):
    old = tool_version()
    client.force_login(persona)
    url = reverse("audits-tool-edit", args=[old.uuid])
    assert client.get(url).status_code == 403
    assert client.post(url, edit_data(old, partly_counts_half="")).status_code == 403
    assert old.tool.versions.count() == 1
