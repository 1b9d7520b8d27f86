"""Which fields a record's sources held: an import holds the fields its file has columns for."""

import csv
import datetime
import io
from pathlib import Path

import pytest

from cases import models as m
from cases import standards
from cases.importing import ExtractFile, cases_import, cases_import_files
from tests.factories import ChildFactory, S47EnquiryFactory, StrategyDiscussionFactory

pytestmark = pytest.mark.django_db

D = datetime.date
EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
LIST_5 = (EXAMPLES / "annex_a_list5.csv").read_bytes()
MEASURED = {
    "end_date",
    "consent",
    "consent_manager_decision",
    "chronology_on_file",
    "management_oversight_date",
}


def _csv(rows: list[list]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode()


def _import(name: str, content: bytes):
    result = cases_import(file_name=name, content=content, user=None)
    assert result.ok, result.errors
    return result


def _own_extract(child_id: str, start: str, **columns) -> bytes:
    header = ["child_id", "start_date", *columns]
    return _csv([header, [child_id, start, *columns.values()]])


def test_an_annex_a_list_5_enquiry_holds_its_icpc_but_not_its_end_date_consent_chronology_or_oversight():
    _import("annex_a_list5.csv", LIST_5)

    enquiry = m.S47Enquiry.objects.get(child__child_id="EX0101", start_date=D(2024, 6, 17))
    assert set(enquiry.unknown_field_names) >= MEASURED
    assert enquiry.holds("icpc_date")
    assert not enquiry.holds("end_date")
    assert not enquiry.holds("consent")


def test_an_own_format_file_holds_its_columns_even_where_a_cell_is_blank():
    """A blank consent cell is "not recorded" (a failure); no consent column at all is unknown."""
    ChildFactory.create(child_id="C1")
    _import("s47_enquiries.csv", _own_extract("C1", "03/03/2014", end_date="", consent=""))

    enquiry = m.S47Enquiry.objects.get()
    assert enquiry.holds("end_date", "consent")
    assert not enquiry.holds("chronology_on_file")
    assert not enquiry.holds("management_oversight_date")


def test_the_councils_own_extract_later_completes_an_annex_a_enquiry():
    _import("annex_a_list5.csv", LIST_5)
    extract = _own_extract(
        "EX0101",
        "17/06/2024",
        end_date="",
        consent="",
        consent_manager_decision="",
        consent_not_sought_reason="",
        chronology_on_file="",
        management_oversight_date="",
    )

    result = _import("s47_enquiries.csv", extract)

    # Only what the record holds changes (the cells are the values it has): that is still an update.
    assert result.counts["s47_enquiries"].updated == 1
    enquiry = m.S47Enquiry.objects.get(child__child_id="EX0101", start_date=D(2024, 6, 17))
    assert enquiry.holds("end_date", "consent", "chronology_on_file", "management_oversight_date")
    assert not enquiry.holds("consent_date")  # the extract had no column for it
    assert enquiry.history.first().history_change_reason == "Imported from s47_enquiries.csv"


def test_a_later_list_5_import_leaves_what_the_councils_extract_held_known():
    files = [
        ExtractFile(n, (EXAMPLES / n).read_bytes()) for n in ("children.csv", "strategy_discussions.csv")
    ]
    files.append(ExtractFile("s47_enquiries.csv", (EXAMPLES / "s47_enquiries.csv").read_bytes()))
    assert cases_import_files(files=files, user=None).ok
    enquiry = m.S47Enquiry.objects.get(enquiry_id="EXS47-01")
    assert enquiry.unknown_fields == 0
    list_5 = "Child Unique ID,Strategy discussion initiating Section 47 Enquiry Start Date\r\nEX0001,04/03/2024\r\n"

    _import("list5.csv", list_5.encode())

    enquiry.refresh_from_db()
    assert enquiry.unknown_fields == 0


def test_records_made_outside_an_import_hold_every_field():
    enquiry = S47EnquiryFactory.create()
    discussion = StrategyDiscussionFactory.create()

    assert enquiry.unknown_fields == 0
    assert enquiry.holds(*m.S47Enquiry.SOURCE_FIELDS)
    assert discussion.holds("police_attended")


def test_a_strategy_discussion_file_without_attendance_columns_holds_no_attendance():
    _import("children.csv", _csv([["child_id"], ["C1"]]))
    _import(
        "strategy_discussions.csv", _csv([["discussion_id", "child_id", "date"], ["SD1", "C1", "03/03/2014"]])
    )

    discussion = m.StrategyDiscussion.objects.get()
    assert not discussion.holds("police_attended")
    assert not m.StrategyDiscussion.objects.filter(
        standards.SOURCE_NEEDS[standards.MetricKey.STRATEGY_AGENCIES].condition
    ).exists()


def test_the_database_expression_and_the_model_agree_on_what_a_record_holds():
    held = S47EnquiryFactory.create(start_date=D(2014, 3, 3))
    unknown = S47EnquiryFactory.create(
        start_date=D(2014, 3, 3), unknown_fields=m.S47Enquiry.source_mask(["end_date", "consent"])
    )

    found = set(m.S47Enquiry.objects.filter(standards.holds(m.S47Enquiry, "consent")))

    assert found == {held}
    assert (held.holds("consent"), unknown.holds("consent"), unknown.holds("icpc_date")) == (
        True,
        False,
        True,
    )


@pytest.mark.parametrize("query", [{"consent": "missed"}, {"status": "open"}, {"status": "overdue"}])
def test_the_case_list_shows_an_annex_a_enquiry_neither_as_not_met_nor_as_open(query):
    from cases.filters import S47EnquiryFilter

    _import("annex_a_list5.csv", LIST_5)
    own = S47EnquiryFactory.create(start_date=D(2014, 3, 3))  # consent not recorded, open, long overdue

    assert list(S47EnquiryFilter(query, queryset=m.S47Enquiry.objects.all()).qs) == [own]


# The import preview ------------------------------------------------------------------------------


def test_the_preview_of_list_5_names_the_measures_it_cannot_feed(client, manager, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    settings.MEDIA_ROOT = tmp_path
    client.force_login(manager)
    upload = client.post(reverse("cases-import"), {"file": SimpleUploadedFile("annex_a_list5.csv", LIST_5)})

    preview = client.get(upload.url)

    unfed = [measure.name for measure in preview.context["result"].unfed_measures]
    assert unfed == [
        "S47 enquiries completed within 15 working days",
        "Consent decision recorded",
        "Chronology on file",
        "Management oversight recorded",
    ]
    page = preview.content.decode()
    assert "Measures this file cannot feed" in page
    assert (
        "Consent decision recorded: the file does not hold the consent decision for its S47 enquiries" in page
    )


def test_the_preview_of_a_full_own_format_extract_names_no_measure():
    from cases.importing import cases_import_preview_files

    names = ["children.csv", "referrals.csv", "strategy_discussions.csv", "s47_enquiries.csv"]
    files = [ExtractFile(name, (EXAMPLES / name).read_bytes()) for name in names]

    result = cases_import_preview_files(files=files)

    assert result.ok, result.errors
    assert result.unfed_measures == []


# The case pages and the API ----------------------------------------------------------------------


def test_the_case_list_and_child_page_show_a_list_5_enquiry_as_unknown_not_as_failing(client, manager):
    from django.urls import reverse

    _import("annex_a_list5.csv", LIST_5)
    client.force_login(manager)

    listed = client.get(reverse("cases-s47-list")).content.decode()
    child = m.Child.objects.get(child_id="EX0104")
    detail = client.get(reverse("cases-child-detail", args=[child.uuid])).content.decode()

    for page in (listed, detail):
        assert "Unknown (not in its source)" in page
        assert "Open, overdue" not in page
        assert "govuk-tag--red" not in page  # neither "Not met" nor "Open, overdue"


def test_the_api_names_the_fields_a_list_5_enquiry_does_not_hold(client, manager):
    from django.urls import reverse

    _import("annex_a_list5.csv", LIST_5)
    enquiry = m.S47Enquiry.objects.get(child__child_id="EX0104")
    client.force_login(manager)

    body = client.get(reverse("api-s47-enquiry-detail", args=[enquiry.uuid])).json()

    assert {"end_date", "consent", "chronology_on_file", "management_oversight_date"} <= set(
        body["fields_not_held"]
    )
    assert "icpc_date" not in body["fields_not_held"]
    assert (body["consent_recorded"], body["management_oversight_recorded"]) == (None, None)


def test_the_preview_names_a_referrals_file_without_acknowledgements():
    from cases.importing import cases_import_preview_files

    ChildFactory.create(child_id="C1")
    content = _csv([["referral_id", "child_id", "received_date"], ["R1", "C1", "03/03/2014"]])

    result = cases_import_preview_files(files=[ExtractFile("referrals.csv", content)])

    assert [str(measure) for measure in result.unfed_measures] == [
        "Referrer acknowledged: the file does not hold the acknowledgement for its referrals"
    ]
