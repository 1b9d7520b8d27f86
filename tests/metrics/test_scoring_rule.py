"""One scoring rule (audits.scoring) behind every audit figure: results page, dashboard, drill-down, report.

Before, the rule was written four times and the copies differed on conditional questions: the dashboard
and the drill-down counted an answer to a question whose condition was not met, and the results page and
the report counted one whose gate was itself not asked (a condition on a condition).
"""

import datetime

import pytest
import time_machine
from django.urls import reverse

from audits import results
from audits.models import Answer, AuditTool, CaseAudit, Question, Section, ToolVersion
from cases.standards import MetricKey
from metrics.services import metrics_recompute
from reporting.content import audit_content
from tests.factories import AuditFactory, CaseAuditFactory, ChildFactory
from tests.metrics.helpers import TODAY, figure

D = datetime.date
pytestmark = pytest.mark.django_db
MARCH = D(2014, 3, 1)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2014, 6, 16, 9, 0), tick=False):
        yield


@pytest.fixture
def chained_audit():
    """P1 "Is there a protection plan?" -> P2 "Does it support as well as monitor?" (asked where P1 is
    Yes) -> CH "Is the chronology on file?" (asked where P2 is Yes; it measures chronology on file).

    Five cases of March 2014, answers P1 / P2 / CH; a stray answer is one left from before a gate changed:
      A: Yes / Yes / Yes        counts Yes
      B: Yes / No  / No         CH not asked (P2 No): its No is stray
      C: Yes / Yes / No         counts No
      D: No  / Yes / Yes        P2 not asked (P1 No), so CH is not asked either: both stray
      E: Yes / No  / Yes        CH not asked (P2 No): its Yes is stray
    The one rule: 1 Yes of 2 counted -> 50% (1 of 2). The dashboard and drill-down copies counted all
    five (3 of 5 = 60%); the results and report copy followed only CH's own gate (A, C, D: 2 of 3 = 67%).
    """
    version = ToolVersion.objects.create(tool=AuditTool.objects.create(name="Plans and chronology"), number=1)
    section = Section.objects.create(version=version, order=1, title="Plans")
    plan = Question.objects.create(section=section, order=1, code="P1", text="Is there a protection plan?")
    supports = Question.objects.create(
        section=section, order=2, code="P2", text="Does it support as well as monitor?",
        applies_if=plan, applies_if_values=["yes"],
    )  # fmt: skip
    chronology = Question.objects.create(
        section=section, order=3, code="CH", text="Is the chronology on file?",
        applies_if=supports, applies_if_values=["yes"], measures=MetricKey.CHRONOLOGY_ON_FILE,
    )  # fmt: skip
    audit = AuditFactory.create(tool_version=version, title="Plans March")
    for label, values in {
        "A": ("yes", "yes", "yes"),
        "B": ("yes", "no", "no"),
        "C": ("yes", "yes", "no"),
        "D": ("no", "yes", "yes"),
        "E": ("yes", "no", "yes"),
    }.items():
        case_audit = CaseAuditFactory.create(
            audit=audit, status=CaseAudit.Status.SUBMITTED, record_date=D(2014, 3, 5),
            child=ChildFactory.create(child_id=f"C-{label}"),
        )  # fmt: skip
        Answer.objects.bulk_create(
            Answer(case_audit=case_audit, question=question, value=value)
            for question, value in zip((plan, supports, chronology), values, strict=True)
        )
    return audit


def test_a_question_whose_condition_is_not_met_is_out_of_every_figure(client, manager, chained_audit):
    """A and C count (1 Yes of 2 -> 50%) on the results page, in the report, on the dashboard and in the
    drill-down; B, D and E (CH not asked) are in none of them."""
    expected = "50% (1 of 2)"

    ch = results.audit_results(chained_audit).question("CH")
    assert str(ch.figure) == expected
    assert ch.does_not_apply == 3

    client.force_login(manager)
    assert expected in client.get(reverse("audits-results", args=[chained_audit.uuid])).content.decode()

    (reported,) = [q for q in audit_content(chained_audit)["questions"] if q["code"] == "CH"]
    assert reported["figure"] == {"n": 1, "d": 2}
    assert reported["not_asked"] == 3

    metrics_recompute(today=TODAY)
    assert figure("chronology_on_file", MARCH, source="audit") == (1, 2)

    response = client.get(
        reverse("metrics-audit-drilldown", args=["chronology_on_file"]),
        {"start": "2014-03", "end": "2014-03"},
    )
    assert str(response.context["figure"]) == expected
    listed = {answer.case_audit.child.child_id: cells for answer, cells in response.context["rows"]}
    assert sorted(listed) == ["C-A", "C-C"]
    counts_as = response.context["headers"].index("Counts as")
    assert (listed["C-A"][counts_as], listed["C-C"][counts_as]) == ("1", "0")


def test_a_gate_answered_outside_the_subsample_does_not_open_its_question(chained_audit):
    """P1 made a sub-sample question: the cases are outside the sub-sample, so P1, and with it P2 and CH,
    are asked of none of them -> no cases (0 of 0) everywhere."""
    Question.objects.filter(code="P1", section__version=chained_audit.tool_version).update(
        subsample_only=True
    )
    assert str(results.audit_results(chained_audit).question("CH").figure) == "No cases (0 of 0)"
    metrics_recompute(today=TODAY)
    assert figure("chronology_on_file", MARCH, source="audit") == (0, 0)
