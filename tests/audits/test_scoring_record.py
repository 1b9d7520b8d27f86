"""The scoring page's case record: the panel's facts, the record's answer shown as a suggestion, an
override saved only with a reason (autosave, a plain POST and submitting), and how often auditors
overrode the record in the audit's results."""

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audits import results, services
from audits.models import Answer, Audit, AuditorProfile, CaseAudit, Question
from cases.models import S47Enquiry
from tests.audits.test_services_scoring import S47, answer, answer_all, case_audit_for, questions
from tests.factories import (
    AuditFactory,
    CaseAuditFactory,
    ReferralFactory,
    S47EnquiryFactory,
    StrategyDiscussionFactory,
    WorkerFactory,
    tool_version,
)

D = datetime.date
pytestmark = pytest.mark.django_db
HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}
REASON = "Explain why your answer differs from the case record"


@pytest.fixture
def enquiry() -> S47Enquiry:
    """Completed on time, consent given, chronology on file, oversight recorded: every answer Yes, but
    the strategy discussion lacked health (No) and the referrer was never acknowledged (No)."""
    discussion = StrategyDiscussionFactory.create(
        discussion_id="SD-REC", date=D(2026, 3, 2), health_attended=False, child__child_id="C-RECORD",
        child__name="Synthetic Name Never Shown",
    )  # fmt: skip
    ReferralFactory.create(
        child=discussion.child, referral_id="R-REC", received_date=D(2026, 2, 27), source="school"
    )
    return S47EnquiryFactory.create(
        child=discussion.child, strategy_discussion=discussion, start_date=D(2026, 3, 2),
        end_date=D(2026, 3, 12), consent="given", chronology_on_file=True,
        management_oversight_date=D(2026, 3, 4), oversight_manager=WorkerFactory.create(name="Manager M"),
    )  # fmt: skip


@pytest.fixture
def case_audit(auditor: User, enquiry: S47Enquiry) -> CaseAudit:
    return case_audit_for(S47, auditor, child=enquiry.child, record_id=enquiry.pk, in_subsample=True)


def score_url(case_audit: CaseAudit) -> str:
    return reverse("audits-score", args=[case_audit.uuid])


def answer_url(case_audit: CaseAudit, code: str) -> str:
    return reverse("audits-answer", args=[case_audit.uuid, questions(case_audit)[code].pk])


def stored(case_audit: CaseAudit, code: str) -> Answer | None:
    return Answer.objects.filter(case_audit=case_audit, question__code=code).first()


# The panel and the suggestions --------------------------------------------------------------------


def test_the_panel_shows_the_referral_the_strategy_discussion_and_the_s47_facts(
    client: Client, auditor: User, case_audit: CaseAudit
):
    client.force_login(auditor)
    page = client.get(score_url(case_audit)).content.decode()
    assert "R-REC, received 27 February 2026 from School" in page
    assert "SD-REC, 2 March 2026" in page
    assert "Social care, Police" in page  # who attended
    assert "by Manager M" in page
    assert "Synthetic Name Never Shown" not in page


def test_a_field_its_source_did_not_hold_is_shown_as_unknown(
    client: Client, auditor: User, case_audit: CaseAudit, enquiry: S47Enquiry
):
    S47Enquiry.objects.filter(pk=enquiry.pk).update(
        unknown_fields=S47Enquiry.source_mask(["chronology_on_file"])
    )
    client.force_login(auditor)
    page = client.get(score_url(case_audit)).content.decode()
    assert "Unknown (not in its source)" in page
    r1 = page.split('id="q-R1"')[1].split('class="app-question')[0]
    assert "The case record says" not in r1  # unknown: no suggestion for the chronology question


def test_each_question_that_measures_a_standard_shows_the_records_answer(
    client: Client, auditor: User, case_audit: CaseAudit
):
    client.force_login(auditor)
    page = client.get(score_url(case_audit)).content.decode()

    def block(code: str) -> str:
        return page.split(f'id="q-{code}"')[1].split('class="app-question')[0]

    assert (
        "The case record says:</strong> Yes \N{EM DASH} completed on 12 March 2026, within 15 working days"
        in block("R4")
    )
    assert "The case record says:</strong> No \N{EM DASH} no acknowledgement to the referrer" in block("S1")
    assert "The case record says:</strong> Yes \N{EM DASH} a chronology is on file" in block("R1")
    assert 'name="override_reason"' in block("R1")
    assert "The case record says" not in block("R2")  # measures nothing
    assert 'name="override_reason"' not in block("R2")


@pytest.mark.parametrize(
    ("make_user", "shown"), [("auditor", True), ("moderator", True), ("partner_auditor", False)]
)
def test_the_childs_timeline_is_linked_only_for_roles_that_open_case_records(
    request: pytest.FixtureRequest, client: Client, enquiry: S47Enquiry, make_user: str, shown: bool
):
    user = request.getfixturevalue(make_user)
    agency = "police" if make_user == "partner_auditor" else "social_care"
    if make_user == "partner_auditor":
        AuditorProfile.objects.create(user=user, agency=agency)
    case_audit = case_audit_for(S47, user, child=enquiry.child, record_id=enquiry.pk, agency=agency)
    client.force_login(user)
    response = client.get(score_url(case_audit))
    assert response.status_code == 200
    link = f'href="{reverse("cases-child-detail", args=[enquiry.child.uuid])}"'
    assert (link in response.content.decode()) is shown
    assert ("See C-RECORD's timeline" in response.content.decode()) is shown


# Confirming and overriding ------------------------------------------------------------------------


def test_choosing_the_records_answer_needs_no_reason_and_stores_the_records_answer(
    client: Client, auditor: User, case_audit: CaseAudit
):
    client.force_login(auditor)
    response = client.post(answer_url(case_audit, "R4"), {"value": "yes", "revision": 0}, **HTMX)
    assert response.status_code == 200
    saved = stored(case_audit, "R4")
    assert saved is not None
    assert (saved.value, saved.record_value, saved.override_reason) == ("yes", "yes", "")


def test_an_autosave_reads_the_case_record_once_for_the_save_and_the_answer_it_draws(
    client: Client, auditor: User, case_audit: CaseAudit
):
    client.force_login(auditor)
    client.get(score_url(case_audit))  # the first request after sign-in saves the session
    with CaptureQueriesContext(connection) as queries:
        response = client.post(answer_url(case_audit, "R4"), {"value": "yes", "revision": 0}, **HTMX)
    assert response.status_code == 200 and "The case record says" in response.content.decode()
    enquiry_reads = [q["sql"] for q in queries if 'FROM "cases_s47enquiry"' in q["sql"]]
    referral_reads = [q["sql"] for q in queries if 'FROM "cases_referral"' in q["sql"]]
    assert (len(enquiry_reads), len(referral_reads)) == (1, 1)
    saved = stored(case_audit, "R4")
    assert saved is not None and saved.record_value == "yes"


def test_an_override_without_a_reason_is_refused_on_autosave(
    client: Client, auditor: User, case_audit: CaseAudit
):
    client.force_login(auditor)
    response = client.post(answer_url(case_audit, "R4"), {"value": "no", "revision": 0}, **HTMX)
    assert response.status_code == 400
    body = response.content.decode()
    assert f"Question R4 not saved: {REASON}" in body
    assert 'id="q-R4-override-reason-error"' in body
    assert stored(case_audit, "R4") is None


def test_an_override_with_a_reason_is_saved_with_the_records_answer(
    client: Client, auditor: User, case_audit: CaseAudit
):
    client.force_login(auditor)
    data = {"value": "no", "override_reason": "The end date was entered late", "revision": 0}
    response = client.post(answer_url(case_audit, "R4"), data, **HTMX)
    assert response.status_code == 200
    saved = stored(case_audit, "R4")
    assert saved is not None
    saved.refresh_from_db()
    assert (saved.value, saved.record_value, saved.override_reason) == (
        "no",
        "yes",
        "The end date was entered late",
    )


def test_an_override_without_a_reason_posted_without_javascript_shows_the_error_summary(
    client: Client, auditor: User, case_audit: CaseAudit
):
    client.force_login(auditor)
    response = client.post(
        answer_url(case_audit, "R4"), {"value": "partly", "evidence": "Late", "revision": 0}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "<title>Error:" in body
    assert "There is a problem" in body
    assert f'<a href="#q-R4-override-reason">{REASON}</a>' in body
    # What the auditor chose is shown again, not lost.
    assert 'id="q-R4-value-partly" name="value" type="radio" value="partly" checked' in body
    assert stored(case_audit, "R4") is None


def test_a_notes_only_save_of_an_override_keeps_its_reason(
    client: Client, auditor: User, case_audit: CaseAudit
):
    answer(case_audit, "R4", auditor, "no", override_reason="End date wrong")
    client.force_login(auditor)
    response = client.post(
        answer_url(case_audit, "R4"), {"evidence": "See the case notes", "revision": 1}, **HTMX
    )
    assert response.status_code == 200
    saved = stored(case_audit, "R4")
    assert saved is not None and (saved.override_reason, saved.evidence) == (
        "End date wrong",
        "See the case notes",
    )


def test_a_question_the_record_does_not_answer_takes_any_answer_without_a_reason(
    auditor: User, case_audit: CaseAudit
):
    saved = answer(case_audit, "R2", auditor, "no")
    assert (saved.value, saved.record_value) == ("no", "")


def test_submitting_with_an_unexplained_override_lists_it_with_a_link_to_the_reason(
    client: Client, auditor: User, case_audit: CaseAudit
):
    answer_all(case_audit, auditor, "yes", override_reason="Checked")
    r1 = stored(case_audit, "R1")
    assert r1 is not None
    # A reason given once, then cleared: the override stands unexplained.
    answer(case_audit, "R1", auditor, "no", override_reason="Old chronology")
    Answer.objects.filter(pk=r1.pk).update(override_reason="")
    services.grade_save(case_audit=case_audit, user=auditor, grade="good", revision=0)
    client.force_login(auditor)
    response = client.post(reverse("audits-submit", args=[case_audit.uuid]))
    assert response.status_code == 400
    body = response.content.decode()
    assert (
        '<a href="#q-R1-override-reason">Explain why your answer to question R1 differs from the case record</a>'
        in body
    )
    assert 'id="q-R1-override-reason-error"' in body
    case_audit.refresh_from_db()
    assert case_audit.status == CaseAudit.Status.IN_PROGRESS


def test_the_moderation_page_shows_the_records_answer_and_the_auditors_reason(
    client: Client, auditor: User, moderator: User, case_audit: CaseAudit
):
    answer_all(case_audit, auditor, "yes", override_reason="The referral file has the letter")
    services.grade_save(case_audit=case_audit, user=auditor, grade="good", revision=0)
    services.case_audit_submit(case_audit=case_audit, user=auditor)
    client.force_login(moderator)
    body = client.get(reverse("audits-moderate", args=[case_audit.uuid])).content.decode()
    assert "Overrode the case record (No): The referral file has the letter" in body
    assert "R-REC, received 27 February 2026" in body


# Results -------------------------------------------------------------------------------------------


def test_results_count_overrides_of_the_record_per_question_and_in_total():
    """R4 measures the S47 timescale: 3 cases answered where the record said Yes, 1 of them No ->
    "1 of 3 (33%)". R1 measures the chronology: 3 answered, the record said Yes, all Yes -> 0 of 3.
    S1 (referrer) answered where the record held none: not counted. Total: 1 of 6 (17%)."""
    audit = AuditFactory.create(tool_version=tool_version(S47))
    by_code = {q.code: q for q in Question.objects.filter(section__version=audit.tool_version)}
    for r4_value in ("yes", "yes", "no"):
        case_audit = CaseAuditFactory.create(audit=audit, status=CaseAudit.Status.SUBMITTED)
        Answer.objects.bulk_create(
            [
                Answer(case_audit=case_audit, question=by_code["R4"], value=r4_value, record_value="yes"),
                Answer(case_audit=case_audit, question=by_code["R1"], value="yes", record_value="yes"),
                Answer(case_audit=case_audit, question=by_code["S1"], value="no", record_value=""),
            ]
        )
    found = results.audit_results(Audit.objects.get(pk=audit.pk))
    r4 = found.question("R4")
    assert (r4.record_overrides, r4.record_answers, r4.overrides.percent) == (1, 3, 33)
    assert (found.question("R1").record_overrides, found.question("R1").record_answers) == (0, 3)
    assert found.question("S1").record_answers == 0
    assert (found.overrides.numerator, found.overrides.denominator, found.overrides.percent) == (1, 6, 17)


def test_the_results_page_shows_the_override_rate_with_numerator_and_denominator(
    client: Client, manager: User
):
    audit = AuditFactory.create(tool_version=tool_version(S47), lead=manager)
    r4 = Question.objects.get(section__version=audit.tool_version, code="R4")
    for value in ("no", "yes", "yes", "yes"):
        case_audit = CaseAuditFactory.create(audit=audit, status=CaseAudit.Status.SUBMITTED)
        Answer.objects.create(case_audit=case_audit, question=r4, value=value, record_value="yes")
    client.force_login(manager)
    body = client.get(reverse("audits-results", args=[audit.uuid])).content.decode()
    assert "Overrode the case record in 1 of 4 answers (25%)" in body
    assert (
        'id="record-overrides">Across the questions the case record answers: Overrode the case record in 1 of 4 answers (25%)'
        in " ".join(body.split())
    )
