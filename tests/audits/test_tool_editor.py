"""The tool editor's changes (audits.tool_editor): each is checked whole, saved as the tool's next version,
and leaves the version it started from, and the audits using it, as they were."""

import dataclasses

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from audits import tool_editor
from audits.models import Question, ToolVersion
from audits.tool_editor import QuestionSpec, SectionSpec, VersionSpec
from tests.factories import AuditFactory, UserFactory, tool_version

# Sections of the shipped Domestic abuse tool, by index.
INFO, PLANS, PRACTICE, FINDINGS = range(4)


def small() -> VersionSpec:
    """A: Yes/No gate; B asked if A is Yes; T free text."""
    return VersionSpec(
        partly_counts_half=True,
        sections=(
            SectionSpec(
                "One",
                (
                    QuestionSpec("A", "Is it so?"),
                    QuestionSpec("B", "Is that so too?", applies_if="A", applies_if_values=("yes",)),
                ),
            ),
            SectionSpec("Two", (QuestionSpec("T", "Anything else?", kind=Question.Kind.TEXT),)),
        ),
    )


def codes(spec: VersionSpec) -> list[list[str]]:
    return [[q.code for q in section.questions] for section in spec.sections]


def messages(error: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return error.value.message_dict


# Pure changes --------------------------------------------------------------------------------------


def test_a_question_is_added_at_its_position_or_at_the_end():
    spec = tool_editor.question_add(small(), question=QuestionSpec("C", "New?"), section=0, position=1)
    assert codes(spec) == [["C", "A", "B"], ["T"]]
    spec = tool_editor.question_add(spec, question=QuestionSpec("D", "Last?"), section=1)
    assert codes(spec) == [["C", "A", "B"], ["T", "D"]]


def test_a_code_used_by_another_question_is_refused_on_the_code_field():
    with pytest.raises(ValidationError) as error:
        tool_editor.question_add(small(), question=QuestionSpec("A", "Again?"), section=1)
    assert messages(error) == {"code": ["Enter a code not used by another question: A is taken"]}


def test_a_condition_must_point_to_an_earlier_rating_question():
    later = QuestionSpec("C", "Early?", applies_if="B", applies_if_values=("yes",))
    with pytest.raises(ValidationError) as error:
        tool_editor.question_add(small(), question=later, section=0, position=1)
    assert messages(error)["applies_if"] == [
        "Select an earlier question for C to depend on: B is not before it"
    ]

    on_text = QuestionSpec("C", "After text?", applies_if="T", applies_if_values=("yes",))
    with pytest.raises(ValidationError) as error:
        tool_editor.question_add(small(), question=on_text, section=1)
    assert messages(error)["applies_if"] == [
        "Select a rating question for C to depend on: T is answered in free text"
    ]

    no_values = QuestionSpec("C", "When?", applies_if="A")
    with pytest.raises(ValidationError) as error:
        tool_editor.question_add(small(), question=no_values, section=1)
    assert messages(error)["applies_if_values"] == ["Select the answers that mean C is asked"]


def test_a_measure_must_be_one_an_audit_question_can_feed():
    with pytest.raises(ValidationError) as error:
        tool_editor.question_add(
            small(), question=QuestionSpec("C", "?", measures="children_on_cp_plans"), section=0
        )
    assert messages(error)["measures"] == ["Select one of the listed measures for question C, or none"]
    spec = tool_editor.question_add(
        small(), question=QuestionSpec("C", "?", measures="consent_recorded"), section=0
    )
    assert spec.question("C").measures == "consent_recorded"


def test_renaming_a_gate_carries_the_new_code_to_its_conditions():
    spec = small()
    renamed = dataclasses.replace(spec.question("A"), code="A1")
    spec = tool_editor.question_change(spec, code="A", question=renamed, section=0, position=1)
    assert spec.question("B").applies_if == "A1"


def test_moving_a_gate_after_the_question_that_depends_on_it_is_refused():
    with pytest.raises(ValidationError) as error:
        tool_editor.question_change(small(), code="A", question=small().question("A"), section=1)
    assert messages(error) == {
        NON_FIELD_ERRORS: ["Select an earlier question for B to depend on: A is not before it"]
    }


def test_moving_a_section_before_the_one_its_gates_are_in_is_refused():
    spec = tool_editor.section_add(small(), title="Three")
    spec = tool_editor.question_add(
        spec, question=QuestionSpec("C", "?", applies_if="A", applies_if_values=("no",)), section=2
    )
    moved = tool_editor.section_change(spec, section=1, title="Second", position=1)
    assert [s.title for s in moved.sections] == ["Second", "One", "Three"]
    with pytest.raises(ValidationError):
        tool_editor.section_change(spec, section=2, title="Three", position=1)


def test_removing_a_question_another_depends_on_is_refused_with_the_reason():
    with pytest.raises(ValidationError) as error:
        tool_editor.question_remove(small(), code="A")
    assert error.value.messages == [
        "You cannot remove question A: B is asked only if A has been answered. "
        "Change or remove the condition on B first."
    ]
    assert codes(tool_editor.question_remove(small(), code="B")) == [["A"], ["T"]]


def test_removing_a_section_removes_its_questions_unless_another_section_depends_on_them():
    assert codes(tool_editor.section_remove(small(), section=1)) == [["A", "B"]]
    spec = tool_editor.question_add(
        small(), question=QuestionSpec("C", "?", applies_if="A", applies_if_values=("no",)), section=1
    )
    with pytest.raises(ValidationError) as error:
        tool_editor.section_remove(spec, section=0)
    assert "You cannot remove section One: C is asked only if A has been answered." in error.value.messages[0]


# Saving -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_each_save_is_a_new_version_and_audits_keep_theirs():
    """v1 -> v2 (a conditional sub-sample question added) -> v3 (Partly counts nothing)."""
    lead = UserFactory.create()
    v1 = tool_version()
    audit = AuditFactory.create(tool_version=v1)
    before = list(Question.objects.filter(section__version=v1).values_list("pk", "code", "text", "order"))
    new = QuestionSpec(
        "D15",
        "Is the voice of the child recorded?",
        guidance="Look for the child's own words.",
        applies_if="D4",
        applies_if_values=("yes", "partly"),
        subsample_only=True,
        measures="management_oversight",
    )
    spec = tool_editor.question_add(tool_editor.spec_of(v1), question=new, section=PLANS, position=2)
    v2 = tool_editor.version_save(base=v1, spec=spec, user=lead, change_note="Voice of the child.")

    assert (v2.number, v2.created_by, v2.change_note) == (2, lead, "Voice of the child.")
    copied = {q.code: q for q in Question.objects.filter(section__version=v2).select_related("applies_if")}
    d15 = copied["D15"]
    assert (d15.section.title, d15.order, d15.applies_if, d15.applies_if_values) == (
        "Protection and CIN plans",
        2,
        copied["D4"],
        ["yes", "partly"],
    )
    assert (d15.subsample_only, d15.measures, d15.guidance) == (
        True,
        "management_oversight",
        "Look for the child's own words.",
    )
    assert copied["D7"].applies_if == copied["D6"]
    assert copied["D5"].order == 3

    audit.refresh_from_db()
    assert audit.tool_version == v1
    assert (
        list(Question.objects.filter(section__version=v1).values_list("pk", "code", "text", "order"))
        == before
    )

    v3 = tool_editor.version_save(
        base=v2,
        spec=tool_editor.scoring_change(tool_editor.spec_of(v2), partly_counts_half=False),
        user=lead,
        change_note="Partly is not enough.",
    )
    assert (v3.number, v3.partly_counts_half, ToolVersion.objects.get(pk=v2.pk).partly_counts_half) == (
        3,
        False,
        True,
    )
    assert tool_editor.spec_of(v3).sections == tool_editor.spec_of(v2).sections


@pytest.mark.django_db
def test_saving_no_change_or_from_an_older_version_is_refused():
    lead = UserFactory.create()
    v1 = tool_version()
    with pytest.raises(ValidationError) as error:
        tool_editor.version_save(base=v1, spec=tool_editor.spec_of(v1), user=lead, change_note="Nothing.")
    assert error.value.messages == ["Nothing has changed: make a change before saving."]

    spec = tool_editor.scoring_change(tool_editor.spec_of(v1), partly_counts_half=False)
    tool_editor.version_save(base=v1, spec=spec, user=lead, change_note="Stricter.")
    with pytest.raises(ValidationError) as error:
        tool_editor.version_save(base=v1, spec=spec, user=lead, change_note="Again.")
    assert error.value.messages == [
        "Version 1 is no longer the latest: version 2 was saved since. Make your change to version 2."
    ]
    assert v1.tool.versions.count() == 2
