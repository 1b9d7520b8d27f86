"""A report type offers only the measures its template shows: the selections form, the frozen content and
the rendered report agree for every report type (a scrutiny panel report once took measures and
silently left them out of its PDF)."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from cases.standards import MetricKey
from metrics import measures
from reporting.content import measures_content, report_content
from reporting.forms import ReportSelectionsForm
from reporting.models import PanelReport
from reporting.render import report_html
from reporting.sections import measures_shown
from tests.reporting.report_data import known_report

TODAY = datetime.date(2014, 3, 3)
# How the templates show each measure (reporting/templates/reporting/reports/measures.html): a percentage
# measure as a table captioned "<name>, by month", a count as a column of the counts table, and the
# leaving-care count as a sentence.
MARKERS = {
    **{m.key: f"<caption>{m.name}, by month</caption>" for m in measures.METRICS},
    **{m.key: f'<th scope="col" class="report-numeric">{m.name}</th>' for m in measures.COUNT_MEASURES},
    MetricKey.TURNING_18_LOOKED_AFTER: "will cease to be looked after by",
}


def offered(report_type: str) -> set[str]:
    form = ReportSelectionsForm(report_type=report_type)
    field = form.fields.get("metrics")
    return {key for key, _ in field.choices} if field else set()  # type: ignore[attr-defined]


def rendered_measures(report: PanelReport) -> set[str]:
    """The measures the type's template shows when handed every measure, bypassing the form and the
    content's own filter: what the template can show, whatever the selections say."""
    content = report_content(
        report, version_number=1, generated_at=timezone.now(), generated_by="x", today=TODAY
    )
    content["measures"] = measures_content(
        list(MetricKey), report.period_start, report.period_end, today=TODAY
    )
    html = report_html(content)
    return {key for key, marker in MARKERS.items() if marker in html}


@pytest.mark.parametrize("report_type", PanelReport.Type.values)
def test_the_form_offers_exactly_the_measures_the_report_shows(report_type: str, report_officer: User):
    report = known_report(report_officer, report_type=report_type).report
    assert offered(report_type) == rendered_measures(report) == set(measures_shown(report_type))


def test_the_scrutiny_report_offers_no_measure_and_the_qa_report_all_of_them():
    assert offered(PanelReport.Type.SCRUTINY_PANEL) == set()
    assert offered(PanelReport.Type.QUALITY_ASSURANCE) == set(MetricKey.values)


def test_a_measure_the_type_does_not_show_is_refused(report_officer: User):
    form = ReportSelectionsForm(
        {"metrics": ["children_looked_after"]}, report_type=PanelReport.Type.SCRUTINY_PANEL
    )
    assert form.is_valid() and form.cleaned_data["metrics"] == []  # no field: nothing to choose
    report = known_report(report_officer, report_type=PanelReport.Type.QUALITY_ASSURANCE).report
    form = ReportSelectionsForm({"metrics": ["not_a_measure"]}, report_type=report.report_type)
    assert form.errors["metrics"] == ["Select only measures this type of report shows"]


def test_measures_stored_before_on_a_scrutiny_report_are_left_out_of_its_content(report_officer: User):
    """known_report stores two count measures on a scrutiny report, as the form once allowed."""
    report = known_report(report_officer).report
    assert report.metrics
    content = report_content(
        report, version_number=1, generated_at=timezone.now(), generated_by="x", today=TODAY
    )
    assert content["measures"]["counts"] is None and content["measures"]["percent"] == []


def test_the_selections_page_of_a_scrutiny_report_does_not_ask_for_measures(client, report_officer: User):
    report = known_report(report_officer).report
    client.force_login(report_officer)
    page = client.get(reverse("reporting-report-selections", args=[report.uuid])).content.decode()
    assert 'name="audits"' in page and 'name="metrics"' not in page
    response = client.post(
        reverse("reporting-report-selections", args=[report.uuid]), {"metrics": ["children_looked_after"]}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.metrics == []
