"""Panel reports as PDFs: header, sections and figures read back from the PDF; versions frozen and
reproducible; the Celery path; no child named anywhere."""

import datetime
import hashlib
import io

import pypdf
import pytest
import time_machine
from django.utils import timezone
from pypdf.generic import DictionaryObject

from actions.models import Action
from audits.models import Answer, Question
from cases.models import Child
from metrics.models import MetricSnapshot
from reporting import services, tasks
from reporting.content import report_content
from reporting.models import PanelReport, ReportSection, ReportVersion
from reporting.render import report_html
from tests.audits.test_results import scored_case
from tests.factories import AuditFactory, tool_version
from tests.reporting.report_data import CHILD_NAMES, known_report, pdf_text

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2014, 2, 20, 10, 30, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def reports_root(settings, tmp_path):
    settings.REPORTS_ROOT = tmp_path / "reports"
    return settings.REPORTS_ROOT


def generate(report, user, django_capture_on_commit_callbacks) -> ReportVersion:
    with django_capture_on_commit_callbacks(execute=True):
        version = services.report_version_request(report=report, user=user)
        tasks.report_version_enqueue(version)
    version.refresh_from_db()
    return version


@time_machine.travel(NOW, tick=False)
def test_the_scrutiny_report_pdf_carries_the_header_sections_and_figures(
    report_officer, django_capture_on_commit_callbacks
):
    """D2 risk considered early: 13 Yes of 18 answered -> 72% (13 of 18); D3: 12 of 18 -> 67%."""
    data = known_report(report_officer)
    version = generate(data.report, report_officer, django_capture_on_commit_callbacks)

    assert version.status == ReportVersion.Status.DONE, version.error
    pdf = services.report_version_pdf(version)
    assert pdf.startswith(b"%PDF-1.7")
    text = pdf_text(pdf)
    for expected in (
        "Report for: CYPS Scrutiny Panel 27 February 2014",
        "Item number: 7",
        "Title: MASH and First Response information sharing: outcome of audit",
        "Authorised by: Director of Children's Services",
        "Lead officer: Principal Social Worker",
        "Ward(s) affected: All",
        "Non key decision",
        "1. Describe the issue under consideration",
        "2. Recommendations",
        "3. Background information",
        "Scope, sample and method: Domestic abuse audit",
        "Issue identified Action taken by the service",
        "Chronologies need to be in place on all files",
        "Chronology on file: 65% (11 of 17)",
        "4. Strengths",
        "5. What still needs focus",
        "Appendix 1: full results of the audit, Domestic abuse audit",
        "72% (13 of 18)",
        "67% (12 of 18)",
        "80% (8 of 10)",
        "Page 1 of",
        "Demo Borough Council",
    ):
        assert expected in text, expected
    assert version.page_count == len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert version.generated_by == report_officer
    assert version.generated_at == NOW
    assert version.number == 1


@time_machine.travel(NOW, tick=False)
def test_the_pdf_is_tagged_with_its_language_and_title(report_officer, django_capture_on_commit_callbacks):
    data = known_report(report_officer)
    version = generate(data.report, report_officer, django_capture_on_commit_callbacks)
    reader = pypdf.PdfReader(io.BytesIO(services.report_version_pdf(version)))
    catalog = reader.root_object
    assert str(catalog["/Lang"]) == "en-GB"
    mark_info = catalog["/MarkInfo"]
    assert isinstance(mark_info, DictionaryObject) and bool(mark_info["/Marked"])
    assert "/StructTreeRoot" in catalog
    assert reader.metadata is not None
    assert reader.metadata.title == "MASH and First Response information sharing: outcome of audit"


@time_machine.travel(NOW, tick=False)
def test_the_qa_report_shows_highlights_counts_over_time_and_actions(
    report_officer, django_capture_on_commit_callbacks
):
    """Children on CP plans 164 in January and 184 in February 2014; looked after 521 and 533."""
    data = known_report(report_officer, report_type=PanelReport.Type.QUALITY_ASSURANCE)
    version = generate(data.report, report_officer, django_capture_on_commit_callbacks)

    text = pdf_text(services.report_version_pdf(version))
    for expected in (
        "2. Audits undertaken this period",
        "18 cases were audited",
        "Was risk considered at an early stage? 72% (13 of 18)",
        "3. Multi-agency audit",
        "4. Planning and preparation for inspection",
        "5. Data for safeguarding and looked-after children",
        "Jan 2014 164 521",
        "Feb 2014 184 533",
        "6. Actions from previous meetings",
        "Head of Safeguarding and Support",
        "7. Learning themes",
        "Voice of the child: 3 findings, 1 confirmed by a moderator",
        "“The child's wishes were not recorded” (Case ",
        "“No direct work with the child” (Case ",
    ):
        assert expected in text, expected
    assert "not seen alone" not in text  # the note naming a child is counted, never quoted


@pytest.mark.slow
def test_a_version_regenerated_after_the_data_changed_has_the_same_text(
    report_officer, django_capture_on_commit_callbacks
):
    data = known_report(report_officer)
    with time_machine.travel(NOW, tick=False):
        first = generate(data.report, report_officer, django_capture_on_commit_callbacks)
    original = pdf_text(services.report_version_pdf(first))
    assert "72% (13 of 18)" in original

    # The data changes: a No becomes a Yes on D2, a count and an action's status change, a narrative is
    # rewritten.
    answer = (
        Answer.objects.filter(case_audit__audit=data.audit, question__code="D2", value=Answer.Value.NO)
        .order_by("pk")
        .first()
    )
    assert answer is not None
    answer.value = Answer.Value.YES
    answer.save()
    MetricSnapshot.objects.filter(metric="children_on_cp_plans").update(numerator=999)
    Action.objects.filter(pk=data.action.pk).update(status=Action.Status.NOT_STARTED)
    ReportSection.objects.filter(report=data.report, key="issue").update(text="A rewritten issue.")

    regenerated = services.report_version_regenerate(first)
    assert pdf_text(regenerated.pdf) == original
    # Byte for byte, too (same WeasyPrint and fonts): the creation date and identifier are the version's.
    assert hashlib.sha256(regenerated.pdf).hexdigest() == first.sha256

    with time_machine.travel(NOW + datetime.timedelta(days=1), tick=False):
        second = generate(data.report, report_officer, django_capture_on_commit_callbacks)
    assert second.number == 2
    newer = pdf_text(services.report_version_pdf(second))
    assert "78% (14 of 18)" in newer  # 14 Yes of 18 -> 77.8% -> 78%
    assert "A rewritten issue." in newer
    assert "A rewritten issue." not in original


def test_a_stored_pdf_lost_from_disk_is_rendered_again_from_the_frozen_data(
    report_officer, django_capture_on_commit_callbacks, reports_root
):
    data = known_report(report_officer)
    with time_machine.travel(NOW, tick=False):
        version = generate(data.report, report_officer, django_capture_on_commit_callbacks)
    original = pdf_text(services.report_version_pdf(version))
    (reports_root / version.pdf_name).unlink()
    assert pdf_text(services.report_version_pdf(version)) == original


def test_the_task_is_enqueued_on_commit_and_runs_once(report_officer, django_capture_on_commit_callbacks):
    data = known_report(report_officer)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        version = services.report_version_request(report=data.report, user=report_officer)
    assert callbacks == []  # the service only numbers the version; the caller enqueues it
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        tasks.report_version_enqueue(version)
    assert len(callbacks) == 1
    assert ReportVersion.objects.get(pk=version.pk).status == ReportVersion.Status.QUEUED
    callbacks[0]()
    version.refresh_from_db()
    assert version.status == ReportVersion.Status.DONE
    digest = version.sha256

    assert tasks.report_version_generate.delay(version.pk).get() == "skipped"  # already done: a no-op
    version.refresh_from_db()
    assert version.sha256 == digest and version.progress == 100


@pytest.mark.slow
def test_no_child_is_named_in_the_pdf_the_preview_or_the_content(
    report_officer, django_capture_on_commit_callbacks
):
    data = known_report(report_officer, report_type=PanelReport.Type.QUALITY_ASSURANCE)
    data.audit.agencies = ["social_care", "police"]
    data.audit.save()
    scrutiny = known_report_copy(data, report_officer)
    for report in (data.report, scrutiny):
        version = generate(report, report_officer, django_capture_on_commit_callbacks)
        assert version.status == ReportVersion.Status.DONE, version.error
        assert version.data is not None
        outputs = [
            pdf_text(services.report_version_pdf(version)),
            report_html(version.data),
            str(version.data),
        ]
        names = list(Child.objects.values_list("name", flat=True))
        ids = list(Child.objects.values_list("child_id", flat=True))
        assert set(CHILD_NAMES) <= set(names)
        for output in outputs:
            for name in names:
                assert name not in output
                for part in name.split():
                    assert part not in output or part in ("Child", "Synthetic")
            for child_id in ids:
                assert child_id not in output
        assert "Case 1" in outputs[0]


def known_report_copy(data, user) -> PanelReport:
    """A scrutiny report on the same audit and plan."""
    report = services.panel_report_create(
        user=user,
        report_type=PanelReport.Type.SCRUTINY_PANEL,
        title="Scrutiny of the domestic abuse audit",
        meeting_name="CYPS Scrutiny Panel",
        meeting_date=datetime.date(2014, 2, 27),
        period_start=datetime.date(2014, 1, 1),
        period_end=datetime.date(2014, 2, 28),
    )
    services.panel_report_selections_save(
        report=report, user=user, audits=[data.audit], metrics=[], action_plans=[data.plan]
    )
    return report


def test_a_narrative_naming_a_child_stops_the_version_without_saying_who(
    report_officer, django_capture_on_commit_callbacks
):
    data = known_report(report_officer)
    section = data.report.sections.get(key="issue")
    services.report_section_save(
        section=section, user=report_officer, text=f"The case of {CHILD_NAMES[3].upper()} was discussed."
    )
    version = generate(data.report, report_officer, django_capture_on_commit_callbacks)
    assert version.status == ReportVersion.Status.FAILED
    assert "Describe the issue under consideration" in version.error
    assert CHILD_NAMES[3] not in version.error and not version.pdf_name

    services.report_section_save(section=section, user=report_officer, text="Case 4 was discussed.")
    assert generate(data.report, report_officer, django_capture_on_commit_callbacks).status == "done"


def test_a_failure_while_drawing_is_recorded_on_the_version(
    report_officer, django_capture_on_commit_callbacks, monkeypatch
):
    data = known_report(report_officer)

    def broken(content):
        raise RuntimeError("no fonts")

    monkeypatch.setattr(services, "report_pdf", broken)
    version = generate(data.report, report_officer, django_capture_on_commit_callbacks)
    assert version.status == ReportVersion.Status.FAILED
    assert "could not be made" in version.error


def test_the_content_freezes_figures_as_numerator_and_denominator(report_officer):
    data = known_report(report_officer, report_type=PanelReport.Type.QUALITY_ASSURANCE)
    content = report_content(
        data.report,
        version_number=1,
        generated_at=timezone.now(),
        generated_by="x",
        today=datetime.date(2014, 2, 20),
    )
    [audit] = content["audits"]
    d2 = next(q for q in audit["questions"] if q["code"] == "D2")
    assert d2["figure"] == {"n": 13, "d": 18}
    d1 = next(q for q in audit["questions"] if q["code"] == "D1")
    assert d1["figure"] == {"n": 12.5, "d": 17}
    assert [c["reference"] for c in audit["cases"]][:3] == ["Case 1", "Case 2", "Case 3"]
    counts = content["measures"]["counts"]
    assert counts is not None
    assert counts["months"] == [
        {"month": "Jan 2014", "values": [164, 521]},
        {"month": "Feb 2014", "values": [184, 533]},
    ]
    [plan] = content["action_plans"]
    assert plan["rows"][0]["figure"] == {"n": 11, "d": 17}
    assert plan["rows"][0]["actions"][0]["latest_update"] == "10/02/2014: Two chronology days held"
    assert Question.objects.filter(section__version=data.audit.tool_version, code="D2").exists()


def test_a_multi_agency_re_audit_shows_agencies_disagreements_and_the_change_by_case_reference(
    report_officer, django_capture_on_commit_callbacks
):
    """Original audit: D2 Yes on 1 of 2 cases -> 50% (1 of 2). Re-audit, social care: 2 of 2 -> 100%;
    police: 1 of 2 -> 50%, disagreeing on the second case ("Case 2"); both together 3 of 4 -> 75%."""
    original = AuditFactory.create(title="Original audit", tool_version=tool_version("Domestic abuse"))
    scored_case(original, {"D2": "yes"}, child__name="Ottoline Verisimilitude")
    scored_case(original, {"D2": "no"}, child__name="Barnaby Quillfeather")
    reaudit = AuditFactory.create(
        title="Re-audit",
        tool_version=tool_version("Domestic abuse"),
        reaudit_of=original,
        agencies=["social_care", "police"],
    )
    first = scored_case(reaudit, {"D2": "yes"}, record_id=501, record_date=datetime.date(2014, 1, 6))
    second = scored_case(reaudit, {"D2": "yes"}, record_id=502, record_date=datetime.date(2014, 1, 7))
    scored_case(
        reaudit,
        {"D2": "yes"},
        record_id=501,
        record_date=first.record_date,
        agency="police",
        child=first.child,
    )
    scored_case(
        reaudit,
        {"D2": "no"},
        record_id=502,
        record_date=second.record_date,
        agency="police",
        child=second.child,
    )
    report = services.panel_report_create(
        user=report_officer, report_type=PanelReport.Type.QUALITY_ASSURANCE, title="QA", meeting_name="Committee",
        meeting_date=datetime.date(2014, 3, 6), period_start=datetime.date(2014, 1, 1),
        period_end=datetime.date(2014, 2, 28),
    )  # fmt: skip
    services.panel_report_selections_save(
        report=report, user=report_officer, audits=[reaudit], metrics=[], action_plans=[]
    )
    version = generate(report, report_officer, django_capture_on_commit_callbacks)
    assert version.status == ReportVersion.Status.DONE, version.error
    text = pdf_text(services.report_version_pdf(version))
    assert "Re-audit: each question's result by agency" in text
    assert "D2 Was risk considered at an early stage? 100% (2 of 2) 50% (1 of 2)" in text
    assert "Case 2 D2 Was risk considered at an early stage? Children's social care: Yes; Police: No" in text
    assert "compared with the original audit, Original audit" in text
    # Before 1 of 2; after, both agencies' answers together: 3 Yes of 4 -> 75%, up 25 points.
    assert "D2 Was risk considered at an early stage? 50% (1 of 2) 75% (3 of 4) 25" in text
    for name in Child.objects.values_list("name", flat=True):
        assert name not in text
