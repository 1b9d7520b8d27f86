"""The importer of case extracts: both formats, every kind of bad row, all-or-nothing, re-import, CLI."""

import csv
import datetime
import io
import os
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cases import models as m
from cases.importing import ExtractFile, cases_import, cases_import_files, cases_import_preview
from cases.importing.parsing import sheets_to_read
from tests.factories import (
    ChildFactory,
    S47EnquiryFactory,
    StrategyDiscussionFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date
DATA = Path(__file__).resolve().parents[1] / "data"
EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
OWN_FORMAT_EXAMPLES = [
    "children.csv",
    "referrals.csv",
    "strategy_discussions.csv",
    "s47_enquiries.csv",
    "cp_plans.csv",
    "looked_after.csv",
]
GOOD_EXAMPLES = [*OWN_FORMAT_EXAMPLES, "annex_a_list5.csv"]
ANNEX_A_HEADER = [
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Age of Child (Years)",
    "Does the Child have a Disability",
    "Strategy discussion initiating Section 47 Enquiry Start Date",
    "Was an Initial Child Protection Conference deemed unnecessary?",
    "Date of Initial Child Protection Conference",
    "Did the Initial Child Protection Conference Result in a Child Protection Plan",
    "Number of Section 47 Enquiries in the last 12 months",
    "Number of ICPCs in the last 12 months",
    "Allocated Team",
    "Allocated Worker",
]


def _csv(rows: list[list], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def _xlsx(sheets: dict[str, list[list]]) -> bytes:
    workbook = openpyxl.Workbook()
    assert workbook.active is not None
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _annex_row(**overrides) -> list:
    row = {
        "Child Unique ID": "C100",
        "Gender": "a) Male",
        "Ethnicity": "a) WBRI",
        "Date of Birth": "01/05/2012",
        "Age of Child (Years)": "10",
        "Does the Child have a Disability": "b) No",
        "Strategy discussion initiating Section 47 Enquiry Start Date": "03/03/2014",
        "Was an Initial Child Protection Conference deemed unnecessary?": "b) No",
        "Date of Initial Child Protection Conference": "20/03/2014",
        "Did the Initial Child Protection Conference Result in a Child Protection Plan": "a) Yes",
        "Number of Section 47 Enquiries in the last 12 months": "1",
        "Number of ICPCs in the last 12 months": "1",
        "Allocated Team": "North",
        "Allocated Worker": "Worker One",
    }
    row.update(overrides)
    return [row[name] for name in ANNEX_A_HEADER]


def _annex_csv(*rows: list) -> bytes:
    return _csv([ANNEX_A_HEADER, *rows])


def _examples(names: list[str]) -> list[ExtractFile]:
    return [ExtractFile(name, (EXAMPLES / name).read_bytes()) for name in names]


def _errors(result) -> list[tuple]:
    return [(e.row, e.column, e.reason) for e in result.errors]


def _assert_nothing_written() -> None:
    for model in (m.Child, m.Referral, m.StrategyDiscussion, m.S47Enquiry, m.CPPlan, m.LookedAfterEpisode):
        assert not model.objects.exists(), model
    assert not m.Team.objects.exists()
    assert not m.Worker.objects.exists()
    assert not m.ImportBatch.objects.filter(status=m.ImportBatch.Status.IMPORTED).exists()


def _import(name: str, content: bytes, user=None):
    return cases_import(file_name=name, content=content, user=user)


# The reference workbook -------------------------------------------------------------------------


def test_the_reference_annex_a_workbook_imports_as_it_is():
    """liia-tools' sample: numeric ids, date cells, `Age`, plain Yes beside `a) Yes`, NBSP in names."""
    result = _import("Annex_A.xlsx", (DATA / "Annex_A.xlsx").read_bytes())

    assert result.ok, result.errors
    assert result.rows == 5
    assert result.counts["s47_enquiries"].created == 5
    assert result.counts["children"].created == 5
    enquiries = {e.child.child_id: e for e in m.S47Enquiry.objects.select_related("child", "team", "worker")}
    got = {}
    for child_id, e in enquiries.items():
        assert e.team is not None and e.worker is not None
        got[child_id] = (
            e.start_date,
            e.icpc_not_required,
            e.icpc_date,
            e.icpc_cp_plan,
            e.team.name,
            e.worker.name,
        )
    start = D(2020, 9, 16)
    assert got == {
        "11641472": (start, False, D(2020, 10, 5), True, "Children with Disabilities Team", "Delta Arthur"),
        "6537810": (start, False, D(2020, 10, 5), True, "Locality 3 Duty Team", "Reagan Mor"),
        "10273003": (start, True, None, None, "Locality 3 Unit 2", "Franciszek Hampton"),
        "4073694": (start, True, None, None, "Locality 3 Duty Team", "Oswaldo Gowin"),
        "11578763": (start, False, D(2020, 10, 1), True, "Locality 2 Duty Team", "Janee Garwood"),
    }
    assert {e.target_date for e in enquiries.values()} == {D(2020, 10, 7)}  # 15 working days after 16/09/2020


def test_the_reference_workbook_upserts_each_childs_details():
    _import("Annex_A.xlsx", (DATA / "Annex_A.xlsx").read_bytes())

    children = {
        c.child_id: (c.gender, c.ethnicity, c.date_of_birth, c.disability) for c in m.Child.objects.all()
    }
    assert children == {
        "11641472": ("female", "NOBT", D(2010, 9, 15), "yes"),
        "6537810": ("male", "WBRI", D(2004, 7, 18), "no"),
        "10273003": ("female", "WBRI", D(2011, 12, 6), "no"),
        "4073694": ("male", "NOBT", D(2009, 1, 6), "no"),
        "11578763": ("male", "WBRI", D(2010, 12, 21), "no"),
    }
    assert m.Team.objects.count() == 4
    delta_team = m.Worker.objects.get(code="Delta Arthur").team
    assert delta_team is not None and delta_team.code == "Children with Disabilities Team"


def test_importing_the_reference_workbook_again_changes_nothing():
    content = (DATA / "Annex_A.xlsx").read_bytes()
    _import("Annex_A.xlsx", content)
    history_rows = m.S47Enquiry.history.count()

    again = _import("Annex_A.xlsx", content)

    assert (again.total("created"), again.total("updated"), again.total("unchanged")) == (0, 0, 10)
    assert m.S47Enquiry.objects.count() == 5
    assert m.S47Enquiry.history.count() == history_rows
    assert (again.batch.created, again.batch.updated, again.batch.unchanged) == (0, 0, 10)


# The documented examples ------------------------------------------------------------------------


def test_the_example_files_give_the_counts_docs_import_md_states():
    """docs/import.md: 12 children, 10 strategy discussions, 8 referrals, 15 S47 enquiries, 2 CP plans,
    2 looked-after episodes, 3 teams and 7 workers (49 case records from 45 rows)."""
    result = cases_import_files(files=_examples(GOOD_EXAMPLES), user=None)

    assert result.ok, result.errors
    created = {name: counts.created for name, counts in result.counts.items()}
    assert created == {
        "children": 12,
        "strategy_discussions": 10,
        "referrals": 8,
        "s47_enquiries": 15,
        "cp_plans": 2,
        "looked_after": 2,
        "teams": 3,
        "workers": 7,
    }
    assert (result.rows, result.total("created")) == (45, 49)
    assert m.S47Enquiry.objects.count() == 15
    assert m.ImportBatch.objects.count() == 7


def test_the_own_format_examples_and_the_annex_a_example_give_their_documented_counts():
    own = cases_import_files(files=_examples(OWN_FORMAT_EXAMPLES), user=None)
    annex = _import("annex_a_list5.csv", (EXAMPLES / "annex_a_list5.csv").read_bytes())

    assert {n: c.created for n, c in own.counts.items()} == {
        "children": 8,
        "strategy_discussions": 10,
        "referrals": 8,
        "s47_enquiries": 10,
        "cp_plans": 2,
        "looked_after": 2,
        "teams": 2,
        "workers": 5,
    }
    assert {n: c.created for n, c in annex.counts.items()} == {
        "children": 4,
        "s47_enquiries": 5,
        "teams": 1,
        "workers": 2,
    }


def test_the_example_s47_enquiries_mix_met_and_missed_standards():
    cases_import_files(files=_examples(OWN_FORMAT_EXAMPLES), user=None)

    enquiries = list(m.S47Enquiry.objects.all())
    within = [e.completed_within_target for e in enquiries]
    assert (within.count(True), within.count(False), within.count(None)) == (5, 3, 2)
    recorded = [e.consent_recorded for e in enquiries]
    assert recorded.count(True) == 7 and None not in recorded
    assert sum(e.consent_retrospective for e in enquiries) == 1
    assert {e.consent for e in enquiries} == {"given", "refused", "not_sought", ""}


def test_importing_the_examples_again_reports_every_record_unchanged():
    cases_import_files(files=_examples(GOOD_EXAMPLES), user=None)

    again = cases_import_files(files=_examples(GOOD_EXAMPLES), user=None)

    assert (again.total("created"), again.total("updated"), again.total("unchanged")) == (0, 0, 49)
    assert "teams" not in again.counts and "workers" not in again.counts


def test_the_bad_rows_example_reports_each_problem_after_the_examples_are_imported():
    cases_import_files(files=_examples(GOOD_EXAMPLES), user=None)
    before = m.S47Enquiry.objects.count()

    result = _import("bad/bad_rows.csv", (EXAMPLES / "bad/bad_rows.csv").read_bytes())

    assert _errors(result) == [
        (2, "start_date", '"31/02/2024" is not a real date.'),
        (3, "end_date", "The end date cannot be before the start date."),
        (4, "child_id", 'Unknown child ID "EX9999": it is neither stored nor in this import.'),
        (5, "consent", '"maybe" is not one of the allowed values: given, refused, not_sought.'),
        (6, "start_date", "A value is required, but the cell is blank."),
        (7, "icpc_date", "The ICPC date cannot be before the strategy discussion that started the S47."),
        (9, "start_date", "Duplicate child_id and start_date (EX0005, 15/04/2024): row 8 has the same."),
    ]
    assert m.S47Enquiry.objects.count() == before
    assert m.ImportBatch.objects.filter(status=m.ImportBatch.Status.IMPORTED).count() == 7
    refusal = m.ImportBatch.objects.get(status=m.ImportBatch.Status.REJECTED)
    assert (refusal.file_name, refusal.error_count, refusal.created) == ("bad_rows.csv", 7, 0)


# Bad rows: each reported with its row, column and reason; nothing written ---------------------------


def test_it_reports_the_row_and_column_of_a_bad_date():
    result = _import("list5.csv", _annex_csv(_annex_row(), _annex_row(**{"Date of Birth": "2012/05/01"})))

    assert _errors(result) == [
        (3, "Date of Birth", '"2012/05/01" is not a date; use dd/mm/yyyy (for example 03/03/2014).')
    ]
    _assert_nothing_written()


def test_it_reports_an_unknown_coded_value():
    result = _import("list5.csv", _annex_csv(_annex_row(Gender="z) Purple")))

    assert _errors(result) == [
        (2, "Gender", '"z) Purple" is not one of the allowed values: male, female, unknown, indeterminate.')
    ]
    _assert_nothing_written()


def test_it_reports_a_blank_required_value():
    row = _annex_row(**{"Strategy discussion initiating Section 47 Enquiry Start Date": "  "})

    result = _import("list5.csv", _annex_csv(row))

    assert _errors(result) == [
        (
            2,
            "Strategy discussion initiating Section 47 Enquiry Start Date",
            "A value is required, but the cell is blank.",
        )
    ]
    _assert_nothing_written()


def test_it_reports_an_icpc_before_the_strategy_discussion():
    result = _import(
        "list5.csv", _annex_csv(_annex_row(**{"Date of Initial Child Protection Conference": "28/02/2014"}))
    )

    assert _errors(result) == [
        (
            2,
            "Date of Initial Child Protection Conference",
            "The ICPC date cannot be before the strategy discussion that started the S47.",
        )
    ]
    _assert_nothing_written()


def test_it_reports_an_end_date_before_the_start_date():
    content = _csv(
        [["plan_id", "child_id", "start_date", "end_date"], ["P1", "C1", "10/03/2014", "09/03/2014"]]
    )
    ChildFactory.create(child_id="C1")

    result = _import("cp_plans.csv", content)

    assert _errors(result) == [(2, "end_date", "The end date cannot be before the start date.")]
    assert not m.CPPlan.objects.exists()


def test_it_reports_an_unknown_child_id():
    content = _csv([["referral_id", "child_id", "received_date"], ["R1", "NOBODY", "01/03/2014"]])

    result = _import("referrals.csv", content)

    assert _errors(result) == [
        (2, "child_id", 'Unknown child ID "NOBODY": it is neither stored nor in this import.')
    ]
    _assert_nothing_written()


def test_it_reports_an_unknown_strategy_discussion():
    ChildFactory.create(child_id="C1")
    content = _csv([["child_id", "start_date", "strategy_discussion_id"], ["C1", "03/03/2014", "SD-NONE"]])

    result = _import("s47_enquiries.csv", content)

    assert _errors(result) == [
        (
            2,
            "strategy_discussion_id",
            'Unknown strategy discussion ID "SD-NONE": it is neither stored nor in this import.',
        )
    ]


def test_it_reports_a_duplicate_key_within_the_file():
    content = _csv([["child_id", "name"], ["C1", "Example Child 1"], ["C2", ""], ["C1", "Example Child 1"]])

    result = _import("children.csv", content)

    assert _errors(result) == [(4, "child_id", "Duplicate child_id (C1): row 2 has the same.")]
    _assert_nothing_written()


def test_it_reports_an_annex_a_child_whose_details_differ_between_rows():
    second = _annex_row(
        **{
            "Date of Birth": "02/05/2012",
            "Strategy discussion initiating Section 47 Enquiry Start Date": "01/03/2014",
        }
    )

    result = _import("list5.csv", _annex_csv(_annex_row(), second))

    assert _errors(result) == [
        (
            3,
            "Date of Birth",
            'The same child is on row 2 with a different value ("01/05/2012" there, "02/05/2012" here).',
        )
    ]


def test_it_reports_text_too_long_for_its_field():
    result = _import("children.csv", _csv([["child_id"], ["C" * 51]]))

    assert _errors(result) == [(2, "child_id", "Must be at most 50 characters (it has 51).")]


def test_it_reports_a_consent_date_with_consent_not_sought():
    ChildFactory.create(child_id="C1")
    content = _csv(
        [
            ["child_id", "start_date", "consent", "consent_date"],
            ["C1", "03/03/2014", "Not sought", "04/03/2014"],
        ]
    )

    result = _import("s47_enquiries.csv", content)

    assert _errors(result) == [
        (2, "consent_date", "A consent date is given but consent is recorded as not sought.")
    ]


def test_it_names_every_missing_required_column():
    result = _import("referrals.csv", _csv([["referral_id", "team"], ["R1", "North"]]))

    assert [str(e) for e in result.errors] == ['Required columns are missing: "child_id", "received_date".']
    assert result.errors[0].row is None
    _assert_nothing_written()


def test_it_names_the_missing_annex_a_start_date_column():
    result = _import("list5.csv", _csv([["Child Unique ID", "Gender"], ["C1", "Male"]]))

    assert "Strategy discussion initiating Section 47 Enquiry Start Date" in str(result.errors[0])


def test_a_file_with_one_bad_row_among_good_ones_imports_nothing():
    rows = [_annex_row(**{"Child Unique ID": f"C{n}"}) for n in range(50)]
    rows[37] = _annex_row(**{"Child Unique ID": "C37", "Ethnicity": "Martian"})

    result = _import("list5.csv", _annex_csv(*rows))

    assert [(e.row, e.column) for e in result.errors] == [(39, "Ethnicity")]
    _assert_nothing_written()


def test_every_bad_row_is_reported_not_just_the_first():
    rows = [_annex_row(**{"Child Unique ID": f"C{n}", "Gender": "?"}) for n in range(3)]

    result = _import("list5.csv", _annex_csv(*rows))

    assert [e.row for e in result.errors] == [2, 3, 4]


# Files that cannot be read ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("extract.pdf", b"%PDF-1.4", "This is not a CSV or Excel (.xlsx) file. Only those can be imported."),
        (
            "extract.xls",
            b"\xd0\xcf\x11\xe0",
            "This is not a CSV or .xlsx file: save it as .xlsx or CSV and try again.",
        ),
        ("extract.csv", b"", "The file is empty."),
        ("extract.csv", b"child_id,name\r\n", "The file has no rows of data under its header row."),
        ("extract.csv", bytes(range(256)) * 4, "This is not a text CSV file (it holds binary data)."),
        (
            "extract.csv",
            b"child_id\r\n\x81\x8d\x8f\x90\x9d\r\n",
            "Row 2 is not valid UTF-8 text (byte 0x81), so its letters cannot be read.",
        ),
        ("extract.xlsx", b"child_id\r\nC1\r\n", "This is not a valid Excel (.xlsx) workbook."),
        ("extract.xlsx", b"PK\x03\x04" + os.urandom(300), "This is not a valid Excel (.xlsx) workbook."),
        ("extract.csv", b"colour,size\r\nred,9\r\n", "This is neither an Annex A List 5 extract nor a file"),
    ],
)
def test_a_file_that_cannot_be_read_gives_one_clear_error_and_writes_nothing(name, content, reason):
    result = _import(name, content)

    assert len(result.errors) == 1
    assert result.errors[0].row is None
    assert result.errors[0].reason.startswith(reason)
    _assert_nothing_written()


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")

    result = _import("extract.xlsx", buffer.getvalue())

    assert result.errors[0].reason.startswith("This could not be read as an Excel workbook")
    _assert_nothing_written()


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.IMPORT_MAX_BYTES = 100

    result = _import("children.csv", _csv([["child_id"]] + [[f"C{n}"] for n in range(50)]))

    assert [e.reason for e in result.errors] == [
        "The file is larger than the 0 MB limit. Split it into smaller files."
    ]
    _assert_nothing_written()


def test_an_annex_a_workbook_without_a_list_5_sheet_is_refused():
    content = _xlsx({"List 3": [["Child Unique ID"], ["C1"]], "List 7": [["Child Unique ID"], ["C1"]]})

    result = _import("annex_a.xlsx", content)

    assert [e.reason for e in result.errors] == ["The workbook has no sheet named List 5 (S47 enquiries)."]


# Cell formats ------------------------------------------------------------------------------------


def test_dates_are_read_as_dd_mm_yyyy_and_as_iso():
    content = _csv(
        [
            ["child_id", "date_of_birth"],
            ["C1", "03/03/2014"],
            ["C2", "2014-03-04"],
            ["C3", "5/3/2014"],
            ["C4", "2014-03-06 00:00:00"],
        ]
    )

    assert _import("children.csv", content).ok
    dates = dict(m.Child.objects.values_list("child_id", "date_of_birth"))
    assert dates == {"C1": D(2014, 3, 3), "C2": D(2014, 3, 4), "C3": D(2014, 3, 5), "C4": D(2014, 3, 6)}


def test_coded_and_plain_values_are_both_accepted():
    rows = [
        _annex_row(**{"Child Unique ID": "CODED"}),
        _annex_row(
            **{
                "Child Unique ID": "PLAIN",
                "Gender": "Male",
                "Ethnicity": "White British",
                "Does the Child have a Disability": "No",
                "Was an Initial Child Protection Conference deemed unnecessary?": "No",
                "Did the Initial Child Protection Conference Result in a Child Protection Plan": "yes",
            }
        ),
    ]

    assert _import("list5.csv", _annex_csv(*rows)).ok
    coded, plain = (
        m.S47Enquiry.objects.select_related("child").get(child__child_id=child_id)
        for child_id in ("CODED", "PLAIN")
    )
    assert (coded.child.gender, coded.child.ethnicity, coded.child.disability) == ("male", "WBRI", "no")
    assert (plain.child.gender, plain.child.ethnicity, plain.child.disability) == ("male", "WBRI", "no")
    assert (
        (coded.icpc_not_required, coded.icpc_cp_plan)
        == (plain.icpc_not_required, plain.icpc_cp_plan)
        == (
            False,
            True,
        )
    )


def test_annex_a_headers_match_loosely():
    header = [
        "CHILD UNIQUE ID",
        "gender ",
        "Ethnicity",
        "Date\u00a0of Birth",
        "Age",
        "Does the child have a disability?",
        "Strategy Discussion initiating Section 47 Enquiry Start Date:",
        "Was an Initial Child Protection Conference deemed unnecessary",
        "Date of initial child protection conference",
        "Did the Initial Child Protection Conference result in a Child Protection Plan?",
        "Allocated  Team",
        "Allocated Worker",
    ]
    row = [
        "C1",
        "b) Female",
        "a) WBRI",
        "01/05/2012",
        "1",
        "No",
        "03/03/2014",
        "Yes",
        "",
        "",
        "North",
        "W One",
    ]

    result = _import("list5.csv", _csv([header, row]))

    assert result.ok, result.errors
    assert result.warnings == []
    enquiry = m.S47Enquiry.objects.get()
    assert enquiry.team is not None
    assert (enquiry.icpc_not_required, enquiry.team.code, enquiry.child.date_of_birth) == (
        True,
        "North",
        D(2012, 5, 1),
    )


def test_numeric_child_ids_from_excel_become_text():
    header = ANNEX_A_HEADER[:1] + ANNEX_A_HEADER[6:7]
    content = _xlsx({"List 5": [header, [1234.0, datetime.datetime(2014, 3, 3)], ["5678.0", "03/03/2014"]]})

    assert _import("annex.xlsx", content).ok
    assert set(m.Child.objects.values_list("child_id", flat=True)) == {"1234", "5678"}


def test_a_csv_saved_in_windows_1252_is_read_when_that_encoding_is_chosen():
    content = _csv([["child_id", "name"], ["C1", "Example Zoë – £"]], encoding="cp1252")

    assert cases_import(file_name="children.csv", content=content, user=None, encoding="cp1252").ok
    assert m.Child.objects.get().name == "Example Zoë – £"


def test_a_utf8_csv_with_a_byte_order_mark_is_read():
    assert _import("children.csv", "\ufeffchild_id,name\r\nC1,Zoë\r\n".encode()).ok
    assert m.Child.objects.get().name == "Zoë"


def test_own_format_headers_ignore_case_and_spacing():
    assert _import("kids.csv", _csv([["Child ID", "Date of birth"], ["C1", "01/05/2012"]])).ok
    assert m.Child.objects.get().date_of_birth == D(2012, 5, 1)


def test_unknown_columns_are_listed_as_warnings_and_ignored():
    result = _import("children.csv", _csv([["child_id", "favourite_colour"], ["C1", "blue"]]))

    assert result.ok
    assert result.warnings == ['children.csv: these columns are not imported: "favourite_colour".']


# The own format in full --------------------------------------------------------------------------


def test_an_own_format_workbook_imports_its_sheets_in_dependency_order():
    content = _xlsx(
        {
            "S47 enquiries": [
                ["child_id", "start_date", "strategy_discussion_id", "end_date", "consent", "team", "worker"],
                [
                    "C1",
                    datetime.date(2014, 3, 3),
                    "SD1",
                    datetime.date(2014, 3, 24),
                    "Sought and given",
                    "N",
                    "W1",
                ],
            ],
            "strategy_discussions": [
                ["discussion_id", "child_id", "date", "police_attended", "health_attended"],
                ["SD1", "C1", "03/03/2014", "Y", "N"],
            ],
            "children": [["child_id", "gender"], ["C1", "F"]],
            "Notes": [["Anything at all"], ["here"]],
        }
    )

    result = _import("extract.xlsx", content)

    assert result.ok, result.errors
    enquiry = m.S47Enquiry.objects.select_related("strategy_discussion", "child").get()
    assert enquiry.strategy_discussion is not None
    assert enquiry.strategy_discussion.discussion_id == "SD1"
    assert enquiry.strategy_discussion.police_attended and not enquiry.strategy_discussion.health_attended
    assert (enquiry.consent, enquiry.child.gender, enquiry.completed_within_target) == (
        "given",
        "female",
        True,
    )
    assert enquiry.worker is not None and enquiry.worker.team == enquiry.team
    assert result.warnings == ['Sheet "Notes" was not imported: its name and columns match no record type.']


def test_each_record_type_of_the_own_format_is_written_with_its_fields():
    cases_import_files(files=_examples(OWN_FORMAT_EXAMPLES), user=None)

    referral = m.Referral.objects.get(referral_id="EXR02")
    assert (referral.source, referral.acknowledgement_date, referral.acknowledgement_method) == (
        "police",
        D(2024, 3, 11),
        "letter",
    )
    plan = m.CPPlan.objects.get(plan_id="EXCP02")
    assert (plan.child.child_id, plan.end_date, plan.category) == ("EX0008", D(2023, 11, 20), "emotional")
    episode = m.LookedAfterEpisode.objects.get(episode_id="EXLA01")
    assert (episode.legal_status, episode.end_date) == ("V2", None)
    enquiry = m.S47Enquiry.objects.get(enquiry_id="EXS47-03")
    assert enquiry.oversight_manager is not None
    assert enquiry.consent_recorded and enquiry.oversight_manager.code == "Example Manager 1"
    assert (enquiry.icpc_date, enquiry.icpc_cp_plan, enquiry.icpc_within_target) == (
        D(2024, 4, 8),
        True,
        True,
    )


def test_a_changed_value_updates_the_stored_record_and_keeps_its_history():
    user = UserFactory.create(username="importer")
    header = ["child_id", "start_date", "end_date", "consent"]
    _import("children.csv", _csv([["child_id"], ["C1"]]))
    _import("s47_enquiries.csv", _csv([header, ["C1", "03/03/2014", "", ""]]))

    result = _import(
        "s47_enquiries.csv", _csv([header, ["C1", "03/03/2014", "24/03/2014", "given"]]), user=user
    )

    assert (result.total("created"), result.total("updated"), result.total("unchanged")) == (0, 1, 0)
    enquiry = m.S47Enquiry.objects.get()
    assert (enquiry.end_date, enquiry.consent) == (D(2014, 3, 24), "given")
    latest = enquiry.history.first()
    assert (latest.history_user, latest.history_change_reason) == (user, "Imported from s47_enquiries.csv")


def test_columns_left_out_of_a_file_leave_stored_values_alone():
    child = ChildFactory.create(child_id="C1", name="Example Child", gender="female")

    result = _import("children.csv", _csv([["child_id", "date_of_birth"], ["C1", "01/01/2013"]]))

    child.refresh_from_db()
    assert (child.name, child.gender, child.date_of_birth) == ("Example Child", "female", D(2013, 1, 1))
    assert result.counts["children"].updated == 1


def test_an_annex_a_row_matches_a_stored_enquiry_on_child_and_start_date():
    enquiry = S47EnquiryFactory.create(child__child_id="C100", start_date=D(2014, 3, 3), consent="given")

    result = _import("list5.csv", _annex_csv(_annex_row()))

    assert result.counts["s47_enquiries"].updated == 1
    enquiry.refresh_from_db()
    assert (enquiry.icpc_date, enquiry.consent, m.S47Enquiry.objects.count()) == (D(2014, 3, 20), "given", 1)


def test_references_resolve_to_stored_rows_by_code():
    TeamFactory.create(code="N", name="North team")
    discussion = StrategyDiscussionFactory.create(discussion_id="SD9", child__child_id="C9")
    content = _csv(
        [["child_id", "start_date", "strategy_discussion_id", "team"], ["C9", "03/03/2014", "SD9", "N"]]
    )

    assert _import("s47_enquiries.csv", content).ok
    enquiry = m.S47Enquiry.objects.get()
    assert enquiry.team is not None
    assert (enquiry.strategy_discussion, enquiry.team.name) == (discussion, "North team")
    assert m.Team.objects.count() == 1


def test_the_import_is_recorded_as_one_batch():
    user = UserFactory.create(username="importer")
    content = (EXAMPLES / "annex_a_list5.csv").read_bytes()

    result = _import("annex_a_list5.csv", content, user=user)

    batch = m.ImportBatch.objects.get()
    assert batch == result.batch
    assert (batch.file_name, batch.file_format, batch.status, batch.imported_by) == (
        "annex_a_list5.csv",
        "Annex A List 5 (CSV)",
        "imported",
        user,
    )
    assert (batch.rows, batch.created, batch.updated, batch.unchanged, len(batch.sha256)) == (5, 9, 0, 0, 64)


# The preview -------------------------------------------------------------------------------------


def test_the_preview_counts_what_would_change_and_writes_nothing():
    ChildFactory.create(child_id="EX0101", gender="male")
    content = (EXAMPLES / "annex_a_list5.csv").read_bytes()

    result = cases_import_preview(file_name="annex_a_list5.csv", content=content)

    assert result.ok
    assert (result.counts["children"].created, result.counts["children"].updated) == (3, 1)
    assert result.counts["s47_enquiries"].created == 5
    assert m.S47Enquiry.objects.count() == 0 and m.ImportBatch.objects.count() == 0
    sample = result.samples[0]
    assert sample.columns[0] == "Child Unique ID" and len(sample.rows) == 5
    assert sample.rows[0] == (
        2,
        [
            "EX0101",
            "Female",
            "White British",
            "02/03/2014",
            "No",
            "08/01/2024",
            "Yes",
            "",
            "",
            "Example Duty Team",
            "Example Worker 5",
        ],
    )


def test_the_preview_shows_at_most_twenty_rows():
    content = _csv([["child_id"]] + [[f"C{n}"] for n in range(30)])

    result = cases_import_preview(file_name="children.csv", content=content)

    assert len(result.samples[0].rows) == 20
    assert result.counts["children"].created == 30


# The command -------------------------------------------------------------------------------------


def test_the_command_imports_files_and_prints_counts_per_record_type(capsys):
    call_command("import_cases", *(str(EXAMPLES / name) for name in GOOD_EXAMPLES))

    out = capsys.readouterr().out
    assert "S47 enquiries: 15 created, 0 updated, 0 unchanged" in out
    assert "Children: 12 created, 0 updated, 0 unchanged" in out
    assert m.S47Enquiry.objects.count() == 15


def test_the_command_dry_run_writes_nothing(capsys):
    call_command("import_cases", str(EXAMPLES / "annex_a_list5.csv"), "--dry-run")

    assert "S47 enquiries: 5 created" in capsys.readouterr().out
    _assert_nothing_written()


def test_the_command_prints_every_error_and_fails_with_nothing_written(capsys):
    files = [str(EXAMPLES / name) for name in ("children.csv", "bad/bad_rows.csv")]

    with pytest.raises(CommandError, match="7 problem"):
        call_command("import_cases", *files)

    err = capsys.readouterr().err
    assert 'bad_rows.csv: row 2, column "start_date": "31/02/2024" is not a real date.' in err
    assert 'bad_rows.csv: row 9, column "start_date": Duplicate child_id and start_date' in err
    _assert_nothing_written()


def test_the_command_refuses_a_file_it_cannot_open():
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_cases", "/nonexistent/extract.csv")


def test_an_annex_a_workbook_opens_only_its_list_5_sheet_and_an_own_format_one_every_sheet():
    assert sheets_to_read(["List 1", "List 5", "Notes"]) == {"List 5"}
    assert sheets_to_read(["LIST_05"]) == {"LIST_05"}
    assert sheets_to_read(["children", "S47 enquiries", "Notes"]) == {"children", "S47 enquiries", "Notes"}


CHILD_HEADER = ["child_id", "name", "date_of_birth", "gender", "ethnicity", "disability"]


def test_imported_children_get_the_name_guards_keys_and_a_rename_refreshes_them():
    _import(
        "children.csv",
        _csv([CHILD_HEADER, ["EX-0001", "Gillian Bradshaw", "14/02/2012", "Female", "WBRI", "No"]]),
    )
    child = m.Child.objects.get()
    assert (child.name_pair, child.name_word_count, child.child_id_key) == ("bradshaw gillian", 2, "ex0001")

    _import(
        "children.csv",
        _csv([CHILD_HEADER, ["EX-0001", "Zoë Ångström", "14/02/2012", "Female", "WBRI", "No"]]),
    )
    child.refresh_from_db()
    assert (child.name_words, child.keyed_name) == ("zoe angstrom", "Zoë Ångström")
