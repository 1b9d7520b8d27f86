from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from demo.report import DEMO_REPORT_TITLE
from reporting.models import PanelReport

pytestmark = pytest.mark.django_db


def test_load_demo_creates_one_draft_qa_report_and_no_second_one(settings, client):
    settings.DEBUG = True
    call_command("load_demo", "--children", "60", stdout=StringIO())
    report = PanelReport.objects.get()
    assert report.title == DEMO_REPORT_TITLE
    assert report.report_type == PanelReport.Type.QUALITY_ASSURANCE and report.status == "draft"
    assert report.created_by is not None and report.created_by.username == "report-officer"
    assert report.audits.count() == 1 and "children_on_cp_plans" in report.metrics
    assert report.sections.count() == 6

    call_command("load_demo", "--children", "60", stdout=StringIO())
    assert PanelReport.objects.count() == 1

    # Its audit is still being scored, but four of its cases are moderated (demo.feedback): the preview
    # shows their results, and none of the feedback to their workers.
    client.force_login(report.created_by)
    preview = client.get(reverse("reporting-report-preview", args=[report.uuid])).content.decode()
    assert "No results yet" not in preview and "Requires improvement to be good" in preview
    assert "Management oversight was given in supervision" not in preview
    # Actions from previous meetings: the demo audit's action plan, issue by issue.
    assert [plan.audit for plan in report.action_plans.all()] == list(report.audits.all())
    assert "Consent element needs to be mandatory in the workflow" in preview
