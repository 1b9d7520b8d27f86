"""A version's frozen content has one declared shape (reporting.schema): every key the content builder
writes is declared there, and a version renders from its stored JSON exactly as from the content built
fresh, so declaring the shape changed nothing that is stored."""

import copy
import datetime
import io
import json
import types
import typing
from typing import Any, cast

import openpyxl
import pytest
import time_machine
from django.utils import timezone

from demo.sample_report import synthetic_content
from metrics.models import MetricSnapshot
from reporting import schema, services
from reporting.content import report_content
from reporting.models import PanelReport, ReportVersion
from reporting.render import report_html
from reporting.schema import ReportContent
from reporting.xlsx import report_xlsx
from tests.audits.test_results import scored_case
from tests.factories import AuditFactory, tool_version
from tests.reporting.report_data import known_report

NOW = datetime.datetime(2014, 2, 20, 10, 30, tzinfo=datetime.UTC)
ALL_SHAPES = {value for value in vars(schema).values() if typing.is_typeddict(value)}


def schema_errors(value, hint, where: str = "content", seen: set | None = None) -> list[str]:
    """Where `value` strays from `hint`: a key its TypedDict does not declare, a required key missing, or a
    value of another type. `seen` collects the TypedDicts the walk reached."""
    seen = set() if seen is None else seen
    if typing.is_typeddict(hint):
        seen.add(hint)
        if not isinstance(value, dict):
            return [f"{where}: a {type(value).__name__}, not a {hint.__name__}"]
        declared = typing.get_type_hints(hint)  # NotRequired[...] stripped to what it holds
        errors = [f"{where}.{key}: not declared in {hint.__name__}" for key in value if key not in declared]
        errors += [f"{where}.{key}: missing" for key in sorted(hint.__required_keys__ - value.keys())]
        for key, item in value.items():
            if key in declared:
                errors += schema_errors(item, declared[key], f"{where}.{key}", seen)
        return errors
    origin = typing.get_origin(hint)
    if origin is list:
        if not isinstance(value, list):
            return [f"{where}: a {type(value).__name__}, not a list"]
        (item_hint,) = typing.get_args(hint)
        return [
            error
            for index, item in enumerate(value)
            for error in schema_errors(item, item_hint, f"{where}[{index}]", seen)
        ]
    if origin in (typing.Union, types.UnionType):
        arms = typing.get_args(hint)
        if value is None:
            return [] if type(None) in arms else [f"{where}: None, not {hint}"]
        tried = [schema_errors(value, arm, where, seen) for arm in arms if arm is not type(None)]
        return [] if any(not errors for errors in tried) else tried[0]
    if isinstance(value, bool) is not (hint is bool) or not isinstance(value, hint):
        return [f"{where}: {value!r} is not a {hint.__name__}"]
    return []


def workbook_values(xlsx: bytes) -> dict[str, list[tuple]]:
    """Each sheet's cell values (the file's own bytes carry the time it was written)."""
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook}


@pytest.fixture
def version(report_officer, settings, tmp_path) -> ReportVersion:
    """A quality assurance report drawing on everything a report can show: the known audit (18 cases), a
    multi-agency re-audit, a percentage measure with a count beside it, the counts over time, leaving
    care, and an action plan; generated as the worker does (without Celery)."""
    settings.REPORTS_ROOT = tmp_path / "reports"
    with time_machine.travel(NOW, tick=False):
        data = known_report(report_officer, report_type=PanelReport.Type.QUALITY_ASSURANCE)
        original = AuditFactory.create(title="Original audit", tool_version=tool_version("Domestic abuse"))
        scored_case(original, {"D2": "yes"})
        scored_case(original, {"D2": "no"})
        reaudit = AuditFactory.create(
            title="Re-audit",
            tool_version=tool_version("Domestic abuse"),
            reaudit_of=original,
            agencies=["social_care", "police"],
        )
        first = scored_case(reaudit, {"D2": "yes"}, record_id=501, record_date=datetime.date(2014, 1, 6))
        scored_case(
            reaudit,
            {"D2": "no"},
            record_id=501,
            record_date=first.record_date,
            agency="police",
            child=first.child,
        )
        MetricSnapshot.objects.create(
            metric="consent_recorded",
            period=datetime.date(2014, 1, 1),
            numerator=7,
            denominator=17,
            related_count=3,
            unknown_count=2,
            computed_at=NOW,
        )
        services.panel_report_selections_save(
            report=data.report,
            user=report_officer,
            audits=[data.audit, reaudit],
            metrics=[
                "consent_recorded",
                "children_on_cp_plans",
                "children_looked_after",
                "turning_18_looked_after",
            ],
            action_plans=[data.plan],
        )
        requested = services.report_version_request(report=data.report, user=report_officer)
        done = services.report_version_render(version_id=requested.pk, now=NOW)
        assert done is not None
        assert done.status == ReportVersion.Status.DONE, done.error
        done.refresh_from_db()  # `data` as the database hands it back
        return done


def fresh_content(version: ReportVersion) -> ReportContent:
    """The content built now, with the version's own number, time and author."""
    assert version.generated_by is not None
    return report_content(
        version.report,
        version_number=version.number,
        generated_at=NOW,
        generated_by=version.generated_by.get_username(),
        today=timezone.localdate(NOW),
    )


@time_machine.travel(NOW, tick=False)
@pytest.mark.django_db
def test_a_version_renders_the_same_html_and_workbook_from_its_stored_json_as_from_fresh_content(version):
    fresh = fresh_content(version)
    round_tripped = json.loads(json.dumps(fresh))  # what the JSONField does on the way in and out
    assert version.data == round_tripped

    html = report_html(fresh)
    assert "72% (13 of 18)" in html and "Re-audit: each question's result by agency" in html
    cells = workbook_values(report_xlsx(fresh))
    assert cells["Measures"][1][:5] == ("Consent decision recorded", "Jan 2014", 7, 17, 41)
    for stored in (round_tripped, version.data):
        assert report_html(stored) == html
        assert report_html(stored, preview=True, back_url="/reports/") == report_html(
            fresh, preview=True, back_url="/reports/"
        )
        assert workbook_values(report_xlsx(stored)) == cells


@time_machine.travel(NOW, tick=False)
@pytest.mark.django_db
def test_every_key_of_a_built_content_is_declared_in_the_schema(version):
    for content in (fresh_content(version), version.data):
        seen: set = set()
        assert schema_errors(content, ReportContent, seen=seen) == []
        # The report draws on every part, so the walk checked every declared shape.
        assert seen == ALL_SHAPES


def test_the_synthetic_content_of_the_renderer_tests_has_the_stored_shape():
    assert schema_errors(synthetic_content(questions=20, audits=2, plans=1), ReportContent) == []


def test_an_undeclared_key_a_missing_key_or_a_wrong_type_is_found():
    content = synthetic_content(questions=20, audits=2, plans=1)
    changed = cast("dict[str, Any]", copy.deepcopy(content))  # broken on purpose: no longer a ReportContent
    questions = changed["audits"][0]["questions"]
    questions[3] = {**questions[3], "child_name": "Not declared"}  # the highlights hold the same dict
    del changed["measures"]["counts"]["series"][1]["definition"]
    changed["header"]["key_decision"] = 0
    changed["audits"][1]["comparison"] = {"agencies": "Police", "rows": [], "disagreements": []}
    assert schema_errors(changed, ReportContent) == [
        "content.header.key_decision: 0 is not a bool",
        "content.audits[0].questions[3].child_name: not declared in QuestionResult",
        "content.audits[1].comparison.agencies: a str, not a list",
        "content.measures.counts.series[1].definition: missing",
    ]


def test_a_key_versions_made_before_it_was_added_lack_may_be_missing():
    """Versions frozen before the audit's uuid and a measure's coverage were recorded have neither."""
    content = synthetic_content(questions=20, audits=1, plans=1)
    assert (
        "uuid" not in content["audits"][0]
        and "coverage" not in content["measures"]["percent"][0]["months"][0]
    )
    assert schema_errors(content, ReportContent) == []
    untitled = cast("dict[str, Any]", content)  # broken on purpose: no longer a ReportContent
    del untitled["audits"][0]["title"]
    assert schema_errors(untitled, ReportContent) == ["content.audits[0].title: missing"]
