"""Editing an audit tool one change at a time. A version in use is never changed: each change is a pure
function from a version's spec (its sections and questions, as plain values) to a new spec, checked whole,
and `version_save` writes the new spec as the tool's next version, with who made it and why.

Questions are named by their code in a spec (codes are unique within a version), so a condition is the
code of the question it depends on, and a copy's condition points to the copy of its gate.
"""

import dataclasses
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Max

from audits.models import Answer, AuditTool, Question, Section, ToolVersion
from cases.standards import AUDIT_KEYS

MEASURES = {key.value for key in AUDIT_KEYS}
ANSWER_LABELS = dict(Answer.Value.choices)


@dataclass(frozen=True)
class QuestionSpec:
    code: str
    text: str
    kind: str = Question.Kind.RATING
    guidance: str = ""
    applies_if: str = ""  # the code of the earlier rating question it depends on, or blank: always asked
    applies_if_values: tuple[str, ...] = ()
    subsample_only: bool = False
    measures: str = ""


@dataclass(frozen=True)
class SectionSpec:
    title: str
    questions: tuple[QuestionSpec, ...] = ()


@dataclass(frozen=True)
class VersionSpec:
    partly_counts_half: bool
    sections: tuple[SectionSpec, ...] = field(default_factory=tuple)

    def questions(self) -> list[QuestionSpec]:
        """Every question, in the order the auditor meets them."""
        return [question for section in self.sections for question in section.questions]

    def where(self, code: str) -> tuple[int, int]:
        """The question's section index and its index within the section."""
        for s, section in enumerate(self.sections):
            for q, question in enumerate(section.questions):
                if question.code == code:
                    return s, q
        raise ValidationError(f"There is no question {code} in this version.")

    def question(self, code: str) -> QuestionSpec:
        s, q = self.where(code)
        return self.sections[s].questions[q]

    def dependants(self, code: str) -> list[QuestionSpec]:
        return [question for question in self.questions() if question.applies_if == code]


def spec_of(version: ToolVersion) -> VersionSpec:
    """The version as plain values (two queries)."""
    questions = list(
        Question.objects.filter(section__version=version).select_related("applies_if").order_by("order")
    )
    sections = []
    for section in version.sections.order_by("order"):
        sections.append(
            SectionSpec(
                title=section.title,
                questions=tuple(
                    QuestionSpec(
                        code=q.code,
                        text=q.text,
                        kind=q.kind,
                        guidance=q.guidance,
                        applies_if=q.applies_if.code if q.applies_if else "",
                        applies_if_values=tuple(q.applies_if_values),
                        subsample_only=q.subsample_only,
                        measures=q.measures,
                    )
                    for q in questions
                    if q.section_id == section.pk
                ),
            )
        )
    return VersionSpec(partly_counts_half=version.partly_counts_half, sections=tuple(sections))


# Checks -----------------------------------------------------------------------------------------------


def problems(spec: VersionSpec, *, focus: str = "") -> dict[str, list[str]]:
    """What is wrong with a spec, by form field for the `focus` question (the one being edited), and
    under NON_FIELD_ERRORS for the rest."""
    found: dict[str, list[str]] = {}

    def add(question: QuestionSpec, name: str, message: str) -> None:
        found.setdefault(name if question.code == focus else NON_FIELD_ERRORS, []).append(message)

    seen: dict[str, QuestionSpec] = {}
    for s, section in enumerate(spec.sections, start=1):
        if not section.title.strip():
            found.setdefault(NON_FIELD_ERRORS, []).append(f"Enter the title of section {s}")
        for question in section.questions:
            label = question.code or "the new question"
            if not question.code.strip():
                add(question, "code", "Enter the question's code")
            elif question.code in seen:
                add(question, "code", f"Enter a code not used by another question: {question.code} is taken")
            if not question.text.strip():
                add(question, "text", f"Enter the text of question {label}")
            if question.kind not in Question.Kind.values:
                add(question, "kind", f"Select the kind of answer to question {label}")
            if question.measures and question.measures not in MEASURES:
                add(question, "measures", f"Select one of the listed measures for question {label}, or none")
            if question.applies_if:
                gate = seen.get(question.applies_if)
                if gate is None:
                    add(
                        question,
                        "applies_if",
                        f"Select an earlier question for {label} to depend on: "
                        f"{question.applies_if} is not before it",
                    )
                elif gate.kind != Question.Kind.RATING:
                    add(
                        question,
                        "applies_if",
                        f"Select a rating question for {label} to depend on: "
                        f"{gate.code} is answered in free text",
                    )
                if not question.applies_if_values:
                    add(question, "applies_if_values", f"Select the answers that mean {label} is asked")
                elif not set(question.applies_if_values) <= set(Answer.Value.values):
                    add(question, "applies_if_values", f"Select listed answers for {label}")
            elif question.applies_if_values:
                add(question, "applies_if", f"Select the question whose answer decides if {label} is asked")
            if question.code:
                seen.setdefault(question.code, question)
    if not spec.questions():
        found.setdefault(NON_FIELD_ERRORS, []).append("A tool needs at least one question")
    return found


def check(spec: VersionSpec, *, focus: str = "") -> VersionSpec:
    found = problems(spec, focus=focus)
    if found:
        raise ValidationError(found)
    return spec


def condition_text(question: QuestionSpec | Question, gate_code: str) -> str:
    values = " or ".join(ANSWER_LABELS.get(v, v) for v in question.applies_if_values)
    return f"Asked only if the answer to question {gate_code} is {values or 'given'}."


# Changes: each takes a spec and returns a new one, checked ---------------------------------------------


def _place(items: tuple, item, position: int | None) -> tuple:
    """`item` put at 1-based `position` (None, or past the end: last)."""
    index = len(items) if position is None else max(0, min(position - 1, len(items)))
    return (*items[:index], item, *items[index:])


def _section_index(spec: VersionSpec, section: int) -> int:
    if not 0 <= section < len(spec.sections):
        raise ValidationError({"section": "Select a section from the list"})
    return section


def _with_section(spec: VersionSpec, index: int, section: SectionSpec) -> VersionSpec:
    sections = list(spec.sections)
    sections[index] = section
    return dataclasses.replace(spec, sections=tuple(sections))


def _normal(question: QuestionSpec) -> QuestionSpec:
    return dataclasses.replace(
        question,
        code=question.code.strip(),
        text=question.text.strip(),
        guidance=question.guidance.strip(),
        applies_if_values=tuple(question.applies_if_values) if question.applies_if else (),
    )


def question_add(
    spec: VersionSpec, *, question: QuestionSpec, section: int, position: int | None = None
) -> VersionSpec:
    index = _section_index(spec, section)
    question = _normal(question)
    target = spec.sections[index]
    added = _with_section(
        spec, index, dataclasses.replace(target, questions=_place(target.questions, question, position))
    )
    return check(added, focus=question.code)


def question_change(
    spec: VersionSpec, *, code: str, question: QuestionSpec, section: int, position: int | None = None
) -> VersionSpec:
    """The question `code` replaced by `question` and put at `position` in `section`. A new code is carried
    to the conditions that name the old one."""
    _section_index(spec, section)
    question = _normal(question)
    s, q = spec.where(code)
    old = spec.sections[s]
    without = _with_section(
        spec, s, dataclasses.replace(old, questions=old.questions[:q] + old.questions[q + 1 :])
    )
    target = without.sections[section]
    moved = _with_section(
        without, section, dataclasses.replace(target, questions=_place(target.questions, question, position))
    )
    if question.code != code:
        moved = dataclasses.replace(
            moved,
            sections=tuple(
                dataclasses.replace(
                    sec,
                    questions=tuple(
                        dataclasses.replace(other, applies_if=question.code)
                        if other.applies_if == code
                        else other
                        for other in sec.questions
                    ),
                )
                for sec in moved.sections
            ),
        )
    return check(moved, focus=question.code)


def _refuse_if_depended_on(spec: VersionSpec, codes: list[str], what: str) -> None:
    leaving = set(codes)
    blocked = [
        (question, question.applies_if)
        for question in spec.questions()
        if question.applies_if in leaving and question.code not in leaving
    ]
    if blocked:
        raise ValidationError(
            [
                f"You cannot remove {what}: {question.code} is asked only if {gate} has been answered. "
                f"Change or remove the condition on {question.code} first."
                for question, gate in blocked
            ]
        )


def question_remove(spec: VersionSpec, *, code: str) -> VersionSpec:
    s, q = spec.where(code)
    _refuse_if_depended_on(spec, [code], f"question {code}")
    section = spec.sections[s]
    removed = _with_section(
        spec, s, dataclasses.replace(section, questions=section.questions[:q] + section.questions[q + 1 :])
    )
    return check(removed)


def section_add(spec: VersionSpec, *, title: str, position: int | None = None) -> VersionSpec:
    if not title.strip():
        raise ValidationError({"title": "Enter the section's title"})
    return dataclasses.replace(
        spec, sections=_place(spec.sections, SectionSpec(title=title.strip()), position)
    )


def section_change(
    spec: VersionSpec, *, section: int, title: str, position: int | None = None
) -> VersionSpec:
    """The section renamed and moved to `position`; its questions move with it, so a condition that now
    comes before the question it depends on is refused."""
    index = _section_index(spec, section)
    if not title.strip():
        raise ValidationError({"title": "Enter the section's title"})
    moving = dataclasses.replace(spec.sections[index], title=title.strip())
    rest = spec.sections[:index] + spec.sections[index + 1 :]
    return check(dataclasses.replace(spec, sections=_place(rest, moving, position)))


def section_remove(spec: VersionSpec, *, section: int) -> VersionSpec:
    """The section and its questions, unless a question elsewhere depends on one of them."""
    index = _section_index(spec, section)
    leaving = spec.sections[index]
    if len(spec.sections) == 1:
        raise ValidationError("You cannot remove the only section: a tool needs at least one.")
    _refuse_if_depended_on(spec, [q.code for q in leaving.questions], f"section {leaving.title}")
    return check(dataclasses.replace(spec, sections=spec.sections[:index] + spec.sections[index + 1 :]))


def scoring_change(spec: VersionSpec, *, partly_counts_half: bool) -> VersionSpec:
    return dataclasses.replace(spec, partly_counts_half=partly_counts_half)


# Saving --------------------------------------------------------------------------------------------------


@transaction.atomic
def version_save(*, base: ToolVersion, spec: VersionSpec, user: User, change_note: str) -> ToolVersion:
    """The spec saved as the tool's next version. Only the latest version is edited, so two leads editing
    at once cannot lose each other's change: the second is asked to make it again on the newer version."""
    tool = AuditTool.objects.select_for_update().get(pk=base.tool_id)
    latest = tool.versions.aggregate(Max("number"))["number__max"] or 0
    if base.number != latest:
        raise ValidationError(
            f"Version {base.number} is no longer the latest: version {latest} was saved since. "
            f"Make your change to version {latest}."
        )
    if not change_note.strip():
        raise ValidationError({"change_note": "Enter what changed, and why"})
    check(spec)
    if spec == spec_of(base):
        raise ValidationError("Nothing has changed: make a change before saving.")
    version = ToolVersion.objects.create(
        tool=tool,
        number=latest + 1,
        partly_counts_half=spec.partly_counts_half,
        change_note=change_note.strip(),
        created_by=user,
    )
    made: dict[str, Question] = {}
    for s, section_spec in enumerate(spec.sections, start=1):
        section = Section.objects.create(version=version, order=s, title=section_spec.title)
        for q, question in enumerate(section_spec.questions, start=1):
            made[question.code] = Question.objects.create(
                section=section,
                order=q,
                code=question.code,
                text=question.text,
                guidance=question.guidance,
                kind=question.kind,
                # check() has made sure every gate comes first, so it is made already.
                applies_if=made[question.applies_if] if question.applies_if else None,
                applies_if_values=list(question.applies_if_values),
                subsample_only=question.subsample_only,
                measures=question.measures,
            )
    return version
