"""Answers as an Excel workbook: export the case audits a user may see, import answers back.

The workbook has one sheet, "Answers": row 1 names each column (a question by its code), row 2 gives each
question's full text, and each row after that is one case audit. Auditors who work offline fill it in
and upload it; an import checks every cell first and writes nothing unless every cell is good, then saves
them all at once through `services.answers_save_many` from each answer's current revision (so an answer
someone changed since the check is never overwritten, and one such answer saves nothing).
"""

import datetime
import io
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import cast

import openpyxl
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from audits import access, services
from audits.models import Agency, Answer, Audit, CaseAudit, Grade, Question
from audits.scoring import question_applies
from audits.scoring_forms import NOTE_MAX
from cases.importing.cells import clean, is_blank
from cases.importing.reading import MAX_COLUMNS, ExtractFileError, read_tables
from cases.importing.workbooks import WorkbookLimits
from common.exports import FORMULA_STARTS, neutralise

SHEET = "Answers"
CASE_AUDIT = "Case audit"
CHILD_ID = "Child ID"
AGENCY = "Agency"
RECORD_DATE = "Record date"
GRADE = "Grade"
FIXED_COLUMNS = (CASE_AUDIT, CHILD_ID, AGENCY, RECORD_DATE)
QUESTION_TEXT_ROW_LABEL = "Question (do not change this row)"

RATING_OUT: dict[str, str] = {
    Answer.Value.YES: "Yes",
    Answer.Value.PARTLY: "Partly",
    Answer.Value.NO: "No",
    Answer.Value.NOT_APPLICABLE: "N/A",
}
RATING_IN = {
    "yes": Answer.Value.YES,
    "y": Answer.Value.YES,
    "partly": Answer.Value.PARTLY,
    "no": Answer.Value.NO,
    "n": Answer.Value.NO,
    "n/a": Answer.Value.NOT_APPLICABLE,
    "na": Answer.Value.NOT_APPLICABLE,
    "not applicable": Answer.Value.NOT_APPLICABLE,
}
GRADE_IN = {
    **{value: value for value in Grade.values},
    **{label.lower(): value for value, label in Grade.choices},
}
NOT_ASKED_FILL = PatternFill("solid", fgColor="DDDDDD")
# An answers workbook is one audit's case audits (a few hundred rows at most) of one tool's questions: a real
# one inflates to a few megabytes and reads in a fraction of a second, so anything far past that is refused
# (cases/importing/workbooks.py, docs/security.md). Auditors and partner agency auditors may upload one.
IMPORT_LIMITS = WorkbookLimits(
    what="an answers workbook",
    max_inflated_bytes=50 * 1024 * 1024,
    max_rows=5_000,
    max_columns=MAX_COLUMNS,
    max_cpu_seconds=2.0,
)


def _restore(text: str) -> str:
    """The reverse of `neutralise`, so an exported workbook imports back unchanged."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


# Export ---------------------------------------------------------------------------------------------------


def _questions(audit: Audit) -> list[Question]:
    return list(
        Question.objects.filter(section__version=audit.tool_version_id)
        .select_related("section", "applies_if")
        .order_by("section__order", "order")
    )


def answers_export(*, audit: Audit, user: User) -> bytes:
    """The workbook of this audit's case audits that `user` may see (an auditor: their own)."""
    case_audits = list(access.case_audits_visible_to(user).filter(audit=audit).select_related("child"))
    answers: dict[int, dict[int, Answer]] = {c.pk: {} for c in case_audits}
    for answer in Answer.objects.filter(case_audit__in=[c.pk for c in case_audits]):
        answers[answer.case_audit_id][answer.question_id] = answer
    return answers_workbook(
        audit=audit, questions=_questions(audit), case_audits=case_audits, answers=answers
    )


def answers_workbook(
    *,
    audit: Audit,
    questions: list[Question],
    case_audits: list[CaseAudit],
    answers: Mapping[int, Mapping[int, Answer]],
) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = cast(Worksheet, workbook.active)  # a new workbook's one sheet
    sheet.title = SHEET
    headers = [*FIXED_COLUMNS, *(q.code for q in questions), GRADE]
    texts = [
        QUESTION_TEXT_ROW_LABEL,
        "",
        "",
        "",
        *(q.text for q in questions),
        "Overall grade (Ofsted's scale)",
    ]
    sheet.append([neutralise(h) for h in headers])
    sheet.append([neutralise(t) for t in texts])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cell in sheet[2]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    agencies = dict(Agency.choices)
    grades = dict(Grade.choices)
    first_question_column = len(FIXED_COLUMNS) + 1
    by_pk = {question.pk: question for question in questions}
    for case_audit in case_audits:
        by_question = answers.get(case_audit.pk, {})
        row = [
            str(case_audit.uuid),
            neutralise(case_audit.child.child_id),
            agencies.get(case_audit.agency, case_audit.agency),
            case_audit.record_date,
        ]
        not_asked = []
        for offset, question in enumerate(questions):
            answer = by_question.get(question.pk)
            if not question_applies(question, case_audit, by_question, by_pk):
                row.append(None)
                not_asked.append(first_question_column + offset)
            elif question.kind == Question.Kind.RATING:
                row.append(RATING_OUT.get(answer.value) if answer and answer.value else None)
            else:
                row.append(neutralise(answer.text) if answer and answer.text else None)
        row.append(grades.get(case_audit.grade))
        sheet.append(row)
        for column in not_asked:
            sheet.cell(row=sheet.max_row, column=column).fill = NOT_ASKED_FILL
        sheet.cell(row=sheet.max_row, column=4).number_format = "DD/MM/YYYY"
    _validations(sheet, questions, rows=len(case_audits))
    sheet.freeze_panes = "B3"
    sheet.column_dimensions["A"].width = 38
    _notes(workbook, audit, questions)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _validations(sheet, questions: list[Question], *, rows: int) -> None:
    last_row = max(rows + 2, 3)
    ratings = DataValidation(
        type="list",
        formula1='"Yes,Partly,No,N/A"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Not an answer",
        error="Choose Yes, Partly, No or N/A.",
    )
    grades = DataValidation(
        type="list",
        formula1='"' + ",".join(label for _value, label in Grade.choices) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Not a grade",
        error="Choose a grade on Ofsted's scale.",
    )
    for offset, question in enumerate(questions):
        if question.kind == Question.Kind.RATING:
            letter = get_column_letter(len(FIXED_COLUMNS) + 1 + offset)
            ratings.add(f"{letter}3:{letter}{last_row}")
    grade_letter = get_column_letter(len(FIXED_COLUMNS) + len(questions) + 1)
    grades.add(f"{grade_letter}3:{grade_letter}{last_row}")
    sheet.add_data_validation(ratings)
    sheet.add_data_validation(grades)


def _notes(workbook, audit: Audit, questions: list[Question]) -> None:
    notes = workbook.create_sheet("Notes")
    lines = [
        neutralise(f"Answers for {audit.title} ({audit.tool_version})"),
        "Fill in the Answers sheet and upload it on the audit's page. Nothing is saved unless every cell is good.",
        "Do not change the Case audit column or the first two rows.",
        "Rating questions take Yes, Partly, No or N/A. Free-text questions take text.",
        "A grey cell is a question that does not apply to that case: leave it blank.",
        "A blank cell clears the answer. Grade takes: "
        + ", ".join(label for _v, label in Grade.choices)
        + ".",
        "",
    ]
    for line in lines:
        notes.append([line])
    notes.append(["Code", "Question", "Kind", "Asked"])
    for cell in notes[notes.max_row]:
        cell.font = Font(bold=True)
    for question in questions:
        notes.append(
            [
                neutralise(question.code),
                neutralise(question.text),
                question.get_kind_display(),
                "Asked " + (_asked_when(question) or "of every case"),
            ]
        )


def _asked_when(question: Question) -> str:
    """ "only where D4 is Yes", "only of the sub-sample", or "" for a question asked of every case."""
    if question.subsample_only:
        return "only of the sub-sample"
    if question.applies_if_id is None:
        return ""
    labels = dict(Answer.Value.choices)
    values = " or ".join(labels.get(v, v) for v in question.applies_if_values)
    gate = question.applies_if
    assert gate is not None  # applies_if_id is set
    return f"only where {gate.code} is {values}"


# Import ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CellProblem:
    row: int | None
    column: str | None
    reason: str

    def __str__(self) -> str:
        if self.row is None:
            return self.reason
        if self.column is None:
            return f"row {self.row}: {self.reason}"
        return f"row {self.row}, column {self.column}: {self.reason}"


@dataclass
class ImportOutcome:
    errors: list[CellProblem] = field(default_factory=list)
    rows: int = 0
    case_audits_changed: int = 0
    answers_saved: int = 0
    grades_saved: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def rows_unchanged(self) -> int:
        return self.rows - self.case_audits_changed


@dataclass
class _Given:
    """A cell's value standing in for an answer while applicability is checked (it has `.value`)."""

    value: str


@dataclass
class _Change:
    row: int
    case_audit: CaseAudit
    answers: list[tuple[Question, str, str]]  # (question, value, text)
    grade: str | None  # None: unchanged


def _column_map(header: list[str], header_row: int, questions: list[Question], errors: list[CellProblem]):
    by_code = {q.code.strip().lower(): q for q in questions}
    columns: dict[int, Question] = {}
    case_column = grade_column = None
    seen: set[str] = set()
    for index, name in enumerate(header):
        key = str(clean(_restore(name or "")) or "").lower()
        letter = get_column_letter(index + 1)
        if not key:
            continue
        if key in seen:
            errors.append(CellProblem(header_row, letter, f'"{name}" is a second column of the same name'))
            continue
        seen.add(key)
        if key == CASE_AUDIT.lower():
            case_column = index
        elif key == GRADE.lower():
            grade_column = index
        elif key in {c.lower() for c in FIXED_COLUMNS}:
            continue  # shown for the auditor's benefit; the case audit's UUID says which case it is
        elif key in by_code:
            columns[index] = by_code[key]
        else:
            errors.append(
                CellProblem(header_row, letter, f'"{name}" is not a question in this audit\'s tool')
            )
    if case_column is None:
        errors.append(CellProblem(header_row, None, f'there is no "{CASE_AUDIT}" column'))
    return case_column, grade_column, columns


def _cell(row: tuple, index: int) -> object:
    return row[index] if index < len(row) else None


def _rating(raw: object) -> str:
    key = str(clean(raw)).lower()
    if key not in RATING_IN:
        raise ValueError(f'"{clean(raw)}" is not an answer: use Yes, Partly, No or N/A')
    return RATING_IN[key]


def _text(raw: object) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, datetime.datetime | datetime.date):
        raw = raw.strftime("%d/%m/%Y")
    return _restore(str(raw).strip())


def _grade(raw: object) -> str:
    key = str(clean(raw)).lower()
    if key not in GRADE_IN:
        labels = ", ".join(label for _v, label in Grade.choices)
        raise ValueError(f'"{clean(raw)}" is not a grade: use one of {labels}')
    return GRADE_IN[key]


def _read(file_name: str, content: bytes, errors: list[CellProblem]):
    if PurePath(file_name).suffix.lower() != ".xlsx":
        errors.append(CellProblem(None, None, "Upload the Excel (.xlsx) workbook exported from this audit."))
        return None
    try:
        tables = read_tables(file_name, content, limits=IMPORT_LIMITS, sheets=_sheets_to_read)
    except ExtractFileError as error:
        errors.append(CellProblem(None, None, str(error)))
        return None
    return tables[0]


def _sheets_to_read(names: list[str]) -> set[str]:
    """The Answers sheet alone (the Notes sheet is never opened); in a workbook without one, its first sheet."""
    return {SHEET} if SHEET in names else set(names[:1])


def answers_import(*, audit: Audit, user: User, file_name: str, content: bytes) -> ImportOutcome:
    """Checks every cell; saves nothing unless all are good. Only the user's own open case audits change."""
    outcome = ImportOutcome()
    errors = outcome.errors
    table = _read(file_name, content, errors)
    if table is None:
        if not errors:
            errors.append(CellProblem(None, None, f'The workbook has no "{SHEET}" sheet.'))
        return outcome
    questions = _questions(audit)
    by_pk = {question.pk: question for question in questions}
    case_column, grade_column, columns = _column_map(table.header, table.header_row, questions, errors)
    if case_column is None:
        return outcome
    case_letter = get_column_letter(case_column + 1)

    rows: list[tuple[int, uuid.UUID, tuple]] = []
    seen: dict[uuid.UUID, int] = {}
    for number, row in table.rows:
        raw = clean(_cell(row, case_column))
        if raw == QUESTION_TEXT_ROW_LABEL:
            continue
        if raw is None:
            if any(
                not is_blank(_cell(row, index)) for index in (*columns, grade_column) if index is not None
            ):
                errors.append(CellProblem(number, case_letter, "the case audit reference is missing"))
            continue
        try:
            key = uuid.UUID(str(raw))
        except ValueError:
            errors.append(CellProblem(number, case_letter, f'"{raw}" is not a case audit reference'))
            continue
        if key in seen:
            errors.append(CellProblem(number, case_letter, f"this case audit is also on row {seen[key]}"))
            continue
        seen[key] = number
        rows.append((number, key, row))
    outcome.rows = len(rows)

    case_audits = {
        c.uuid: c
        for c in access.case_audits_visible_to(user).filter(audit=audit, uuid__in=[k for _n, k, _r in rows])
    }
    answers: dict[int, dict[int, Answer]] = {c.pk: {} for c in case_audits.values()}
    for answer in Answer.objects.filter(case_audit__in=[c.pk for c in case_audits.values()]):
        answers[answer.case_audit_id][answer.question_id] = answer

    changes = []
    for number, key, row in rows:
        case_audit = case_audits.get(key)
        if case_audit is None:
            errors.append(
                CellProblem(number, case_letter, "no case audit of yours in this audit has this reference")
            )
            continue
        change = _check_row(
            number, row, case_audit, answers[case_audit.pk], columns, grade_column, errors, by_pk
        )
        if change is None:
            continue
        if case_audit.auditor_id != user.pk:
            errors.append(
                CellProblem(
                    number, case_letter, "this case audit is not yours: only its auditor can change it"
                )
            )
        elif case_audit.status not in services.EDITABLE_STATUSES:
            errors.append(
                CellProblem(
                    number,
                    case_letter,
                    f"this case audit is {case_audit.get_status_display().lower()}: its answers are closed",
                )
            )
        else:
            changes.append(change)
    if errors:
        return outcome
    return _save(changes, answers, user, outcome, file_name)


def _check_row(
    number: int,
    row: tuple,
    case_audit: CaseAudit,
    current: dict[int, Answer],
    columns: dict[int, Question],
    grade_column: int | None,
    errors: list[CellProblem],
    by_pk: dict[int, Question],
) -> _Change | None:
    """The row's changes to this case audit (None if it changes nothing); bad cells go to `errors`."""
    given: dict[int, tuple[int, str, str]] = {}  # question pk -> (column index, value, text)
    for index, question in columns.items():
        raw = _cell(row, index)
        if is_blank(raw):
            given[question.pk] = (index, "", "")
            continue
        if question.kind == Question.Kind.RATING:
            try:
                given[question.pk] = (index, _rating(raw), "")
            except ValueError as error:
                errors.append(CellProblem(number, get_column_letter(index + 1), str(error)))
        else:
            text = _text(raw)
            if len(text) > NOTE_MAX:
                reason = f"the answer is longer than {NOTE_MAX:,} characters (it has {len(text):,})"
                errors.append(CellProblem(number, get_column_letter(index + 1), reason))
                continue
            given[question.pk] = (index, "", text)
    # Applicability follows the answers as they will be after the import (a gate may change in it).
    after: dict[int, Answer | _Given] = dict(current)
    after.update({pk: _Given(value) for pk, (_i, value, _t) in given.items()})
    changed: list[tuple[Question, str, str]] = []
    for index, question in columns.items():
        if question.pk not in given:
            continue
        _index, value, text = given[question.pk]
        applies = question_applies(question, case_audit, after, by_pk)
        if not applies:
            if value or text:
                reason = f"{question.code} does not apply to this case: it is asked {_asked_when(question)}"
                errors.append(CellProblem(number, get_column_letter(index + 1), reason))
            continue
        answer = current.get(question.pk)
        if question.kind == Question.Kind.RATING:
            if (answer.value if answer else "") != value:
                changed.append((question, value, answer.text if answer else ""))
        elif (answer.text if answer else "") != text:
            changed.append((question, "", text))
    grade = None
    if grade_column is not None:
        raw = _cell(row, grade_column)
        try:
            new_grade = "" if is_blank(raw) else _grade(raw)
        except ValueError as error:
            errors.append(CellProblem(number, get_column_letter(grade_column + 1), str(error)))
        else:
            if new_grade != case_audit.grade:
                grade = new_grade
    if not changed and grade is None:
        return None
    return _Change(row=number, case_audit=case_audit, answers=changed, grade=grade)


def _save(
    changes: list[_Change],
    answers: dict[int, dict[int, Answer]],
    user: User,
    outcome: ImportOutcome,
    file_name: str,
) -> ImportOutcome:
    edits = []
    for change in changes:
        current = answers[change.case_audit.pk]
        edits.append(
            services.CaseAuditEdit(
                case_audit=change.case_audit,
                answers=[
                    services.AnswerEdit(
                        question=question,
                        value=value,
                        text=text,
                        evidence=current[question.pk].evidence if question.pk in current else "",
                        revision=current[question.pk].revision if question.pk in current else 0,
                    )
                    for question, value, text in change.answers
                ],
                grade=change.grade,
                grade_revision=change.case_audit.revision,
            )
        )
    try:
        outcome.answers_saved, outcome.grades_saved = services.answers_save_many(
            edits=edits, user=user, reason=f"Imported from {PurePath(file_name).name}"
        )
    except (services.EditConflict, ValidationError) as error:
        message = error.messages[0] if isinstance(error, ValidationError) else str(error)
        rows: dict[int | None, int] = {change.case_audit.pk: change.row for change in changes}
        row = rows.get(getattr(error, "case_audit_id", None))
        outcome.errors.append(CellProblem(row, None, f"nothing was saved: {message}"))
        return outcome
    outcome.case_audits_changed = len(changes)
    return outcome
