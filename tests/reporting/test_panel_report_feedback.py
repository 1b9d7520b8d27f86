"""A panel report never carries practitioners' feedback: no worker's name, no response comment and no child
ID reaches its content, its HTML or its PDF, though every case of its audit has feedback with a response."""

import datetime

import pytest
from django.utils import timezone

from audits.models import CaseAudit, Feedback, FeedbackResponse
from cases.models import Child
from reporting import services
from reporting.models import PanelReport, ReportVersion
from reporting.render import report_html
from tests.factories import WorkerFactory
from tests.reporting.report_data import known_report, pdf_text
from tests.reporting.test_panel_report_pdf import generate

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

WORKER_NAMES = ["Ottoline Bramblewick", "Peregrine Haverstock"]
COMMENTS = {
    "agree": "",
    "partly": "The chronology sits in the legacy system, quokka",
    "disagree": "Management oversight was recorded on paper, wombat",
}


@pytest.fixture(autouse=True)
def reports_root(settings, tmp_path):
    settings.REPORTS_ROOT = tmp_path / "reports"


def feedback_on_every_case(audit) -> None:
    workers = [WorkerFactory.create(name=name) for name in WORKER_NAMES]
    answers = list(COMMENTS)
    now = timezone.now()
    for number, case_audit in enumerate(CaseAudit.objects.filter(audit=audit).order_by("pk")):
        worker = workers[number % 2]
        feedback = Feedback.objects.create(
            case_audit=case_audit,
            worker=worker,
            manager=workers[(number + 1) % 2],
            sent_at=now,
            respond_by=datetime.date(2014, 3, 14),
            remind_on=datetime.date(2014, 3, 12),
        )
        answer = answers[number % 3]
        FeedbackResponse.objects.create(
            feedback=feedback, answer=answer, comment=COMMENTS[answer], responded_at=now
        )


@pytest.mark.parametrize("report_type", [PanelReport.Type.QUALITY_ASSURANCE, PanelReport.Type.SCRUTINY_PANEL])
def test_no_worker_name_response_or_child_id_from_feedback_reaches_a_panel_report(
    report_officer, django_capture_on_commit_callbacks, report_type
):
    data = known_report(report_officer, report_type=report_type)
    feedback_on_every_case(data.audit)
    assert FeedbackResponse.objects.count() == CaseAudit.objects.filter(audit=data.audit).count() > 0
    version = generate(data.report, report_officer, django_capture_on_commit_callbacks)
    assert version.status == ReportVersion.Status.DONE, version.error
    assert version.data is not None
    outputs = {
        "pdf": pdf_text(services.report_version_pdf(version)),
        "html": report_html(version.data),
        "content": str(version.data),
    }
    assert "Case 1" in outputs["pdf"]  # the report does show its cases, by number
    child_ids = list(Child.objects.values_list("child_id", flat=True))
    for where, output in outputs.items():
        for name in WORKER_NAMES:
            for part in name.split():
                assert part not in output, (where, part)
        for comment in filter(None, COMMENTS.values()):
            assert comment.split(",")[-1].strip() not in output, (where, comment)
        for child_id in child_ids:
            assert child_id not in output, (where, child_id)
        assert "Disagree" not in output and "Partly agree" not in output, where
