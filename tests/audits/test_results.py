"""Audit results: the arithmetic of DOMAIN.md "Metrics", checked against the reference QA report."""

import datetime

import pytest

from audits import results
from audits.models import Answer, Audit, CaseAudit, Question, ToolVersion
from tests.factories import AuditFactory, CaseAuditFactory, ChildFactory, tool_version

pytestmark = pytest.mark.django_db

RATING_CODES = [f"D{n}" for n in range(1, 15)]


def scored_case(
    audit: Audit,
    answers: dict[str, str],
    *,
    evidence: dict[str, str] | None = None,
    status: str = CaseAudit.Status.SUBMITTED,
    **kwargs,
) -> CaseAudit:
    """A case audit with these answers (code -> value, or the text of a free-text question)."""
    case_audit = CaseAuditFactory.create(audit=audit, status=status, **kwargs)
    questions = {q.code: q for q in Question.objects.filter(section__version=audit.tool_version_id)}
    evidence = evidence or {}
    Answer.objects.bulk_create(
        Answer(
            case_audit=case_audit,
            question=questions[code],
            value=value if questions[code].kind == Question.Kind.RATING else "",
            text=value if questions[code].kind == Question.Kind.TEXT else "",
            evidence=evidence.get(code, ""),
        )
        for code, value in {**dict.fromkeys(evidence, ""), **answers}.items()
    )
    return case_audit


def columns(count: int, **by_code: list) -> list[dict[str, str]]:
    """`count` cases' answers from one list per question (None: no answer)."""
    cases: list[dict[str, str]] = [{} for _ in range(count)]
    for code, values in by_code.items():
        for case, value in zip(cases, values, strict=False):
            if value:
                case[code] = value
    return cases


def reference_cases() -> list[dict[str, str]]:
    """18 domestic-abuse cases answered as the reference QA report's highlights imply."""
    return columns(
        18,
        D1=["yes"] * 12 + ["partly"] + ["no"] * 4 + ["na"],
        D2=["yes"] * 13 + ["no"] * 5,
        D3=["yes"] * 12 + ["no"] * 6,
        D4=["yes"] * 10 + ["no"] * 8,
        # Case 11 has no protection plan: its stray D5 answer must not count.
        D5=["yes"] * 8 + ["no"] * 2 + ["no"],
        D6=["yes"] * 9 + ["no"],
        D7=["yes"] * 8 + ["no"],
        D8=["yes"] * 4 + ["no"] * 14,
        D9=["yes"] * 3 + ["no"],
        **{f"D{n}": ["yes"] * 18 for n in range(10, 15)},
    )


@pytest.fixture
def reference_audit() -> Audit:
    audit = AuditFactory.create(tool_version=tool_version("Domestic abuse"))
    for answers in reference_cases():
        scored_case(audit, answers, grade="good")
    return Audit.objects.select_related("tool_version").get(pk=audit.pk)


@pytest.fixture
def reference(reference_audit) -> results.AuditResults:
    return results.audit_results(reference_audit)


def test_d1_good_information_sharing_is_74_percent(reference):
    """12 Yes + 1 Partly x 0.5 = 12.5; 4 No; 1 N/A left out -> 12.5 of 17 = 73.5% -> 74%."""
    d1 = reference.question("D1")
    assert (d1.yes, d1.partly, d1.no, d1.not_applicable) == (12, 1, 4, 1)
    assert str(d1.figure) == "74% (12.5 of 17)"


def test_d2_risk_considered_early_is_72_percent(reference):
    """13 Yes of 18 answered -> 72.2% -> 72%."""
    assert str(reference.question("D2").figure) == "72% (13 of 18)"


def test_d3_management_direction_is_67_percent(reference):
    """12 Yes of 18 answered -> 66.7% -> 67%."""
    assert str(reference.question("D3").figure) == "67% (12 of 18)"


def test_d5_protection_plan_clear_is_80_percent_of_the_10_plans(reference):
    """D5 applies where D4 is Yes (10 cases): 8 Yes of 10 -> 80%. The 8 without a plan are not asked,
    and the stray D5 answer on a case without a plan does not count."""
    d5 = reference.question("D5")
    assert str(d5.figure) == "80% (8 of 10)"
    assert d5.does_not_apply == 8


def test_d6_plan_supports_as_well_as_monitors_is_90_percent(reference):
    """9 Yes of the 10 plans -> 90%."""
    assert str(reference.question("D6").figure) == "90% (9 of 10)"


def test_d7_tasks_realistic_is_89_percent_of_plans_that_support(reference):
    """D7 applies where D6 is Yes or Partly (9 cases; the 10th plan's D6 is No): 8 of 9 = 88.9% -> 89%."""
    d7 = reference.question("D7")
    assert str(d7.figure) == "89% (8 of 9)"
    assert d7.does_not_apply == 9


def test_d9_cin_plan_with_perpetrator_effective_is_75_percent(reference):
    """D9 applies where D8 is Yes (4 cases): 3 of 4 -> 75%."""
    assert str(reference.question("D9").figure) == "75% (3 of 4)"


def test_text_questions_are_not_scored(reference):
    assert [r.question.code for r in reference.questions] == RATING_CODES


def test_partly_counts_nothing_when_the_tool_says_so():
    """1 Yes, 1 Partly, 2 No: with Partly at a half 1.5 of 4 = 37.5% -> 38%; at nothing 1 of 4 = 25%."""
    version = tool_version("Domestic abuse")
    audit = AuditFactory.create(tool_version=version)
    for answers in columns(4, D1=["yes", "partly", "no", "no"]):
        scored_case(audit, answers)
    assert str(results.audit_results(audit).question("D1").figure) == "38% (1.5 of 4)"

    ToolVersion.objects.filter(pk=version.pk).update(partly_counts_half=False)
    audit = Audit.objects.select_related("tool_version").get(pk=audit.pk)
    d1 = results.audit_results(audit).question("D1")
    assert d1.partly == 1
    assert str(d1.figure) == "25% (1 of 4)"


def test_it_excludes_not_applicable_from_denominator():
    """3 Yes, 1 No, 2 N/A -> 3 of 4 = 75% (not 3 of 6 = 50%)."""
    audit = AuditFactory.create()
    for answers in columns(6, D2=["yes", "yes", "yes", "no", "na", "na"]):
        scored_case(audit, answers)
    d2 = results.audit_results(audit).question("D2")
    assert d2.not_applicable == 2
    assert str(d2.figure) == "75% (3 of 4)"


def test_it_rounds_half_away_from_zero():
    """5 Yes of 8 -> 62.5% -> 63% (as councils' spreadsheets round; Python's round() gives 62)."""
    audit = AuditFactory.create()
    for answers in columns(8, D3=["yes"] * 5 + ["no"] * 3):
        scored_case(audit, answers)
    assert str(results.audit_results(audit).question("D3").figure) == "63% (5 of 8)"


def test_interval_is_shown_under_30_cases_and_not_at_30():
    """30 cases answer D1 (no interval at 30); 29 have a plan, so D5 rests on 29 and shows one.
    D5: 20 Yes of 29 = 69%, Wilson 95% interval 51% to 83%."""
    audit = AuditFactory.create()
    cases = columns(30, D1=["yes"] * 30, D4=["yes"] * 29 + ["no"], D5=["yes"] * 20 + ["no"] * 9)
    for answers in cases:
        scored_case(audit, answers)
    outcome = results.audit_results(audit)
    assert outcome.question("D1").figure.denominator == 30
    assert outcome.question("D1").figure.interval is None
    d5 = outcome.question("D5").figure
    assert str(d5) == "69% (20 of 29)"
    assert d5.interval == (51, 83)


def test_only_submitted_and_moderated_case_audits_count():
    """Submitted Yes + moderated Yes; the in-progress and returned No are not results yet -> 2 of 2."""
    audit = AuditFactory.create()
    scored_case(audit, {"D2": "yes"}, status=CaseAudit.Status.SUBMITTED)
    scored_case(audit, {"D2": "yes"}, status=CaseAudit.Status.MODERATED)
    scored_case(audit, {"D2": "no"}, status=CaseAudit.Status.IN_PROGRESS)
    scored_case(audit, {"D2": "no"}, status=CaseAudit.Status.RETURNED)
    outcome = results.audit_results(audit)
    assert outcome.case_count == 2
    assert str(outcome.question("D2").figure) == "100% (2 of 2)"


def test_a_subsample_question_is_not_asked_outside_the_subsample():
    """C1 (consent) is asked only of the sub-sample: 1 Yes of the 1 sub-sample case -> 100%; 2 not asked."""
    audit = AuditFactory.create(tool_version=tool_version("S47 and information sharing"))
    scored_case(audit, {"C1": "yes"}, in_subsample=True)
    scored_case(audit, {"C1": "no"})  # answered before the sub-sample was known: not asked, not counted
    scored_case(audit, {})
    c1 = results.audit_results(audit).question("C1")
    assert str(c1.figure) == "100% (1 of 1)"
    assert c1.does_not_apply == 2


def test_one_agency_results_count_only_that_agency():
    audit = AuditFactory.create(agencies=["social_care", "police"])
    scored_case(audit, {"D2": "yes"}, agency="social_care", record_id=1)
    scored_case(audit, {"D2": "no"}, agency="police", record_id=1)
    assert str(results.audit_results(audit, agency="police").question("D2").figure) == "0% (0 of 1)"
    assert str(results.audit_results(audit).question("D2").figure) == "50% (1 of 2)"


def test_grade_distribution_is_over_graded_cases():
    """3 graded (2 Good, 1 Inadequate) and 1 ungraded: Good 2 of 3 = 67%, Inadequate 1 of 3 = 33%."""
    audit = AuditFactory.create()
    scored_case(audit, {}, grade="good")
    scored_case(audit, {}, grade="good")
    scored_case(audit, {}, grade="inadequate")
    scored_case(audit, {})
    outcome = results.audit_results(audit)
    grades = {g.grade: str(g.figure) for g in outcome.grades}
    assert outcome.graded_count == 3
    assert grades == {
        "outstanding": "0% (0 of 3)",
        "good": "67% (2 of 3)",
        "requires_improvement": "0% (0 of 3)",
        "inadequate": "33% (1 of 3)",
    }


def test_strengths_and_areas_list_text_and_evidence_without_the_child_by_default():
    audit = AuditFactory.create()
    child = ChildFactory.create(child_id="C-STRONG")
    scored_case(
        audit,
        {"F1": "Good direct work with the child", "F2": "Chronology out of date"},
        evidence={"F1": "Seen in the case notes"},
        child=child,
    )
    outcome = results.audit_results(audit)
    assert [f.text for f in outcome.strengths] == [
        "Good direct work with the child",
        "Seen in the case notes",
    ]
    assert [f.text for f in outcome.areas_for_development] == ["Chronology out of date"]
    assert {f.child_id for f in outcome.strengths + outcome.areas_for_development} == {""}

    named = results.audit_results(audit, child_ids=True)
    assert {f.child_id for f in named.strengths} == {"C-STRONG"}


def test_results_load_in_a_constant_number_of_queries(django_assert_num_queries):
    """Questions, case audits, answers: 3 queries for 3 cases and for 30."""
    small, large = AuditFactory.create(), AuditFactory.create()
    for answers in columns(3, D1=["yes"] * 3, F1=["Strength"] * 3):
        scored_case(small, answers)
    for answers in columns(30, D1=["yes"] * 30, D4=["yes"] * 30, F1=["Strength"] * 30):
        scored_case(large, answers)
    for audit in (small, large):
        audit = Audit.objects.select_related("tool_version").get(pk=audit.pk)
        with django_assert_num_queries(3):
            results.audit_results(audit)


# Multi-agency comparison ------------------------------------------------------------------------------


@pytest.fixture
def multi_agency_audit() -> Audit:
    """Two cases seen by social care and police; they disagree on D2 for the second case only."""
    audit = AuditFactory.create(agencies=["social_care", "police"])
    first, second = ChildFactory.create(child_id="C-FIRST"), ChildFactory.create(child_id="C-SECOND")
    for agency, d2_second in (("social_care", "yes"), ("police", "no")):
        scored_case(audit, {"D2": "yes", "D3": "yes"}, agency=agency, child=first, record_id=101)
        scored_case(audit, {"D2": d2_second, "D3": "yes"}, agency=agency, child=second, record_id=102)
    return Audit.objects.select_related("tool_version").get(pk=audit.pk)


def test_agency_comparison_gives_each_questions_figure_per_agency(multi_agency_audit):
    """D2: social care 2 Yes of 2 = 100%; police 1 Yes of 2 = 50%."""
    comparison = results.agency_comparison(multi_agency_audit)
    assert [label for _v, label in comparison.agencies] == ["Children's social care", "Police"]
    d2 = next(row for row in comparison.rows if row.question.code == "D2")
    assert [str(f) for f in d2.figures] == ["100% (2 of 2)", "50% (1 of 2)"]


def test_disagreements_name_cases_by_number_unless_child_ids_are_asked_for(multi_agency_audit):
    comparison = results.agency_comparison(multi_agency_audit)
    assert [(d.case_label, d.question.code) for d in comparison.disagreements] == [("Case 2", "D2")]
    assert comparison.disagreements[0].answers == [("Children's social care", "Yes"), ("Police", "No")]

    named = results.agency_comparison(multi_agency_audit, child_ids=True)
    assert [d.case_label for d in named.disagreements] == ["C-SECOND"]


def test_case_labels_number_each_record_once_in_sample_order_or_give_the_child_id():
    """Record 7 (6 Jan) comes before record 3 (9 Jan): it is Case 1, whichever agency audited it."""
    audit = AuditFactory.create(agencies=["social_care", "police"])
    early, late = ChildFactory.create(child_id="C-EARLY"), ChildFactory.create(child_id="C-LATE")
    later = scored_case(audit, {}, child=late, record_id=3, record_date=datetime.date(2014, 1, 9))
    earlier = [
        scored_case(audit, {}, child=early, record_id=7, agency=agency)
        for agency in ("police", "social_care")
    ]
    case_audits = [later, *earlier]
    assert results.case_labels(case_audits, child_ids=False) == {7: "Case 1", 3: "Case 2"}
    assert results.case_labels(case_audits, child_ids=True) == {7: "C-EARLY", 3: "C-LATE"}


def test_agency_comparison_loads_in_a_constant_number_of_queries(
    multi_agency_audit, django_assert_num_queries
):
    with django_assert_num_queries(3):
        results.agency_comparison(multi_agency_audit, child_ids=True)


# Re-audit comparison ----------------------------------------------------------------------------------


def test_reaudit_comparison_gives_each_question_before_and_after_in_points():
    """D2 before 1 of 2 = 50%, after 2 of 3 = 67%: +17 points. D3 answered only before: no change shown."""
    original = AuditFactory.create()
    scored_case(original, {"D2": "yes", "D3": "yes"})
    scored_case(original, {"D2": "no"})
    reaudit = AuditFactory.create(reaudit_of=original)
    for answers in columns(3, D2=["yes", "yes", "no"]):
        scored_case(reaudit, answers)
    rows = {row.code: row for row in results.reaudit_comparison(reaudit)}
    assert (str(rows["D2"].before), str(rows["D2"].after), rows["D2"].change) == (
        "50% (1 of 2)",
        "67% (2 of 3)",
        17,
    )
    assert str(rows["D3"].before) == "100% (1 of 1)"
    after = rows["D3"].after
    assert after is not None and after.denominator == 0
    assert rows["D3"].change is None
