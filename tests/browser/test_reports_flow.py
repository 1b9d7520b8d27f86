"""A report officer builds a scrutiny panel report on an audit, edits a narrative, previews it, generates
the PDF (Celery runs in-process in the tests) and downloads it; axe-core on every page."""

import datetime

import pytest
from playwright.sync_api import expect

from common import roles
from reporting import services
from tests.browser_fixtures import fill_date, log_in
from tests.factories import ChildFactory, UserFactory
from tests.reporting.report_data import known_audit, known_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_report_officer_builds_previews_and_downloads_a_report(
    live_server, page, assert_accessible, settings, tmp_path
):
    settings.REPORTS_ROOT = tmp_path / "reports"
    officer = UserFactory.create(username="officer-browser", roles=[roles.REPORT_OFFICER])
    audit = known_audit()
    known_plan(audit, officer)

    log_in(page, live_server, "officer-browser")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Reports").click()
    assert_accessible(page)
    page.get_by_role("button", name="Create a panel report").click()
    assert_accessible(page)
    page.get_by_label("Scrutiny panel audit report").check()
    page.get_by_label("Title").fill("Domestic abuse audit: outcome")
    page.get_by_label("Report for (meeting)").fill("CYPS Scrutiny Panel")
    fill_date(page, "Meeting date", "27/02/2014")
    page.get_by_label("Item number").fill("7")
    page.get_by_label("Authorised by").fill("Director of Children's Services")
    page.get_by_label("Lead officer").fill("Principal Social Worker")
    fill_date(page, "Figures from", "01/01/2014")
    fill_date(page, "Figures to", "28/02/2014")
    page.get_by_role("button", name="Create report").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Choose what the report draws on"
    assert_accessible(page)
    page.get_by_label("Domestic abuse audit (Domestic abuse v1, Complete)").check()
    page.get_by_label("Domestic abuse action plan").check()
    page.get_by_role("button", name="Save selections").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Domestic abuse audit: outcome"
    assert_accessible(page)
    page.get_by_role("link", name="Edit Recommendations").click()
    assert_accessible(page)
    page.get_by_label("Recommendations").fill("Members are asked to note the audit and the actions taken.")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("Members are asked to note the audit and the actions taken.").is_visible()

    page.get_by_role("link", name="Preview the report").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Domestic abuse audit: outcome"
    assert page.get_by_text("Members are asked to note the audit and the actions taken.").is_visible()
    assert page.get_by_role("cell", name="72% (13 of 18)").first.is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Back to the report").click()

    page.get_by_role("button", name="Generate PDF").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Version 1"
    assert page.get_by_text("Done", exact=True).is_visible()
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the PDF").click()
    download = download_info.value
    assert download.suggested_filename == "panel-report-2014-02-27-v1.pdf"
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"


def test_the_version_page_updates_itself_while_the_pdf_is_made(live_server, page, settings, tmp_path):
    """No worker here: the version stays queued until the test renders it, and the page, polling with
    htmx, shows the download link without a reload."""
    settings.REPORTS_ROOT = tmp_path / "reports"
    officer = UserFactory.create(username="officer-polling", roles=[roles.REPORT_OFFICER])
    report = services.panel_report_create(
        user=officer, report_type="quality_assurance", title="QA report", meeting_name="Committee",
        meeting_date=datetime.date(2014, 3, 6), period_start=datetime.date(2014, 1, 1),
        period_end=datetime.date(2014, 2, 28),
    )  # fmt: skip
    version = services.report_version_request(report=report, user=officer)  # not enqueued: rendered below

    log_in(page, live_server, "officer-polling")
    page.goto(f"{live_server.url}/reports/versions/{version.uuid}/")
    expect(page.locator("#version-live")).to_contain_text("Queued: 0%")
    services.report_version_render(version_id=version.pk)
    expect(page.get_by_role("link", name="Download the PDF")).to_be_visible(timeout=15_000)
    expect(page.locator("#version-live")).to_contain_text("the PDF is ready to download")
    assert page.locator("#version-status[hx-trigger]").count() == 0  # polling stopped


def test_a_panel_member_reads_the_issued_header_and_is_told_why_a_download_is_refused(
    live_server, page, assert_accessible, settings, tmp_path
):
    settings.REPORTS_ROOT = tmp_path / "reports"
    officer = UserFactory.create(username="officer-issuing", roles=[roles.REPORT_OFFICER])
    UserFactory.create(username="panel-reading", roles=[roles.PANEL_MEMBER])
    report = services.panel_report_create(
        user=officer, report_type="quality_assurance", title="QA report as issued", meeting_name="Committee",
        meeting_date=datetime.date(2014, 3, 6), authorised_by="Director of Children's Services",
        period_start=datetime.date(2014, 1, 1), period_end=datetime.date(2014, 2, 28),
    )  # fmt: skip
    version = services.report_version_request(report=report, user=officer)  # not enqueued: rendered below
    services.report_version_render(version_id=version.pk)
    version.refresh_from_db()
    services.report_version_issue(version=version, user=officer)
    services.panel_report_update(
        report=version.report, user=officer, title="Draft title", authorised_by="New name"
    )
    ChildFactory.create(name="Director Services")  # a child named after the words of the issued header

    log_in(page, live_server, "panel-reading")
    page.goto(f"{live_server.url}/reports/")
    expect(page.get_by_role("link", name="QA report as issued")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="QA report as issued").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("QA report as issued")
    expect(page.get_by_text("Director of Children's Services")).to_be_visible()
    assert page.get_by_text("New name").count() == 0 and page.get_by_text("Draft title").count() == 0
    expect(page.locator("strong.govuk-tag", has_text="Issued")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Version 1", exact=True).click()
    page.get_by_role("link", name="Download the PDF").click()
    expect(page.get_by_text("This version cannot be downloaded")).to_be_visible()
    expect(page.get_by_text("the header: authorised by")).to_be_visible()
    assert_accessible(page)
