"""The double-scoring pages: an audit's double-scored cases, and reconciling a pair side by side."""

import pytest
from django.urls import reverse

from audits.models import Answer, CaseAudit, ReconciledAnswer
from common import roles
from tests.audits.double_world import double_audit, pair, question
from tests.factories import CaseAuditFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return (
        UserFactory.create(first_name="Fay", last_name="First", roles=[roles.AUDITOR]),
        UserFactory.create(first_name="Sid", last_name="Second", roles=[roles.AUDITOR]),
    )


@pytest.fixture
def ready(people):
    """A pair, both submitted, disagreeing on D1 (Yes / No) and D3 (Yes / Partly), agreeing on D2."""
    audit = double_audit()
    return pair(
        audit,
        people,
        {"D1": "yes", "D2": "no", "D3": "yes"},
        {"D1": "no", "D2": "no", "D3": "partly"},
        child_id="C-PAIR",
    )


def url(case_audit: CaseAudit) -> str:
    return reverse("audits-reconcile", args=[case_audit.uuid])


def test_the_pairs_page_lists_each_double_scored_case_with_its_state(client, manager, people, ready):
    first, _second = ready
    pair(first.audit, people, {"D1": "yes"}, {}, submitted=(True, False), child_id="C-WAIT")
    client.force_login(manager)
    page = client.get(reverse("audits-pairs", args=[first.audit.uuid])).content.decode()
    assert "C-PAIR" in page and "To reconcile: 2 disagreements" in page
    assert "C-WAIT" in page and "Scoring: 1 of 2 submitted" in page
    assert "Fay First" in page and "Sid Second" in page
    assert url(first) not in page  # a QA lead sees the pairs; moderators reconcile


def test_a_moderator_sees_both_scorings_side_by_side_with_the_disagreements_highlighted(
    client, moderator, ready
):
    first, _second = ready
    client.force_login(moderator)
    response = client.get(url(first))
    assert response.status_code == 200
    page = response.content.decode()
    table = page[page.index('id="side-by-side"') : page.index("</table>", page.index('id="side-by-side"'))]
    rows = table.split('<tr class="govuk-table__row')
    disagreeing = [row for row in rows if "app-row--disagree" in row.split(">")[0]]
    assert [r for r in disagreeing if "D1" in r] and [r for r in disagreeing if "D3" in r]
    assert not [r for r in disagreeing if '<span class="govuk-!-font-weight-bold">D2</span>' in r]
    assert "Agreed answer to D1" in page and "Agreed answer to D3" in page
    assert "Agreed answer to D2" not in page


def test_a_reason_is_required_for_each_agreed_answer(client, moderator, ready):
    first, _second = ready
    d1, d3 = question(first.audit, "D1"), question(first.audit, "D3")
    client.force_login(moderator)
    response = client.post(url(first), {f"value_{d1.pk}": "partly", f"value_{d3.pk}": "yes"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert f'<a href="#reason_{d1.pk}">Enter the reason for the agreed answer to question D1</a>' in page
    assert f'<a href="#reason_{d3.pk}">Enter the reason for the agreed answer to question D3</a>' in page
    assert not ReconciledAnswer.objects.exists()


def test_reconciling_saves_the_agreed_answers_and_keeps_both_originals(client, moderator, ready):
    first, second = ready
    d1, d3 = question(first.audit, "D1"), question(first.audit, "D3")
    client.force_login(moderator)
    response = client.post(
        url(first),
        {
            f"value_{d1.pk}": "partly",
            f"reason_{d1.pk}": "Shared, but late",
            f"value_{d3.pk}": "yes",
            f"reason_{d3.pk}": "Direction is on file",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("audits-pairs", args=[first.audit.uuid])
    first.refresh_from_db()
    assert first.reconciled_by == moderator
    assert dict(first.reconciled_answers.values_list("question__code", "value")) == {
        "D1": "partly",
        "D3": "yes",
    }
    assert dict(Answer.objects.filter(case_audit=first).values_list("question__code", "value")) == {
        "D1": "yes", "D2": "no", "D3": "yes"
    }  # fmt: skip
    assert dict(Answer.objects.filter(case_audit=second).values_list("question__code", "value")) == {
        "D1": "no", "D2": "no", "D3": "partly"
    }  # fmt: skip
    page = client.get(url(first)).content.decode()
    assert "Reconciled" in page and "Shared, but late" in page


def test_before_both_submit_the_page_shows_no_answers(client, moderator, people):
    first, _second = pair(double_audit(), people, {"D1": "yes"}, {"D1": "no"}, submitted=(True, False))
    client.force_login(moderator)
    page = client.get(url(first)).content.decode()
    assert "Scoring: 1 of 2 submitted" in page
    assert 'id="side-by-side"' not in page
    response = client.post(url(first), {})
    assert response.status_code == 200
    first.refresh_from_db()
    assert first.reconciled_at is None


def test_an_auditor_of_the_pair_may_not_reconcile_it_even_as_a_moderator(client, people, ready):
    first, second = ready
    moderator_too = UserFactory.create(roles=[roles.AUDITOR, roles.MODERATOR])
    CaseAudit.objects.filter(pk=second.pk).update(auditor=moderator_too)
    client.force_login(moderator_too)
    assert client.get(url(first)).status_code == 403


def test_a_case_scored_once_has_no_reconciliation(client, moderator):
    single = CaseAuditFactory.create(status=CaseAudit.Status.SUBMITTED)
    client.force_login(moderator)
    assert client.get(url(single)).status_code == 404


def test_the_reconcile_page_refuses_other_methods_and_roles(client, moderator, manager, auditor, ready):
    first, _second = ready
    client.force_login(moderator)
    assert client.put(url(first)).status_code == 405
    for person in (manager, auditor):
        client.force_login(person)
        assert client.get(url(first)).status_code == 403


def test_each_auditor_is_told_their_case_is_scored_twice_blind(client, people, ready):
    first, second = ready
    CaseAudit.objects.filter(pk__in=[first.pk, second.pk]).update(status=CaseAudit.Status.IN_PROGRESS)
    for person, scoring, label in (
        (people[0], first, "The first scoring"),
        (people[1], second, "The second scoring"),
    ):
        client.force_login(person)
        page = client.get(reverse("audits-score", args=[scoring.uuid])).content.decode()
        assert f"{label} of a case scored twice, blind" in page


def test_a_case_scored_once_says_nothing_of_double_scoring(client, auditor):
    single = CaseAuditFactory.create(auditor=auditor)
    client.force_login(auditor)
    assert "Scored twice" not in client.get(reverse("audits-score", args=[single.uuid])).content.decode()
