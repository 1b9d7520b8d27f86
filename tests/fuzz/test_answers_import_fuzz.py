"""Fuzzing the answers-workbook importer (audits/exchange.py) with hypothesis.

Any file, any header, any cell: the import either saves what the cells say or lists every problem and
saves nothing. It never raises.
"""

import datetime
import io

import openpyxl
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from audits import exchange
from audits.models import Answer, Audit, CaseAudit
from tests.audits.test_results import scored_case
from tests.factories import AuditFactory, ChildFactory
from tests.fuzz.helpers import FUZZ, lying_zip, rolled_back, row_counts, xlsx_bytes, zip_bomb

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]


@pytest.fixture
def audit() -> Audit:
    return AuditFactory.create(title="Fuzzed answers")


@pytest.fixture
def mine(audit, auditor) -> CaseAudit:
    return scored_case(
        audit,
        {"D1": "yes", "D4": "no", "F1": "Clear voice of the child"},
        status=CaseAudit.Status.IN_PROGRESS,
        auditor=auditor,
        child=ChildFactory.create(child_id="C-FUZZ"),
        record_id=1,
    )


@pytest.fixture
def exported(audit, auditor, mine) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(exchange.answers_export(audit=audit, user=auditor)))


def _bytes(workbook: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _refused(audit, user, content: bytes, name: str = "answers.xlsx", reason: str | None = None) -> list[str]:
    before = row_counts()
    outcome = exchange.answers_import(audit=audit, user=user, file_name=name, content=content)
    assert not outcome.ok
    reasons = [str(problem) for problem in outcome.errors]
    assert all(len(r) > 10 for r in reasons), reasons
    if reason is not None:
        assert any(reason in r for r in reasons), reasons
    assert (outcome.answers_saved, outcome.grades_saved) == (0, 0)
    assert row_counts() == before
    return reasons


def _import_or_refuse(audit, user, content: bytes) -> exchange.ImportOutcome:
    before = row_counts()
    with rolled_back():
        outcome = exchange.answers_import(audit=audit, user=user, file_name="answers.xlsx", content=content)
        if not outcome.ok:
            assert all(str(problem) for problem in outcome.errors)
            assert row_counts() == before
    assert row_counts() == before
    return outcome


@FUZZ
@given(content=st.binary(min_size=0, max_size=4096))
@example(content=b"")
@example(content=b"PK\x05\x06" + bytes(18))
def test_random_bytes_are_refused(audit, auditor, mine, content):
    _refused(audit, auditor, content)


def test_a_zip_bomb_is_refused_before_it_is_inflated(audit, auditor, mine):
    _refused(audit, auditor, zip_bomb(64 * 1024 * 1024), reason="expands to far more data")
    _refused(audit, auditor, lying_zip(4_000_000_000), reason="expands to far more data")


def test_a_csv_is_refused(audit, auditor, mine):
    _refused(audit, auditor, b"Case audit,D1\r\nx,Yes\r\n", name="answers.csv", reason="Upload the Excel")


@FUZZ
@given(
    drop=st.sets(st.integers(min_value=0, max_value=12), max_size=3),
    extra=st.lists(st.text(min_size=1, max_size=30), max_size=2),
    swap=st.booleans(),
)
def test_missing_extra_and_moved_columns_are_named_or_ignored(
    audit, auditor, mine, exported, drop, extra, swap
):
    sheet = exported["Answers"]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    keep = [i for i in range(len(rows[0])) if i not in drop]
    if swap and len(keep) > 2:
        keep[0], keep[-1] = keep[-1], keep[0]
    rows = [[row[i] for i in keep] + [""] * len(extra) for row in rows]
    rows[0][len(keep) :] = extra
    outcome = _import_or_refuse(audit, auditor, xlsx_bytes({"Answers": rows}))
    if 0 in drop:  # the case audit column
        assert any('there is no "Case audit" column' in str(p) for p in outcome.errors)


# What openpyxl can write: no control characters, no dates before Excel's epoch.
TEXT = st.text(max_size=300).map(lambda text: ILLEGAL_CHARACTERS_RE.sub("", text))
CELL_VALUES = st.one_of(
    st.none(),
    TEXT,
    st.sampled_from(["Yes", "no", "N/A", "Partly", "Maybe", '=HYPERLINK("x")', "@A1", "+1", "-1", "\t=1"]),
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=datetime.date(1900, 3, 1), max_value=datetime.date(9999, 12, 31)),
    st.booleans(),
)


@pytest.mark.filterwarnings("ignore:Cell .* is marked as a date:UserWarning")  # openpyxl, of a huge number
@FUZZ
@given(values=st.dictionaries(st.sampled_from(["D1", "D4", "D5", "F1", "Grade"]), CELL_VALUES, min_size=1))
def test_any_values_in_the_answer_cells_save_or_are_refused(audit, auditor, mine, exported, values):
    sheet = exported["Answers"]
    columns = {cell.value: cell.column for cell in sheet[1]}
    for code, value in values.items():
        sheet.cell(3, columns[code]).value = value
    before = {a.question.code: (a.value, a.text) for a in Answer.objects.filter(case_audit=mine)}
    with rolled_back():
        outcome = exchange.answers_import(
            audit=audit, user=auditor, file_name="answers.xlsx", content=_bytes(exported)
        )
        after = {a.question.code: (a.value, a.text) for a in Answer.objects.filter(case_audit=mine)}
        if outcome.ok:
            text = values.get("F1")
            if isinstance(text, str) and text.strip() and "F1" in after:
                assert after["F1"][1] == text.strip()
        else:
            assert after == before


@FUZZ
@given(reference=st.one_of(TEXT, st.uuids().map(str), st.integers(min_value=-(2**63), max_value=2**63)))
def test_any_case_audit_reference_is_checked(audit, auditor, mine, exported, reference):
    exported["Answers"].cell(3, 1).value = reference
    exported["Answers"].cell(3, 5).value = "No"
    _import_or_refuse(audit, auditor, _bytes(exported))


def test_a_one_megabyte_text_answer_is_refused(audit, auditor, mine, exported):
    sheet = exported["Answers"]
    columns = {cell.value: cell.column for cell in sheet[1]}
    sheet.cell(3, columns["F1"]).value = "x" * 1_000_000

    _refused(audit, auditor, _bytes(exported), reason="the answer is longer than 10,000 characters")
