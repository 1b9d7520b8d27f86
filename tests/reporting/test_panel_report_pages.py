"""The panel report pages as a report officer sees them: styled date inputs, the preview and generate
buttons on one line, tables that scroll on a phone, and a measure's heading kept with its chart."""

import re

import pytest
from django.urls import reverse

from reporting.models import PanelReport
from tests.reporting.report_data import known_report

pytestmark = pytest.mark.django_db


def input_classes(page: str, name: str) -> list[str]:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    assert tag is not None, name
    classes = re.search(r'class="([^"]*)"', tag.group(0))
    assert classes is not None, tag.group(0)
    return classes.group(1).split()


@pytest.mark.parametrize("url_name", ["reporting-report-new", "reporting-report-edit"])
def test_the_header_forms_dates_are_govuk_date_inputs(client, report_officer, url_name):
    """Each date is GOV.UK's date input: a fieldset with a labelled box each for the day, month and year."""
    client.force_login(report_officer)
    args = [] if url_name == "reporting-report-new" else [known_report(report_officer).report.uuid]
    page = client.get(reverse(url_name, args=args)).content.decode()
    for name in ("meeting_date", "period_start", "period_end"):
        assert f'<div class="govuk-date-input" id="id_{name}">' in page, name
        for part, width in (("0", 2), ("1", 2), ("2", 4)):
            assert {"govuk-input", "govuk-date-input__input", f"govuk-input--width-{width}"} <= set(
                input_classes(page, f"{name}_{part}")
            ), name


def test_a_date_in_error_marks_its_boxes_and_the_summary_links_to_the_first(client, report_officer):
    client.force_login(report_officer)
    data = {"meeting_date_0": "31", "meeting_date_1": "2", "meeting_date_2": "2014"}
    page = client.post(reverse("reporting-report-new"), data).content.decode()
    assert '<a href="#id_meeting_date_0">Meeting date must be a real date</a>' in page
    assert {"govuk-input", "govuk-input--error"} <= set(input_classes(page, "meeting_date_0"))  # 31 February
    assert "govuk-input--error" not in input_classes(page, "meeting_date_1")
    page = client.post(reverse("reporting-report-new"), {"meeting_date_0": "31"}).content.decode()
    assert '<a href="#id_meeting_date_1">Meeting date must include a month and year</a>' in page
    assert "govuk-input--error" not in input_classes(page, "meeting_date_0")


def test_preview_and_generate_sit_in_one_button_group(client, report_officer):
    report = known_report(report_officer).report
    client.force_login(report_officer)
    page = client.get(reverse("reporting-report", args=[report.uuid])).content.decode()
    group = re.search(r'<form[^>]*class="govuk-button-group"[^>]*>(.*?)</form>', page, re.S)
    assert group and reverse("reporting-report-generate", args=[report.uuid]) in group.group(0)
    assert "Preview the report" in group.group(1) and "Generate PDF" in group.group(1)


def test_a_manager_gets_the_preview_without_the_generate_button(client, manager, report_officer):
    report = known_report(report_officer).report
    client.force_login(manager)
    page = client.get(reverse("reporting-report", args=[report.uuid])).content.decode()
    assert "Preview the report" in page and "Generate PDF" not in page


def test_the_report_list_table_scrolls_on_a_narrow_screen(client, report_officer):
    known_report(report_officer)
    client.force_login(report_officer)
    page = client.get(reverse("reporting-reports")).content.decode()
    assert re.search(r'<div class="app-table-scroll">\s*<table', page)


def test_a_measures_heading_stays_with_its_chart(client, report_officer):
    """In the PDF the heading and definition were left at the foot of a page, the chart on the next."""
    report = known_report(report_officer, report_type=PanelReport.Type.QUALITY_ASSURANCE).report
    client.force_login(report_officer)
    page = client.get(reverse("reporting-report-preview", args=[report.uuid])).content.decode()
    assert "Children on plans and looked after" in page
    kept = re.findall(r'<div class="report-keep">(.*?)</div>\s*</div>', page, re.S)
    assert kept and all("<h3>" in block and 'class="report-chart"' in block for block in kept)


def test_a_sections_page_asks_one_question_under_one_heading(client, report_officer):
    """The heading and the field's label both said the section's title; the label is now the heading."""
    report = known_report(report_officer).report
    client.force_login(report_officer)
    page = client.get(reverse("reporting-report-section", args=[report.uuid, "issue"])).content.decode()
    assert len(re.findall(r"<h1", page)) == 1
    h1 = re.search(r"<h1.*?</h1>", page, re.S)
    assert h1 is not None
    heading = h1.group(0)
    assert '<label for="id_text"' in heading and "Describe the issue under consideration" in heading
