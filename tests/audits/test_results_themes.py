"""Theme counts per audit on the results page: findings tagged, how many confirmed, the notes behind them."""

import pytest
from django.urls import reverse
from django.utils import timezone

from audits import results
from audits.models import Answer, AnswerTheme, Audit, Theme
from tests.audits.test_results import reference_cases, scored_case
from tests.factories import AuditFactory, ChildFactory, tool_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def audit() -> Audit:
    audit = AuditFactory.create(title="Domestic abuse February", tool_version=tool_version("Domestic abuse"))
    for number, answers in enumerate(reference_cases()[:3]):
        scored_case(
            audit,
            answers,
            grade="good",
            child=ChildFactory.create(child_id=f"C-REF-{number:02d}", name="Synthetic Child"),
        )
    voice, sharing = (
        Theme.objects.get(name="Voice of the child"),
        Theme.objects.get(name="Information sharing"),
    )
    for index, answer in enumerate(Answer.objects.filter(case_audit__audit=audit, question__code="D1")):
        answer.evidence = f"Child's views not sought {index}"
        answer.save()
        AnswerTheme.objects.create(
            answer=answer, theme=voice, confirmed_at=timezone.now() if index == 0 else None
        )
    first = Answer.objects.filter(case_audit__audit=audit, question__code="D4").first()
    assert first is not None
    AnswerTheme.objects.create(answer=first, theme=sharing)
    return audit


def test_it_counts_the_findings_of_each_theme_and_the_confirmed_ones(audit):
    """3 D1 findings tagged Voice of the child, 1 confirmed; 1 D4 finding tagged Information sharing."""
    counts = {count.theme.name: count for count in results.theme_counts(audit)}
    assert (counts["Voice of the child"].findings, counts["Voice of the child"].confirmed) == (3, 1)
    assert (counts["Information sharing"].findings, counts["Information sharing"].confirmed) == (1, 0)
    quotes = counts["Voice of the child"].quotes
    assert [(q.question_code, q.case) for q in quotes] == [
        ("D1", "Case 1"),
        ("D1", "Case 2"),
        ("D1", "Case 3"),
    ]


def test_the_results_page_shows_the_themes_and_quotes_without_naming_a_child(client, manager, audit):
    client.force_login(manager)
    page = client.get(reverse("audits-results", args=[audit.uuid])).content.decode()
    assert "Learning themes" in page
    assert "Child&#x27;s views not sought 0" in page
    assert "Question D1, Case 1 (confirmed)" in page
    assert "Synthetic Child" not in page
    assert "C-REF-" not in page


def test_a_lead_raises_a_theme_as_an_issue_from_its_row(client, manager, audit):
    client.force_login(manager)
    page = client.get(reverse("audits-results", args=[audit.uuid])).content.decode()
    link = f"{reverse('actions-plan-create')}?audit={audit.uuid}&amp;learning_theme=Voice%20of%20the%20child"
    assert link in page


def test_a_report_officer_sees_the_themes_but_no_link_to_raise_them(client, report_officer, audit):
    client.force_login(report_officer)
    page = client.get(reverse("audits-results", args=[audit.uuid])).content.decode()
    assert "Voice of the child" in page
    assert "Raise as an issue" not in page


def test_the_trend_counts_each_theme_per_audit_in_planned_month_order(audit):
    """The fixture's audit: Voice of the child 3 (1 confirmed); a later audit with one Voice tag."""
    later = AuditFactory.create(
        title="Neglect March",
        tool_version=tool_version("Domestic abuse"),
        planned_month=audit.planned_month.replace(year=audit.planned_month.year + 1),
    )
    scored_case(later, reference_cases()[0], grade="good")
    answer = Answer.objects.filter(case_audit__audit=later, question__code="D1").get()
    AnswerTheme.objects.create(answer=answer, theme=Theme.objects.get(name="Voice of the child"))
    trend = results.theme_trend()
    assert [a.title for a in trend.audits] == ["Domestic abuse February", "Neglect March"]
    rows = {theme.name: cells for theme, cells in trend.rows}
    assert rows == {"Information sharing": [(1, 0), (0, 0)], "Voice of the child": [(3, 1), (1, 0)]}


def test_the_trend_page_shows_the_counts(client, report_officer, audit):
    client.force_login(report_officer)
    page = client.get(reverse("audits-theme-trend")).content.decode()
    assert "Domestic abuse February" in page
    assert "3 (1)" in page
    assert "C-REF-" not in page
