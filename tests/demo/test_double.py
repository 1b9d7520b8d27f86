"""The demo double-scored audit: four pairs, some disagreements, one reconciled, one still blind; the same
answers every time from the seed."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from audits import double, results
from audits.access import case_audits_visible_to
from audits.models import Answer, Audit, CaseAudit, ReconciledAnswer
from demo.double import DEMO_DOUBLE_TITLE

pytestmark = pytest.mark.django_db


def _load() -> Audit:
    call_command("load_demo", "--children", "200", stdout=StringIO())
    return Audit.objects.get(title=DEMO_DOUBLE_TITLE)


def _answers(audit: Audit) -> list[tuple]:
    return sorted(
        Answer.objects.filter(case_audit__audit=audit).values_list(
            "case_audit__record_id", "case_audit__scoring", "question__code", "value", "text", "evidence"
        )
    )


def test_the_demo_has_a_double_scored_audit_with_disagreements_and_one_reconciled_pair(settings):
    settings.DEBUG = True
    audit = _load()
    pairs = double.audit_pairs(audit)
    assert len(pairs) == 4
    assert {p.auditors for p in pairs} == {("Alex Auditor", "Jamie Second")}
    reconciled = [p for p in pairs if p.reconciled]
    assert len(reconciled) == 1
    assert ReconciledAnswer.objects.filter(case_audit=reconciled[0].first).count() >= 2
    assert [p.both_submitted for p in pairs] == [True, True, True, False]
    waiting = pairs[1]
    assert len(double.disagreements(waiting)) >= 2
    assert double.disagreements(pairs[2]) == []
    # Blind: the demo auditor has not submitted pair 4, so cannot see its second scoring.
    alex = User.objects.get(username="auditor")
    assert pairs[3].first.auditor == alex
    assert not case_audits_visible_to(alex).filter(pk=pairs[3].second.pk).exists()
    counted = results.audit_results(audit)
    assert counted.case_count == 7  # 4 scored once and 3 pairs with the first scoring submitted, once each
    assert (counted.reconciled, counted.awaiting_reconciliation) == (1, 2)
    assert double.double_agreement(audit).pair_count == 3
    assert CaseAudit.objects.filter(audit=audit, scoring=2).count() == 4


def test_the_demo_double_scoring_is_the_same_from_the_seed_and_loaded_once(settings):
    settings.DEBUG = True
    audit = _load()
    first = _answers(audit)
    call_command("load_demo", "--children", "200", stdout=StringIO())
    assert Audit.objects.filter(title=DEMO_DOUBLE_TITLE).count() == 1
    Audit.objects.filter(title=DEMO_DOUBLE_TITLE).delete()
    again = _answers(_load())
    assert again == first
