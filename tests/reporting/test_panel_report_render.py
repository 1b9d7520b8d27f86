"""The renderer alone, from a frozen content dict (no database): A4 pages numbered "Page X of Y", the
council's name on every page, table headers repeated where a table breaks across pages, charts as SVG
followed by their figures in a table."""

import io

import pypdf
import pytest

from demo.sample_report import synthetic_content
from reporting.render import report_html, report_pdf
from reporting.xlsx import report_xlsx
from tests.reporting.report_data import pdf_text

A4_POINTS = (595, 842)


@pytest.fixture(scope="module")
def rendered():
    return report_pdf(synthetic_content(questions=120, audits=1, plans=1))


def test_pages_are_a4_and_numbered_page_x_of_y_with_the_council_name(rendered):
    reader = pypdf.PdfReader(io.BytesIO(rendered.pdf))
    assert len(reader.pages) == rendered.page_count > 5
    for number, page in enumerate(reader.pages, start=1):
        width, height = (round(float(v)) for v in page.mediabox.upper_right)
        assert (width, height) == A4_POINTS
        text = " ".join(page.extract_text().split())
        assert f"Page {number} of {rendered.page_count}" in text
        assert "Demo Borough Council" in text


def test_a_long_table_repeats_its_header_row_on_each_page(rendered):
    reader = pypdf.PdfReader(io.BytesIO(rendered.pdf))
    header = "Question Result Yes Partly No N/A Not asked"
    pages_with_header = [
        n for n, page in enumerate(reader.pages) if header in " ".join(page.extract_text().split())
    ]
    assert len(pages_with_header) >= 3  # the 120-row appendix spans several pages, each with the header


def test_each_chart_is_svg_with_a_title_and_its_figures_in_a_table():
    html = report_html(synthetic_content(questions=20, audits=1, plans=1))
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 3  # counts, and two measures
    assert '<title id="report-chart-counts-title">' in html
    assert (
        "<caption>Children on child protection plans and Looked-after children, on the first of each month</caption>"
        in html
    )
    assert "<caption>Chronology on file, by month</caption>" in html
    assert 'style="' not in html and "<script" not in html


@pytest.mark.slow
def test_the_same_content_renders_the_same_text():
    content = synthetic_content(questions=20, audits=1, plans=1)
    assert pdf_text(report_pdf(content).pdf) == pdf_text(report_pdf(content).pdf)


def test_the_workbook_renders_from_the_content_alone():
    workbook_bytes = report_xlsx(synthetic_content(questions=20, audits=1, plans=1))
    assert workbook_bytes[:2] == b"PK"
