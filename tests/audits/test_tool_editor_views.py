"""The tool editor's pages: who may use them, what a save makes, the errors shown, and the preview."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audits.models import Question, Section, ToolVersion
from tests.factories import AuditFactory, tool_version

pytestmark = pytest.mark.django_db

PLANS = 1  # the Domestic abuse tool's "Protection and CIN plans" section, by index


def questions(version: ToolVersion) -> dict[str, Question]:
    return {q.code: q for q in Question.objects.filter(section__version=version).select_related("applies_if")}


def question_data(**overrides) -> dict:
    data = {
        "code": "D15",
        "text": "Is the voice of the child recorded?",
        "guidance": "",
        "kind": "rating",
        "section": str(PLANS),
        "position": "",
        "applies_if": "",
        "measures": "",
        "change_note": "Voice of the child.",
    }
    return data | overrides


def latest(version: ToolVersion) -> ToolVersion:
    return ToolVersion.objects.filter(tool=version.tool).order_by("-number").first()  # type: ignore[return-value]


@pytest.mark.parametrize("persona", ["manager", "administrator"], indirect=True)
def test_a_lead_adds_a_conditional_question_as_a_new_version(client, persona):
    v1 = tool_version()
    audit = AuditFactory.create(tool_version=v1)
    client.force_login(persona)
    response = client.post(
        reverse("audits-tool-question-add", args=[v1.uuid]),
        question_data(
            applies_if="D4", applies_if_values=["yes", "partly"], subsample_only="on", position="2"
        ),
    )
    v2 = latest(v1)
    assert v2.number == 2
    assert response.status_code == 302 and response["Location"] == reverse(
        "audits-tool-version", args=[v2.uuid]
    )
    d15 = questions(v2)["D15"]
    assert (d15.applies_if, d15.applies_if_values, d15.subsample_only, d15.order) == (
        questions(v2)["D4"],
        ["yes", "partly"],
        True,
        2,
    )
    assert (v2.created_by, v2.change_note) == (persona, "Voice of the child.")
    audit.refresh_from_db()
    assert audit.tool_version == v1 and "D15" not in questions(v1)


def test_a_lead_changes_a_question_s_guidance_kind_and_measure(client, manager):
    v1 = tool_version()
    d11 = questions(v1)["D11"]
    client.force_login(manager)
    page = client.get(reverse("audits-tool-question", args=[v1.uuid, d11.pk])).content.decode()
    assert d11.text in page
    response = client.post(
        reverse("audits-tool-question", args=[v1.uuid, d11.pk]),
        question_data(
            code="D11",
            text=d11.text,
            guidance="Read the supervision notes.",
            kind="text",
            section="2",
            position="2",
            measures="management_oversight",
            change_note="D11 is a free-text question now.",
        ),
    )
    assert response.status_code == 302
    changed = questions(latest(v1))["D11"]
    assert (changed.guidance, changed.kind, changed.measures) == (
        "Read the supervision notes.",
        "text",
        "management_oversight",
    )
    assert questions(v1)["D11"].kind == "rating"


def test_a_condition_on_a_later_question_is_shown_against_the_field(client, manager):
    v1 = tool_version()
    client.force_login(manager)
    response = client.post(
        reverse("audits-tool-question-add", args=[v1.uuid]),
        question_data(section="0", position="1", applies_if="D4", applies_if_values=["yes"]),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Select an earlier question for D15 to depend on: D4 is not before it" in page
    assert latest(v1) == v1


def test_a_code_already_used_is_refused(client, manager):
    v1 = tool_version()
    client.force_login(manager)
    response = client.post(reverse("audits-tool-question-add", args=[v1.uuid]), question_data(code="D4"))
    assert "Enter a code not used by another question: D4 is taken" in response.content.decode()
    assert latest(v1) == v1


def test_an_unknown_measure_is_refused(client, manager):
    v1 = tool_version()
    client.force_login(manager)
    response = client.post(
        reverse("audits-tool-question-add", args=[v1.uuid]), question_data(measures="nonsense")
    )
    assert "Select a measure from the list, or Nothing else" in response.content.decode()
    assert latest(v1) == v1


def test_removing_a_question_that_a_condition_depends_on_shows_why_it_cannot(client, manager):
    v1 = tool_version()
    d4 = questions(v1)["D4"]
    client.force_login(manager)
    response = client.post(
        reverse("audits-tool-question-remove", args=[v1.uuid, d4.pk]), {"change_note": "Not needed."}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert "You cannot remove question D4: D5 is asked only if D4 has been answered." in page
    assert latest(v1) == v1


def test_removing_a_question_makes_a_version_without_it(client, manager):
    v1 = tool_version()
    client.force_login(manager)
    client.post(
        reverse("audits-tool-question-remove", args=[v1.uuid, questions(v1)["D14"].pk]),
        {"change_note": "Asked elsewhere."},
    )
    assert "D14" not in questions(latest(v1)) and "D14" in questions(v1)


def test_a_lead_adds_renames_moves_and_removes_sections(client, manager):
    v1 = tool_version()
    client.force_login(manager)
    client.post(
        reverse("audits-tool-section-add", args=[v1.uuid]),
        {"title": "Voice of the child", "position": "", "change_note": "New section."},
    )
    v2 = latest(v1)
    assert list(v2.sections.values_list("title", flat=True))[-1] == "Voice of the child"
    findings = Section.objects.get(version=v2, title="Findings")
    client.post(
        reverse("audits-tool-section", args=[v2.uuid, findings.pk]),
        {"title": "What we found", "position": "1", "change_note": "Findings first."},
    )
    v3 = latest(v1)
    assert list(v3.sections.values_list("title", flat=True)) == [
        "What we found",
        "Information sharing and risk",
        "Protection and CIN plans",
        "Practice",
        "Voice of the child",
    ]
    empty = Section.objects.get(version=v3, title="Voice of the child")
    client.post(reverse("audits-tool-section-remove", args=[v3.uuid, empty.pk]), {"change_note": "Not yet."})
    assert latest(v1).number == 4 and latest(v1).sections.count() == 4


def test_a_section_whose_questions_others_depend_on_cannot_be_moved_after_them(client, manager):
    v1 = tool_version()
    plans = Section.objects.get(version=v1, title="Protection and CIN plans")
    client.force_login(manager)
    client.post(
        reverse("audits-tool-question-add", args=[v1.uuid]),
        question_data(section="2", applies_if="D4", applies_if_values=["no"]),
    )
    v2 = latest(v1)
    plans = Section.objects.get(version=v2, title="Protection and CIN plans")
    response = client.post(
        reverse("audits-tool-section", args=[v2.uuid, plans.pk]),
        {"title": plans.title, "position": "4", "change_note": "Move."},
    )
    assert "Select an earlier question for D15 to depend on: D4 is not before it" in response.content.decode()
    assert latest(v1) == v2


def test_the_scoring_rule_is_changed_as_a_new_version(client, manager):
    v1 = tool_version()
    client.force_login(manager)
    response = client.post(
        reverse("audits-tool-scoring", args=[v1.uuid]), {"partly": "nothing", "change_note": "Stricter."}
    )
    assert response.status_code == 302
    assert latest(v1).partly_counts_half is False and ToolVersion.objects.get(pk=v1.pk).partly_counts_half


def test_an_empty_change_note_is_asked_for(client, manager):
    v1 = tool_version()
    client.force_login(manager)
    response = client.post(reverse("audits-tool-scoring", args=[v1.uuid]), {"partly": "nothing"})
    assert "Enter what changed, and why" in response.content.decode()
    assert latest(v1) == v1


def test_an_older_version_offers_no_changes_and_refuses_them(client, manager):
    v1 = tool_version()
    client.force_login(manager)
    client.post(
        reverse("audits-tool-scoring", args=[v1.uuid]), {"partly": "nothing", "change_note": "Stricter."}
    )
    page = client.get(reverse("audits-tool-version", args=[v1.uuid])).content.decode()
    assert reverse("audits-tool-question-add", args=[v1.uuid]) not in page
    assert "change the tool from version 2" in page
    response = client.post(
        reverse("audits-tool-scoring", args=[v1.uuid]), {"partly": "half", "change_note": "Undo."}
    )
    assert "Version 1 is no longer the latest" in response.content.decode()
    assert latest(v1).number == 2


@pytest.mark.parametrize("persona", ["auditor", "moderator", "report_officer", "panel_member"], indirect=True)
def test_roles_that_do_not_lead_audits_cannot_edit_a_tool(client, persona):
    v1 = tool_version()
    client.force_login(persona)
    d1 = questions(v1)["D1"]
    for url in (
        reverse("audits-tool-question-add", args=[v1.uuid]),
        reverse("audits-tool-question", args=[v1.uuid, d1.pk]),
        reverse("audits-tool-question-remove", args=[v1.uuid, d1.pk]),
        reverse("audits-tool-section-add", args=[v1.uuid]),
        reverse("audits-tool-section", args=[v1.uuid, d1.section_id]),
        reverse("audits-tool-section-remove", args=[v1.uuid, d1.section_id]),
        reverse("audits-tool-scoring", args=[v1.uuid]),
    ):
        assert client.post(url, {"change_note": "Sneaky."}).status_code == 403, url
    assert latest(v1) == v1


def test_a_question_of_another_version_is_not_found(client, manager):
    v1 = tool_version()
    other = questions(tool_version("S47 and information sharing"))["S1"]
    client.force_login(manager)
    assert client.get(reverse("audits-tool-question", args=[v1.uuid, other.pk])).status_code == 404
    assert client.get(reverse("audits-tool-section", args=[v1.uuid, other.section_id])).status_code == 404


def test_the_editor_pages_refuse_other_methods(client, manager):
    client.force_login(manager)
    assert client.put(reverse("audits-tool-section-add", args=[tool_version().uuid])).status_code == 405
    assert client.post(reverse("audits-tool-preview", args=[tool_version().uuid])).status_code == 405


# The preview ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["manager", "auditor"], indirect=True)
def test_the_preview_shows_every_question_disabled_with_when_it_is_asked(client, persona):
    s47 = tool_version("S47 and information sharing")
    client.force_login(persona)
    response = client.get(reverse("audits-tool-preview", args=[s47.uuid]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "C2. Was consent sought before information was shared" in page
    assert "Asked only if the answer to question C1 is Yes or Partly." in page
    assert "Asked only of cases in the audit&#x27;s sub-sample." in page
    assert "<form" not in page.split('id="questions"')[1]
    fields = re.findall(r"<(?:input|textarea)[^>]*>", page.split('id="questions"')[1])
    assert len(fields) > 20 and all(" disabled" in field for field in fields)


def test_the_preview_is_forbidden_to_roles_without_audits(client, outsider):
    client.force_login(outsider)
    assert client.get(reverse("audits-tool-preview", args=[tool_version().uuid])).status_code == 403


def test_the_preview_reads_the_same_number_of_queries_whatever_the_tool_s_length(client, manager):
    client.force_login(manager)
    client.get(reverse("home"))  # the first request after sign-in saves the session; the others do not
    counts = []
    for name in ("S47 and information sharing", "Domestic abuse"):
        with CaptureQueriesContext(connection) as queries:
            assert (
                client.get(reverse("audits-tool-preview", args=[tool_version(name).uuid])).status_code == 200
            )
        counts.append(len(queries))
    assert counts[0] == counts[1]
