"""Spreadsheet exports never hand a spreadsheet a formula (CSV / formula injection, OWASP).

OWASP's list of dangerous first characters: = + - @, tab (0x09) and carriage return (0x0D). Every text
cell that starts with one is prefixed with a quote, in the drill-down CSV and XLSX and the answers workbook.
"""

import csv
import datetime
import io

import openpyxl
import pytest
import time_machine
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from audits import exchange
from audits.models import CaseAudit
from common import exports
from tests.audits.test_results import scored_case
from tests.factories import AuditFactory, ChildFactory, S47EnquiryFactory
from tests.fuzz.helpers import FUZZ

pytestmark = pytest.mark.fuzz

OWASP_STARTS = ("=", "+", "-", "@", "\t", "\r")
PAYLOADS = ["=1+1", "+SUM(A1)", "-2+3", "@SUM(1)", "\t=cmd|' /C calc'!A0", '\r=HYPERLINK("x")']


@FUZZ
@given(text=st.text(max_size=50))
def test_every_text_that_starts_like_a_formula_is_quoted_and_no_other(text):
    for neutralise in (exchange.neutralise, exports.neutralise):
        shown = neutralise(text)
        if text.startswith(OWASP_STARTS):
            assert shown == "'" + text
        else:
            assert shown == text


@FUZZ
@given(start=st.sampled_from(OWASP_STARTS), rest=st.text(max_size=30))
def test_the_answers_workbook_reads_a_quoted_formula_back_as_written(start, rest):
    text = start + rest
    assert exchange._restore(exchange.neutralise(text)) == text


@pytest.fixture
def march_2014():
    with time_machine.travel(datetime.datetime(2014, 6, 16, 9, 0), tick=False):
        yield


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_drilldown_csv_and_xlsx_quote_every_formula_start(client, manager, march_2014, payload):
    enquiry = S47EnquiryFactory.create(
        child__child_id=payload, start_date=datetime.date(2014, 3, 3), end_date=datetime.date(2014, 3, 24)
    )
    # Child IDs are stored trimmed, in capitals, without spaces: "\t=cmd|' /C calc'!A0" as "=CMD|'/CCALC'!A0",
    # which still starts like a formula.
    stored = enquiry.child.child_id
    assert stored.startswith(OWASP_STARTS)
    client.force_login(manager)
    url = reverse("metrics-drilldown", args=["s47_within_15_days"])
    march = {"start": "2014-03", "end": "2014-03"}

    response = client.get(url, {**march, "format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[1][0] == "'" + stored

    response = client.get(url, {**march, "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    cell = sheet.cell(2, 1)
    assert (cell.value, cell.data_type) == ("'" + stored, "s")


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_answers_workbook_quotes_every_formula_start(auditor, payload):
    audit = AuditFactory.create()
    case_audit = scored_case(
        audit,
        {"F1": payload},
        status=CaseAudit.Status.IN_PROGRESS,
        auditor=auditor,
        child=ChildFactory.create(child_id=payload),
    )
    workbook = openpyxl.load_workbook(io.BytesIO(exchange.answers_export(audit=audit, user=auditor)))
    sheet = workbook["Answers"]
    columns = {cell.value: column for column, cell in enumerate(sheet[1], start=1)}
    row = next(r for r in range(3, sheet.max_row + 1) if sheet.cell(r, 1).value == str(case_audit.uuid))
    stored = case_audit.child.child_id  # trimmed, capitals, no spaces; still starts like a formula
    assert stored.startswith(OWASP_STARTS)
    assert sheet.cell(row, columns["Child ID"]).value == "'" + stored
    assert sheet.cell(row, columns["F1"]).value == "'" + _as_read_from_xml(payload)


def _as_read_from_xml(text: str) -> str:
    """XML parsers turn a carriage return into a line feed: that is how the cell reads back."""
    return text.replace("\r", "\n")
