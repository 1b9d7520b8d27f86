"""Auditor and moderator agreement (audits.results.moderation_agreement) and its place on the results page."""

import pytest
from django.contrib.auth.models import User
from django.test import override_settings
from django.urls import reverse

from audits import results
from audits.models import Audit, CaseAudit, ModerationChange, Question
from tests.audits.test_results import scored_case
from tests.factories import AuditFactory, tool_version

pytestmark = pytest.mark.django_db

# Ten moderated cases. D2: the auditors said Yes, Yes, Yes, Yes, No, No, Yes, Yes, No, No; the moderators
# changed the last four (cases 6-9). Agreement 6 of 10; each side 6 Yes and 4 No, so chance agreement
# 0.36 + 0.16 = 0.52 and kappa (0.6 - 0.52) / 0.48 = 0.17. D3: six Yes and four No, none changed: kappa 1.
# Pooled, 20 pairs: agreement 16 of 20, each side 12 Yes and 8 No, chance 0.52: kappa 0.28 / 0.48 = 0.58.
AUDITORS_D2 = ["yes"] * 4 + ["no"] * 2 + ["yes", "yes", "no", "no"]
MODERATED_D2 = ["yes"] * 4 + ["no"] * 2 + ["no", "no", "yes", "yes"]
D3 = ["yes"] * 6 + ["no"] * 4


def _change(case_audit: CaseAudit, code: str, before: str, after: str) -> None:
    question = Question.objects.get(section__version=case_audit.audit.tool_version_id, code=code)
    ModerationChange.objects.create(
        case_audit=case_audit, question=question, field="value", before=before, after=after, reason="Checked"
    )


def moderated_audit() -> Audit:
    """Ten moderated cases as above, and one still awaiting moderation."""
    audit = AuditFactory.create(tool_version=tool_version("Domestic abuse"))
    for number in range(10):
        case_audit = scored_case(
            audit, {"D2": MODERATED_D2[number], "D3": D3[number]}, status=CaseAudit.Status.MODERATED
        )
        if AUDITORS_D2[number] != MODERATED_D2[number]:
            if number == 6:  # changed twice: the auditor's answer is the first change's "before"
                _change(case_audit, "D2", AUDITORS_D2[number], "partly")
                _change(case_audit, "D2", "partly", MODERATED_D2[number])
            else:
                _change(case_audit, "D2", AUDITORS_D2[number], MODERATED_D2[number])
    # A case still awaiting moderation counts for nothing here, even with a change recorded.
    waiting = scored_case(audit, {"D2": "no", "D3": "yes"}, status=CaseAudit.Status.SUBMITTED)
    _change(waiting, "D2", "yes", "no")
    return audit


@pytest.fixture
def audit() -> Audit:
    return moderated_audit()


def _question(audit: Audit, code: str) -> Question:
    return Question.objects.get(section__version=audit.tool_version_id, code=code)


def test_each_question_pairs_the_auditors_original_answers_with_the_moderated_ones(audit: Audit):
    moderation = results.moderation_agreement(audit)

    d2 = moderation.for_question(_question(audit, "D2"))
    d3 = moderation.for_question(_question(audit, "D3"))
    assert d2 is not None and d3 is not None
    assert (d2.agreement.pairs, d2.agreement.agreed) == (10, 6)
    assert d2.agreement.kappa.value == pytest.approx(0.08 / 0.48)
    assert d2.poor
    assert d3.agreement.kappa.value == pytest.approx(1.0)
    assert not d3.poor
    assert moderation.for_question(_question(audit, "D4")) is None  # not answered in these cases


def test_the_audit_as_a_whole_pools_every_questions_pairs(audit: Audit):
    moderation = results.moderation_agreement(audit)

    assert moderation.case_count == 10
    assert (moderation.overall.pairs, moderation.overall.agreed) == (20, 16)
    assert moderation.overall.kappa.value == pytest.approx(0.28 / 0.48)
    assert not moderation.poor


def _row(page: str, code: str) -> str:
    (row,) = [
        row for row in page.split('<tr class="govuk-table__row">') if f'font-weight-bold">{code}<' in row
    ]
    return row


def test_the_results_page_shows_the_agreement_and_flags_poor_questions(client, manager: User, audit: Audit):
    client.force_login(manager)

    page = client.get(reverse("audits-results", args=[audit.uuid])).content.decode()

    assert "Auditor and moderator agreement: kappa 0.58 (" in page
    assert "20 pairs); agreement 80% (16 of 20 pairs), over 10 moderated cases." in page
    d2, d3 = _row(page, "D2"), _row(page, "D3")
    assert "Auditor and moderator agreement: kappa 0.17 (" in d2
    assert "10 pairs)" in d2
    assert "Poor agreement" in d2
    assert "The question or its guidance may need work." in d2
    assert "Auditor and moderator agreement: kappa 1.00 (1.00 to 1.00, 10 pairs)" in d3
    assert "Poor agreement" not in d3
    assert "Auditor and moderator agreement" not in _row(page, "D4")


def test_the_poor_agreement_line_follows_the_setting(client, manager: User, audit: Audit):
    client.force_login(manager)

    with override_settings(AGREEMENT_POOR_BELOW=0.1):
        page = client.get(reverse("audits-results", args=[audit.uuid])).content.decode()

    assert "Poor agreement" not in _row(page, "D2")
    assert "kappa below 0.1)" in page


def test_an_audit_with_no_moderated_cases_shows_no_agreement(client, manager: User):
    audit = AuditFactory.create(tool_version=tool_version("Domestic abuse"))
    scored_case(audit, {"D2": "yes", "D3": "no"}, status=CaseAudit.Status.SUBMITTED)
    client.force_login(manager)

    page = client.get(reverse("audits-results", args=[audit.uuid])).content.decode()

    assert "Auditor and moderator agreement" not in page
    assert "Poor agreement" not in page
