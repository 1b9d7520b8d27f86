"""Answers as an Excel workbook: export what the user may see, import every cell checked, all or nothing."""

import io
import zipfile
from unittest import mock

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audits import exchange, services
from audits.models import Answer, Audit, AuditorProfile, CaseAudit
from cases.importing.workbooks import MB
from common.models import AccessLogEntry
from tests.audits.test_results import scored_case
from tests.factories import AuditFactory, ChildFactory, UserFactory
from tests.fuzz.helpers import inflating_workbook, row_counts

pytestmark = pytest.mark.django_db
OPEN = CaseAudit.Status.IN_PROGRESS


@pytest.fixture
def audit() -> Audit:
    return AuditFactory.create(title="Domestic abuse March")


@pytest.fixture
def mine(audit, auditor) -> CaseAudit:
    """The auditor's open case: no protection plan (D4 No), so D5 to D7 are not asked."""
    return scored_case(
        audit,
        {"D1": "yes", "D4": "no", "F1": "Clear voice of the child"},
        evidence={"D1": "MASH notes 3 March"},
        status=OPEN,
        auditor=auditor,
        child=ChildFactory.create(child_id="C-MINE"),
        record_id=1,
    )


@pytest.fixture
def theirs(audit) -> CaseAudit:
    other = UserFactory.create(username="auditor-bo", roles=["Auditor"])
    return scored_case(
        audit,
        {"D1": "no"},
        status=OPEN,
        auditor=other,
        child=ChildFactory.create(child_id="C-THEIRS"),
        record_id=2,
    )


def _export(client, user, audit) -> openpyxl.Workbook:
    client.force_login(user)
    response = client.get(reverse("audits-answers-export", args=[audit.uuid]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(response.content))


def _columns(sheet) -> dict[str, int]:
    return {cell.value: cell.column for cell in sheet[1]}


def _row_of(sheet, case_audit: CaseAudit) -> int:
    return next(r for r in range(3, sheet.max_row + 1) if sheet.cell(r, 1).value == str(case_audit.uuid))


def _upload(client, audit, workbook: openpyxl.Workbook, name: str = "answers.xlsx"):
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile(name, buffer.getvalue())
    return client.post(reverse("audits-answers-import", args=[audit.uuid]), {"file": upload})


def _answers(case_audit: CaseAudit) -> dict[str, tuple[str, str, str, int]]:
    return {
        a.question.code: (a.value, a.text, a.evidence, a.revision)
        for a in Answer.objects.filter(case_audit=case_audit).select_related("question")
    }


# Export ---------------------------------------------------------------------------------------------------


def test_an_auditor_exports_only_their_own_case_audits(client, auditor, mine, theirs, audit):
    sheet = _export(client, auditor, audit)["Answers"]
    assert [sheet.cell(r, 1).value for r in range(3, sheet.max_row + 1)] == [str(mine.uuid)]
    assert AccessLogEntry.objects.filter(
        user=auditor, action="export", object_type="audit answers", object_ref=str(audit.uuid)
    ).exists()


def test_a_manager_exports_every_case_audit(client, manager, mine, theirs, audit):
    sheet = _export(client, manager, audit)["Answers"]
    assert sheet.max_row == 4  # two header rows, two case audits


def test_the_workbook_has_codes_texts_answers_and_a_grade(client, auditor, mine, audit):
    sheet = _export(client, auditor, audit)["Answers"]
    columns = _columns(sheet)
    assert list(columns)[:5] == ["Case audit", "Child ID", "Agency", "Record date", "D1"]
    assert list(columns)[-1] == "Grade"
    assert sheet.cell(2, columns["D1"]).value == "Is there good information sharing between agencies?"
    row = _row_of(sheet, mine)
    assert sheet.cell(row, columns["Child ID"]).value == "C-MINE"
    assert sheet.cell(row, columns["D1"]).value == "Yes"
    assert sheet.cell(row, columns["D4"]).value == "No"
    assert sheet.cell(row, columns["F1"]).value == "Clear voice of the child"
    assert sheet.cell(row, columns["D5"]).value is None  # not asked without a protection plan


def test_the_export_query_count_does_not_grow_with_cases(
    client, auditor, audit, django_assert_max_num_queries
):
    for record in range(12):
        scored_case(audit, {"D1": "yes", "F1": "Noted"}, status=OPEN, auditor=auditor, record_id=100 + record)
    client.force_login(auditor)
    # Session, user, roles, audit, case audits, answers, questions, access log (with savepoint), session.
    with django_assert_max_num_queries(13):  # the children exported, for the access log
        response = client.get(reverse("audits-answers-export", args=[audit.uuid]))
    assert response.status_code == 200


def test_rating_cells_carry_a_drop_down_list(client, auditor, mine, audit):
    sheet = _export(client, auditor, audit)["Answers"]
    lists = {dv.formula1: str(dv.sqref) for dv in sheet.data_validations.dataValidation}
    letter = openpyxl.utils.get_column_letter(_columns(sheet)["D1"])
    assert f"{letter}3" in lists['"Yes,Partly,No,N/A"'].split()
    assert any("Inadequate" in formula for formula in lists)


def test_the_export_neutralises_formulas_in_text_cells(client, auditor, audit):
    case_audit = scored_case(
        audit,
        {"F1": '=HYPERLINK("http://evil.example","click")', "F2": "@SUM(A1)"},
        status=OPEN,
        auditor=auditor,
        child=ChildFactory.create(child_id="-2+3"),
    )
    sheet = _export(client, auditor, audit)["Answers"]
    columns, row = _columns(sheet), _row_of(sheet, case_audit)
    for column, expected in (
        ("F1", '\'=HYPERLINK("http://evil.example","click")'),
        ("F2", "'@SUM(A1)"),
        ("Child ID", "'-2+3"),
    ):
        cell = sheet.cell(row, columns[column])
        assert (cell.value, cell.data_type) == (expected, "s")


def test_neutralise_prefixes_only_formula_starts():
    assert [exchange.neutralise(t) for t in ("=1", "+1", "-1", "@x", "plain", "a=b")] == [
        "'=1",
        "'+1",
        "'-1",
        "'@x",
        "plain",
        "a=b",
    ]


@pytest.mark.parametrize("persona", ["panel_member", "report_officer", "outsider"], indirect=True)
def test_roles_without_answers_cannot_export(client, persona, mine, audit):
    client.force_login(persona)
    assert client.get(reverse("audits-answers-export", args=[audit.uuid])).status_code == 403


def test_an_auditor_with_no_case_in_the_audit_gets_404(client, auditor, theirs, audit):
    client.force_login(auditor)
    assert client.get(reverse("audits-answers-export", args=[audit.uuid])).status_code == 404


def test_a_partner_agency_auditor_exports_only_their_agencys_case_audits(client, partner_auditor, audit):
    AuditorProfile.objects.create(user=partner_auditor, agency="police")
    audit.agencies = ["social_care", "police"]
    audit.save()
    police = scored_case(audit, {}, status=OPEN, auditor=partner_auditor, agency="police", record_id=5)
    scored_case(audit, {}, status=OPEN, auditor=partner_auditor, agency="social_care", record_id=5)
    sheet = _export(client, partner_auditor, audit)["Answers"]
    assert [sheet.cell(r, 1).value for r in range(3, sheet.max_row + 1)] == [str(police.uuid)]


# Import ---------------------------------------------------------------------------------------------------


def test_an_auditor_imports_answers_and_a_grade(client, auditor, mine, audit):
    """D1 Yes -> Partly, D4 No -> Yes (so D5 now applies and takes Yes), F1 rewritten, grade Good."""
    workbook = _export(client, auditor, audit)
    sheet = workbook["Answers"]
    columns, row = _columns(sheet), _row_of(sheet, mine)
    for code, value in (("D1", "Partly"), ("D4", "yes"), ("D5", "Yes"), ("F1", "Plan is child-centred")):
        sheet.cell(row, columns[code]).value = value
    sheet.cell(row, columns["Grade"]).value = "Good"
    response = _upload(client, audit, workbook)
    assert response.status_code == 200
    assert "4 answers and 1 grade saved" in response.content.decode()
    answers = _answers(mine)
    assert answers["D1"] == ("partly", "", "MASH notes 3 March", 2)  # evidence kept, revision moved on
    assert answers["D4"][0] == "yes"
    assert answers["D5"][0] == "yes"
    assert answers["F1"][1] == "Plan is child-centred"
    mine.refresh_from_db()
    assert (mine.grade, mine.revision) == ("good", 1)
    assert AccessLogEntry.objects.filter(user=auditor, action="import", object_ref=str(audit.uuid)).exists()


def test_importing_the_exported_workbook_unchanged_saves_nothing(client, auditor, mine, audit):
    before = _answers(mine)
    response = _upload(client, audit, _export(client, auditor, audit))
    assert "0 answers and 0 grades saved" in response.content.decode()
    assert _answers(mine) == before


def test_a_neutralised_formula_imports_back_as_it_was_written(client, auditor, mine, audit):
    Answer.objects.filter(case_audit=mine, question__code="F1").update(text="-ve: no plan", revision=1)
    workbook = _export(client, auditor, audit)
    sheet = workbook["Answers"]
    assert sheet.cell(_row_of(sheet, mine), _columns(sheet)["F1"]).value == "'-ve: no plan"
    _upload(client, audit, workbook)
    assert _answers(mine)["F1"][1:] == ("-ve: no plan", "", 1)


def test_import_reports_every_bad_cell_and_writes_nothing(client, auditor, mine, theirs, audit):
    submitted = scored_case(audit, {"D1": "yes"}, status=CaseAudit.Status.SUBMITTED, auditor=auditor)
    workbook = _export(client, auditor, audit)
    sheet = workbook["Answers"]
    columns = _columns(sheet)
    letter = {code: openpyxl.utils.get_column_letter(column) for code, column in columns.items()}
    row = _row_of(sheet, mine)
    sheet.cell(row, columns["D1"]).value = "Maybe"
    sheet.cell(row, columns["D5"]).value = "Yes"  # D4 is No: no protection plan
    sheet.cell(row, columns["Grade"]).value = "Excellent"
    closed_row = _row_of(sheet, submitted)
    sheet.cell(closed_row, columns["D1"]).value = "No"
    sheet.append([str(theirs.uuid), "", "", "", "Yes"])  # someone else's case audit
    sheet.append(["00000000-0000-0000-0000-000000000000", "", "", "", "Yes"])
    sheet.append(["not-a-reference", "", "", "", "Yes"])
    before = {case.pk: _answers(case) for case in (mine, theirs, submitted)}

    response = _upload(client, audit, workbook)

    page = response.content.decode()
    assert "There is a problem" in page
    assert "Nothing has been saved" in page
    expected = [
        f"Row {row}, column {letter['D1']}: &quot;Maybe&quot; is not an answer",
        f"Row {row}, column {letter['D5']}: D5 does not apply to this case: it is asked only where D4 is Yes",
        f"Row {row}, column {letter['Grade']}: &quot;Excellent&quot; is not a grade",
        f"Row {closed_row}, column A: this case audit is submitted: its answers are closed",
        f"Row {closed_row + 1}, column A: no case audit of yours in this audit has this reference",
        f"Row {closed_row + 2}, column A: no case audit of yours in this audit has this reference",
        f"Row {closed_row + 3}, column A: &quot;not-a-reference&quot; is not a case audit reference",
    ]
    for message in expected:
        assert message in page
    assert {case.pk: _answers(case) for case in (mine, theirs, submitted)} == before
    mine.refresh_from_db()
    assert mine.grade == ""
    assert not AccessLogEntry.objects.filter(action="import").exists()


def _changed_workbook(client, auditor, audit, count: int) -> openpyxl.Workbook:
    """`count` open case audits of the auditor, exported, with D1, D4, F1 and the grade changed on each row."""
    for record in range(count):
        scored_case(audit, {"D1": "yes", "F1": "Noted"}, status=OPEN, auditor=auditor, record_id=200 + record)
    workbook = _export(client, auditor, audit)
    sheet = workbook["Answers"]
    columns = _columns(sheet)
    for row in range(3, sheet.max_row + 1):
        for code, value in (("D1", "No"), ("D4", "No"), ("F1", f"Rewritten {row}"), ("Grade", "Good")):
            sheet.cell(row, columns[code]).value = value
    return workbook


def test_the_import_issues_as_many_queries_for_20_case_audits_as_for_5(
    client, auditor, django_assert_max_num_queries
):
    """5 x 3 answers and 5 grades, then 20 x 3 and 20: one lock, one read and bulk writes either way."""
    counts = {}
    for count in (5, 20):
        audit = AuditFactory.create()
        workbook = _changed_workbook(client, auditor, audit, count)
        # Session, user, roles, audit; questions, case audits, answers; lock, answers again; answers
        # created and updated, case audits updated, each with its history rows; savepoints; access log.
        with django_assert_max_num_queries(21) as captured:
            response = _upload(client, audit, workbook)
        assert f"{3 * count} answers and {count} grades saved" in response.content.decode()
        counts[count] = len(captured)
    assert counts[5] == counts[20]


def test_an_import_records_who_changed_each_answer_and_grade_and_from_which_file(client, auditor, audit):
    workbook = _changed_workbook(client, auditor, audit, 2)
    _upload(client, audit, workbook, name="march answers.xlsx")
    reason = "Imported from march answers.xlsx"
    answers = Answer.history.filter(history_change_reason=reason)
    assert (
        sorted((h.history_type, h.history_user) for h in answers)
        == [("+", auditor)] * 2 + [("~", auditor)] * 4
    )
    grades = CaseAudit.history.filter(history_change_reason=reason)
    assert [(h.grade, h.history_user) for h in grades] == [("good", auditor)] * 2


def test_an_answer_saved_by_someone_else_during_the_import_saves_nothing_and_names_its_row(
    client, auditor, mine, audit
):
    """The import checks every cell, then saves from the revisions it read: one moved on, so nothing saves."""
    workbook = _changed_workbook(client, auditor, audit, 1)
    sheet = workbook["Answers"]
    last = sheet.max_row
    second = CaseAudit.objects.get(uuid=str(sheet.cell(last, 1).value))
    save_many = services.answers_save_many

    def someone_saves_first(**kwargs):
        stored = Answer.objects.get(case_audit=second, question__code="D1")
        colleague = UserFactory.create(username="auditor-cy", roles=["Auditor"])
        services.answer_save(
            case_audit=second,
            question=stored.question,
            user=colleague,
            value="partly",
            revision=stored.revision,
        )
        return save_many(**kwargs)

    with mock.patch.object(services, "answers_save_many", side_effect=someone_saves_first):
        page = _upload(client, audit, workbook).content.decode()
    assert f"Row {last}: nothing was saved: auditor-cy saved question D1 after you opened it." in page
    assert _answers(mine)["D1"][0] == "yes"
    assert _answers(second)["D1"][0] == "partly"
    assert not Answer.history.filter(history_change_reason__startswith="Imported").exists()


def test_an_unknown_question_column_is_reported(client, auditor, mine, audit):
    workbook = _export(client, auditor, audit)
    sheet = workbook["Answers"]
    sheet.cell(1, sheet.max_column + 1).value = "Z9"
    page = _upload(client, audit, workbook).content.decode()
    letter = openpyxl.utils.get_column_letter(sheet.max_column)
    assert f"Row 1, column {letter}: &quot;Z9&quot; is not a question in this audit&#x27;s tool" in page


def test_a_manager_cannot_change_an_auditors_case_audit_by_import(client, manager, mine, audit):
    workbook = _export(client, manager, audit)
    sheet = workbook["Answers"]
    sheet.cell(_row_of(sheet, mine), _columns(sheet)["D1"]).value = "No"
    page = _upload(client, audit, workbook).content.decode()
    assert "this case audit is not yours: only its auditor can change it" in page
    assert _answers(mine)["D1"][0] == "yes"


def test_a_blank_cell_clears_an_answer(client, auditor, mine, audit):
    workbook = _export(client, auditor, audit)
    sheet = workbook["Answers"]
    sheet.cell(_row_of(sheet, mine), _columns(sheet)["D1"]).value = None
    _upload(client, audit, workbook)
    assert _answers(mine)["D1"][:3] == ("", "", "MASH notes 3 March")


def test_a_file_that_is_not_a_workbook_is_refused(client, auditor, mine, audit):
    client.force_login(auditor)
    url = reverse("audits-answers-import", args=[audit.uuid])
    csv = client.post(url, {"file": SimpleUploadedFile("answers.csv", b"a,b\n1,2\n")})
    assert "The selected file must be an Excel workbook (.xlsx)" in csv.content.decode()
    broken = client.post(url, {"file": SimpleUploadedFile("answers.xlsx", b"not a zip")})
    assert "This is not a valid Excel (.xlsx) workbook." in broken.content.decode()


@pytest.mark.parametrize("persona", ["panel_member", "report_officer", "outsider"], indirect=True)
def test_roles_without_answers_cannot_import(client, persona, audit):
    client.force_login(persona)
    assert client.get(reverse("audits-answers-import", args=[audit.uuid])).status_code == 403


def test_the_import_page_offers_the_upload_form(client, auditor, mine, audit):
    client.force_login(auditor)
    response = client.get(reverse("audits-answers-import", args=[audit.uuid]))
    assert response.status_code == 200
    assert "Upload the answers workbook" in response.content.decode()


# Costly uploads (issue #12.3) ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def inflating_workbooks() -> dict[str, bytes]:
    """Three sheets of 16 MB of cell XML each: packed 240 to 1 (about 200 KB) and 50 to 1 (under 1 MB)."""
    sheets = {"Answers": 16 * MB, "Sheet2": 16 * MB, "Sheet3": 16 * MB}
    return {
        "tight": inflating_workbook(sheets),
        "loose": inflating_workbook(sheets, numbered=True, cells_per_row=10),
    }


@pytest.fixture
def uploader(request, audit, auditor, partner_auditor, mine) -> User:
    """An auditor, or a partner agency auditor with a police case audit in the audit."""
    if request.param == "auditor":
        return auditor
    AuditorProfile.objects.create(user=partner_auditor, agency="police")
    audit.agencies = ["social_care", "police"]
    audit.save()
    scored_case(audit, {}, status=OPEN, auditor=partner_auditor, agency="police", record_id=5)
    return partner_auditor


@pytest.mark.parametrize("uploader", ["auditor", "partner_auditor"], indirect=True)
@pytest.mark.parametrize(
    ("packing", "reason"),
    [
        ("tight", "This workbook expands to far more data than an answers workbook holds."),
        ("loose", "Sheet &quot;Answers&quot; has more than 5,000 rows."),
    ],
)
def test_a_small_upload_that_inflates_to_48_mb_is_refused_by_name(
    client, uploader, audit, inflating_workbooks, packing, reason
):
    """Before the guard, openpyxl parsed all 48 MB of the three sheets: many seconds of CPU per upload."""
    client.force_login(uploader)
    url = reverse("audits-answers-import", args=[audit.uuid])
    upload = SimpleUploadedFile("answers.xlsx", inflating_workbooks[packing])
    before = row_counts()
    response = client.post(url, {"file": upload})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert reason in page
    assert row_counts() == before


def test_an_answers_workbook_taking_over_two_seconds_of_cpu_is_refused(auditor, audit, mine):
    """The last guard, for a file no size or row rule catches: parsing stops at 2 s of the thread's CPU.
    The clock is made to jump 1 s at every look, so the third look is past the limit."""
    content = exchange.answers_export(audit=audit, user=auditor)
    ticks = iter(range(1_000))
    with mock.patch("cases.importing.workbooks.time.thread_time", side_effect=lambda: float(next(ticks))):
        outcome = exchange.answers_import(
            audit=audit, user=auditor, file_name="answers.xlsx", content=content
        )
    assert [str(problem) for problem in outcome.errors] == [
        "This workbook takes too long to read: an answers workbook reads in well under 2 seconds. "
        "Check it is the right file."
    ]


def test_only_the_answers_sheet_is_opened(auditor, audit, mine):
    """The exported workbook with its Notes sheet replaced by broken XML still imports: Notes is never read."""
    exported = openpyxl.load_workbook(io.BytesIO(exchange.answers_export(audit=audit, user=auditor)))
    sheet = exported["Answers"]
    sheet.cell(_row_of(sheet, mine), _columns(sheet)["D1"]).value = "No"
    assert exported.sheetnames == ["Answers", "Notes"]
    buffer = io.BytesIO()
    exported.save(buffer)
    broken = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(broken, "w") as target:
        for info in source.infolist():
            notes = info.filename == "xl/worksheets/sheet2.xml"
            target.writestr(info, b"<not xml" if notes else source.read(info))
    outcome = exchange.answers_import(
        audit=audit, user=auditor, file_name="answers.xlsx", content=broken.getvalue()
    )
    assert outcome.ok, outcome.errors
    assert _answers(mine)["D1"][0] == "no"
