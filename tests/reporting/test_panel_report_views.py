"""The panel report pages: building, previewing, generating, issuing and downloading; who may do what."""

import datetime
import io

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from audits.models import Audit
from cases.models import Child
from common.models import AccessLogEntry
from reporting import services, tasks
from reporting.models import PanelReport, ReportSection, ReportVersion
from tests.dates import date_parts
from tests.factories import ChildFactory
from tests.reporting.report_data import CHILD_NAMES, known_report, pdf_text

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2014, 2, 20, 10, 30, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def reports_root(settings, tmp_path):
    settings.REPORTS_ROOT = tmp_path / "reports"


@pytest.fixture
def data(report_officer):
    return known_report(report_officer)


@pytest.fixture
def done_version(data, report_officer, django_capture_on_commit_callbacks) -> ReportVersion:
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        version = services.report_version_request(report=data.report, user=report_officer)
        tasks.report_version_enqueue(version)
    version.refresh_from_db()
    assert version.status == ReportVersion.Status.DONE
    return version


def test_a_report_officer_creates_a_report_with_the_types_default_sections(client, report_officer):
    client.force_login(report_officer)
    response = client.post(
        reverse("reporting-report-new"),
        {
            "report_type": "quality_assurance",
            "title": "Quality Assurance Report",
            "meeting_name": "Corporate Parenting Committee",
            **date_parts("meeting_date", "06/03/2014"),
            "item_number": "5",
            "authorised_by": "Director of Children's Services",
            "lead_officer": "Assistant Director, Quality Assurance",
            "wards_affected": "All",
            "key_decision": "no",
            **date_parts("period_start", "01/01/2014"),
            **date_parts("period_end", "28/02/2014"),
        },
    )
    report = PanelReport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("reporting-report-selections", args=[report.uuid])
    assert report.created_by == report_officer and report.status == PanelReport.Status.DRAFT
    assert report.meeting_date == datetime.date(2014, 3, 6) and report.key_decision is False
    assert list(report.sections.values_list("key", flat=True)) == [
        "issue",
        "audits",
        "multi_agency",
        "inspection",
        "data",
        "previous_actions",
    ]
    assert "how well we know ourselves" in report.sections.get(key="issue").text


def test_a_period_ending_before_it_starts_is_refused(client, report_officer):
    client.force_login(report_officer)
    response = client.post(
        reverse("reporting-report-new"),
        {"report_type": "scrutiny_panel", "title": "T", "meeting_name": "M", **date_parts("meeting_date", "06/03/2014"),
         "wards_affected": "All", "key_decision": "no", **date_parts("period_start", "01/03/2014"), **date_parts("period_end", "01/01/2014")},
    )  # fmt: skip
    assert response.status_code == 200
    assert "The end of the period must be the same as or after its start" in response.content.decode()
    assert not PanelReport.objects.exists()


def test_selections_and_a_narrative_are_saved(client, report_officer, data):
    data.report.report_type = PanelReport.Type.QUALITY_ASSURANCE  # a type that shows measures
    data.report.save()
    client.force_login(report_officer)
    response = client.post(
        reverse("reporting-report-selections", args=[data.report.uuid]),
        {"audits": [str(data.audit.uuid)], "metrics": ["children_looked_after"]},
    )
    assert response.status_code == 302
    data.report.refresh_from_db()
    assert data.report.metrics == ["children_looked_after"]
    assert list(data.report.action_plans.all()) == []
    assert list(data.report.audits.all()) == [data.audit]

    response = client.post(
        reverse("reporting-report-section", args=[data.report.uuid, "recommendations"]),
        {"text": "Members are asked to note the report."},
    )
    assert response.status_code == 302
    section = ReportSection.objects.get(report=data.report, key="recommendations")
    assert section.text == "Members are asked to note the report." and section.updated_by == report_officer
    assert client.get(reverse("reporting-report-section", args=[data.report.uuid, "nope"])).status_code == 404


def test_the_preview_shows_the_figures_now_and_names_no_child(client, report_officer, data):
    client.force_login(report_officer)
    response = client.get(reverse("reporting-report-preview", args=[data.report.uuid]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "72% (13 of 18)" in page and "Draft preview" not in page and "draft preview" in page
    assert "Back to the report" in page
    for name in Child.objects.values_list("name", flat=True):
        assert name not in page
    assert 'style="' not in page and "<script" not in page


def test_generate_queues_a_version_and_the_page_shows_it_done(
    client, report_officer, data, django_capture_on_commit_callbacks
):
    client.force_login(report_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reporting-report-generate", args=[data.report.uuid]))
    version = ReportVersion.objects.get()
    assert response.url == reverse("reporting-version", args=[version.uuid])
    assert version.status == ReportVersion.Status.DONE and version.number == 1
    page = client.get(response.url).content.decode()
    assert "Download the PDF" in page and "hx-trigger" not in page


def test_a_version_in_progress_polls_with_htmx_and_the_fragment_answers(client, report_officer, data):
    client.force_login(report_officer)
    version = services.report_version_request(report=data.report, user=report_officer)  # not enqueued
    page = client.get(reverse("reporting-version", args=[version.uuid])).content.decode()
    assert 'hx-trigger="every 2s"' in page and "vendor/htmx/htmx.min.js" in page
    fragment = client.get(reverse("reporting-version", args=[version.uuid]), headers={"HX-Request": "true"})
    body = fragment.content.decode()
    assert 'id="version-status"' in body and "<html" not in body
    assert '<p id="version-live" hx-swap-oob="innerHTML">Queued: 0%.' in body
    ReportVersion.objects.filter(pk=version.pk).update(status="failed", error="Something broke")
    body = client.get(
        reverse("reporting-version", args=[version.uuid]), headers={"HX-Request": "true"}
    ).content
    assert b"Something broke" in body and b"hx-trigger" not in body


def test_the_pdf_download_is_an_attachment_and_logged(client, manager, done_version):
    client.force_login(manager)
    response = client.get(reverse("reporting-version-pdf", args=[done_version.uuid]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="panel-report-2014-02-27-v1.pdf"'
    assert response.content.startswith(b"%PDF")
    assert "72% (13 of 18)" in pdf_text(response.content)
    entry = AccessLogEntry.objects.get()
    assert (entry.username, entry.action, entry.object_ref) == (
        "manager-mo",
        "export",
        str(done_version.uuid),
    )


@pytest.fixture
def qa_data(report_officer):
    return known_report(report_officer, report_type=PanelReport.Type.QUALITY_ASSURANCE)


def test_the_xlsx_has_the_same_tables_and_no_child(
    client, report_officer, qa_data, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        done_version = services.report_version_request(report=qa_data.report, user=report_officer)
        tasks.report_version_enqueue(done_version)
    client.force_login(report_officer)
    response = client.get(reverse("reporting-version-xlsx", args=[done_version.uuid]))
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "Report", "Audit results", "Grades", "Cases", "Agencies", "Measures", "Counts", "Actions",
    ]  # fmt: skip
    results = list(workbook["Audit results"].iter_rows(values_only=True))
    d2 = next(row for row in results if row[2] == "D2")
    assert d2[4:8] == ("72% (13 of 18)", 13, 18, 72)
    counts = list(workbook["Counts"].iter_rows(values_only=True))
    assert counts[1:] == [("Jan 2014", 164, 521), ("Feb 2014", 184, 533)]
    actions = list(workbook["Actions"].iter_rows(values_only=True))
    assert actions[1][1] == "Chronologies need to be in place on all files"
    cells = " ".join(str(v) for ws in workbook for row in ws.iter_rows(values_only=True) for v in row)
    for name in CHILD_NAMES:
        assert name not in cells
    assert "Case 1" in cells


def test_xlsx_text_cells_are_neutralised_against_formulas(
    client, report_officer, data, django_capture_on_commit_callbacks
):
    client.force_login(report_officer)
    data.plan.issues.update(description='=HYPERLINK("http://example.com")')
    with django_capture_on_commit_callbacks(execute=True):
        version = services.report_version_request(report=data.report, user=report_officer)
        tasks.report_version_enqueue(version)
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("reporting-version-xlsx", args=[version.uuid])).content)
    )
    assert list(workbook["Actions"].iter_rows(values_only=True))[1][1] == '\'=HYPERLINK("http://example.com")'


def test_issuing_makes_the_version_readable_by_panel_members_only_then(
    client, report_officer, panel_member, done_version
):
    client.force_login(panel_member)
    assert client.get(reverse("reporting-reports")).content.decode().count(done_version.report.title) == 0
    assert client.get(reverse("reporting-report", args=[done_version.report.uuid])).status_code == 404
    assert client.get(reverse("reporting-version-pdf", args=[done_version.uuid])).status_code == 404

    client.force_login(report_officer)
    response = client.post(reverse("reporting-version-issue", args=[done_version.uuid]))
    assert response.status_code == 302
    done_version.refresh_from_db()
    assert done_version.issued_by == report_officer and done_version.issued_at is not None
    assert done_version.report.status == PanelReport.Status.ISSUED
    issued_at = done_version.issued_at
    client.post(reverse("reporting-version-issue", args=[done_version.uuid]))  # already issued: no change
    done_version.refresh_from_db()
    assert done_version.issued_at == issued_at

    client.force_login(panel_member)
    assert done_version.report.title in client.get(reverse("reporting-reports")).content.decode()
    detail = client.get(reverse("reporting-report", args=[done_version.report.uuid])).content.decode()
    assert "Version 1" in detail and "Narrative" not in detail and "Generate PDF" not in detail
    assert client.get(reverse("reporting-version-pdf", args=[done_version.uuid])).status_code == 200
    # Drafts and what they are made of stay closed to the panel.
    assert client.get(reverse("reporting-report-preview", args=[done_version.report.uuid])).status_code == 403
    assert (
        client.post(reverse("reporting-report-generate", args=[done_version.report.uuid])).status_code == 403
    )
    assert client.get(reverse("cases-s47-list")).status_code == 403
    assert (
        client.get(reverse("audits-results", args=[done_version.report.audits.get().uuid])).status_code == 403
    )


def test_a_panel_member_cannot_read_a_later_draft_version(
    client, report_officer, panel_member, done_version, django_capture_on_commit_callbacks
):
    services.report_version_issue(version=done_version, user=report_officer)
    with django_capture_on_commit_callbacks(execute=True):
        draft = services.report_version_request(report=done_version.report, user=report_officer)
        tasks.report_version_enqueue(draft)
    client.force_login(panel_member)
    detail = client.get(reverse("reporting-report", args=[done_version.report.uuid])).content.decode()
    assert "Version 1" in detail and "Version 2" not in detail
    assert client.get(reverse("reporting-version", args=[draft.uuid])).status_code == 404
    assert client.get(reverse("reporting-version-pdf", args=[draft.uuid])).status_code == 404
    assert client.get(reverse("reporting-version-xlsx", args=[draft.uuid])).status_code == 404


def test_a_manager_reads_drafts_but_cannot_change_them(client, manager, data, done_version):
    client.force_login(manager)
    assert client.get(reverse("reporting-report", args=[data.report.uuid])).status_code == 200
    assert client.get(reverse("reporting-report-preview", args=[data.report.uuid])).status_code == 200
    assert client.post(reverse("reporting-report-generate", args=[data.report.uuid])).status_code == 403
    assert client.post(reverse("reporting-version-issue", args=[done_version.uuid])).status_code == 403
    assert client.get(reverse("reporting-version-issue", args=[done_version.uuid])).status_code == 403
    done_version.refresh_from_db()
    assert not done_version.issued


def test_issuing_asks_for_confirmation_on_get_and_changes_nothing(client, report_officer, done_version):
    client.force_login(report_officer)
    report_page = client.get(reverse("reporting-report", args=[done_version.report.uuid])).content.decode()
    url = reverse("reporting-version-issue", args=[done_version.uuid])
    assert f'<a href="{url}" role="button"' in report_page
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Issuing version 1 of {done_version.report.title} lets panel members read and download it" in page
    assert ">Issue to panel</button>" in page and "Go back</a>" in page
    done_version.refresh_from_db()
    assert not done_version.issued and done_version.report.status != PanelReport.Status.ISSUED


def test_the_version_page_offers_issuing_to_report_officers_until_it_is_issued(
    client, report_officer, manager, done_version
):
    """The home page's "Versions ready to issue" links to the version: checked there, issued from there."""
    version_url = reverse("reporting-version", args=[done_version.uuid])
    issue_link = f'<a href="{reverse("reporting-version-issue", args=[done_version.uuid])}" role="button"'
    client.force_login(report_officer)
    assert issue_link in client.get(version_url).content.decode()
    client.force_login(manager)  # reads drafts, cannot issue them
    assert issue_link not in client.get(version_url).content.decode()
    services.report_version_issue(version=done_version, user=report_officer)
    client.force_login(report_officer)
    assert issue_link not in client.get(version_url).content.decode()


def test_a_version_not_yet_made_cannot_be_issued_or_downloaded(client, report_officer, data):
    version = services.report_version_request(report=data.report, user=report_officer)  # not enqueued
    client.force_login(report_officer)
    client.post(reverse("reporting-version-issue", args=[version.uuid]))
    version.refresh_from_db()
    assert not version.issued
    assert client.get(reverse("reporting-version-pdf", args=[version.uuid])).status_code == 404


def test_wrong_methods_are_refused(client, report_officer, data):
    client.force_login(report_officer)
    assert client.get(reverse("reporting-report-generate", args=[data.report.uuid])).status_code == 405
    assert client.post(reverse("reporting-report-preview", args=[data.report.uuid])).status_code == 405


def test_the_report_list_costs_a_fixed_number_of_queries(
    client, report_officer, data, django_assert_max_num_queries
):
    for n in range(3):
        services.panel_report_create(
            user=report_officer, report_type="scrutiny_panel", title=f"Report {n}", meeting_name="Panel",
            meeting_date=datetime.date(2014, 3, n + 1), period_start=datetime.date(2014, 1, 1),
            period_end=datetime.date(2014, 1, 31),
        )  # fmt: skip
    client.force_login(report_officer)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("reporting-reports")).status_code == 200


def test_the_report_page_costs_a_fixed_number_of_queries(
    client, report_officer, done_version, django_assert_max_num_queries
):
    client.force_login(report_officer)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("reporting-report", args=[done_version.report.uuid]))
    assert response.status_code == 200
    assert "Version 1" in response.content.decode()


def test_a_narrative_naming_a_child_is_refused_when_saved(client, report_officer, data):
    client.force_login(report_officer)
    url = reverse("reporting-report-section", args=[data.report.uuid, "issue"])
    response = client.post(url, {"text": f"Discussed {CHILD_NAMES[0]} at length."})
    page = response.content.decode()
    assert response.status_code == 200
    assert "contains a child&#x27;s name or ID from the case records" in page
    assert ReportSection.objects.get(report=data.report, key="issue").text.startswith("This report sets out")


def test_a_header_naming_a_child_is_refused_when_saved(client, report_officer):
    ChildFactory(name="Gillian Bradshaw")
    client.force_login(report_officer)
    response = client.post(
        reverse("reporting-report-new"),
        {"report_type": "scrutiny_panel", "title": "T", "meeting_name": "M", **date_parts("meeting_date", "06/03/2014"),
         "authorised_by": "BRADSHAW, Gil\u00adlian", "wards_affected": "All", "key_decision": "no",
         **date_parts("period_start", "01/01/2014"), **date_parts("period_end", "31/01/2014")},
    )  # fmt: skip
    assert response.status_code == 200
    assert "contains a child&#x27;s name or ID from the case records" in response.content.decode()
    assert not PanelReport.objects.exists()


def test_a_field_no_one_listed_naming_a_child_stops_the_version(
    report_officer, data, django_capture_on_commit_callbacks
):
    ChildFactory(name="Gillian Bradshaw")
    Audit.objects.filter(pk=data.audit.pk).update(theme="Gillian (known as Gill) Bradshaw")
    with django_capture_on_commit_callbacks(execute=True):
        version = services.report_version_request(report=data.report, user=report_officer)
        tasks.report_version_enqueue(version)
    version.refresh_from_db()
    assert version.status == ReportVersion.Status.FAILED and version.data is None
    assert "audit 1: theme" in version.error and "Bradshaw" not in version.error


def test_a_version_naming_a_child_added_since_it_was_made_cannot_be_issued(
    client, report_officer, done_version
):
    ChildFactory(name="Principal Worker")  # the header's lead officer is "Principal Social Worker"
    client.force_login(report_officer)
    response = client.post(reverse("reporting-version-issue", args=[done_version.uuid]), follow=True)
    page = response.content.decode()
    assert "Version 1 was not issued" in page and "the header: lead officer" in page
    done_version.refresh_from_db()
    assert not done_version.issued and done_version.report.status == PanelReport.Status.DRAFT


@pytest.mark.parametrize("download", ["reporting-version-pdf", "reporting-version-xlsx"])
def test_an_issued_version_naming_a_child_is_not_downloaded(
    client, report_officer, panel_member, done_version, download
):
    services.report_version_issue(version=done_version, user=report_officer)
    ChildFactory(name="Gillian Bradshaw", child_id="DEMOX000001")
    # A version frozen before the guard saw through disguises: Cyrillic "і" and an ID in small letters.
    done_version.data["action_plans"][0]["rows"][0]["actions"][0]["lead"] = (
        "G\u0456llian Bradshaw, demox000001"
    )
    ReportVersion.objects.filter(pk=done_version.pk).update(data=done_version.data)
    client.force_login(panel_member)
    response = client.get(reverse(download, args=[done_version.uuid]))
    assert response.status_code == 302 and response.url == reverse(
        "reporting-version", args=[done_version.uuid]
    )
    page = client.get(response.url).content.decode()
    assert "This version cannot be downloaded" in page and "action plan 1, row 1, action 1: lead" in page
    assert "Bradshaw" not in page
    assert not AccessLogEntry.objects.filter(action=AccessLogEntry.Action.EXPORT).exists()


def test_panel_members_see_the_issued_versions_header_never_the_live_drafts(
    client, report_officer, panel_member, manager, done_version
):
    services.report_version_issue(version=done_version, user=report_officer)
    services.panel_report_update(
        report=done_version.report, user=report_officer, title="Draft title not yet issued",
        authorised_by="Someone new", meeting_name="Another panel",
    )  # fmt: skip
    issued_title = done_version.data["header"]["title"]
    client.force_login(panel_member)
    pages = [
        client.get(reverse("reporting-reports")).content.decode(),
        client.get(reverse("reporting-report", args=[done_version.report.uuid])).content.decode(),
        client.get(reverse("reporting-version", args=[done_version.uuid])).content.decode(),
    ]
    for page in pages:
        assert issued_title in page
        assert "Draft title not yet issued" not in page and "Someone new" not in page
        assert "Another panel" not in page
    assert "CYPS Scrutiny Panel" in pages[0] and "Director of Children&#x27;s Services" in pages[1]

    client.force_login(manager)  # a reader of drafts sees the draft's header on the report page
    detail = client.get(reverse("reporting-report", args=[done_version.report.uuid])).content.decode()
    assert "Draft title not yet issued" in detail and "Someone new" in detail
