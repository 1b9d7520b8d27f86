"""My audits and the scoring page: answers autosaved by static/app/autosave.mjs (the fragment requests
here) or posted without JavaScript."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audits import services
from audits.models import Answer, AuditorProfile, CaseAudit
from common.models import AccessLogEntry
from tests.audits.test_services_scoring import (
    DOMESTIC_ABUSE,
    S47,
    answer,
    answer_all,
    case_audit_for,
    questions,
)
from tests.factories import (
    AuditFactory,
    CaseAuditFactory,
    ReferralFactory,
    S47EnquiryFactory,
    StrategyDiscussionFactory,
    UserFactory,
    tool_version,
)

D = datetime.date
pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def enquiry():
    return S47EnquiryFactory.create(
        child__child_id="C-SCORE",
        start_date=D(2014, 3, 3),
        end_date=D(2014, 3, 25),
        consent="given",
        chronology_on_file=True,
    )


@pytest.fixture
def case_audit(auditor, enquiry) -> CaseAudit:
    audit = AuditFactory.create(title="Domestic abuse February", tool_version=tool_version(DOMESTIC_ABUSE))
    return CaseAuditFactory.create(audit=audit, auditor=auditor, child=enquiry.child, record_id=enquiry.pk)


def score_url(case_audit: CaseAudit) -> str:
    return reverse("audits-score", args=[case_audit.uuid])


def answer_url(case_audit: CaseAudit, code: str) -> str:
    return reverse("audits-answer", args=[case_audit.uuid, questions(case_audit)[code].pk])


def stored(case_audit: CaseAudit, code: str) -> Answer | None:
    return Answer.objects.filter(case_audit=case_audit, question__code=code).first()


def stored_answer(case_audit: CaseAudit, code: str) -> Answer:
    """The stored answer, which the test expects there."""
    answer = stored(case_audit, code)
    assert answer is not None, f"no answer to {code}"
    return answer


# My audits ----------------------------------------------------------------------------------------


def test_my_audits_lists_the_cases_assigned_to_the_auditor_only(client, auditor, case_audit):
    CaseAuditFactory.create(
        audit=case_audit.audit, auditor=UserFactory.create(username="auditor-bea"), child__child_id="C-BEA"
    )
    client.force_login(auditor)
    response = client.get(reverse("audits-mine"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Domestic abuse February" in page
    assert "C-SCORE" in page
    assert "C-BEA" not in page
    assert score_url(case_audit) in page


def test_my_audits_tags_an_overdue_case_red(client, auditor, case_audit):
    case_audit.due_date = D(2014, 3, 31)
    case_audit.save()
    client.force_login(auditor)
    page = client.get(reverse("audits-mine")).content.decode()
    assert '<strong class="govuk-tag govuk-tag--red">Overdue</strong>' in page


def test_a_partner_agency_auditor_sees_only_their_agencys_cases_assigned_to_them(client, partner_auditor):
    AuditorProfile.objects.create(user=partner_auditor, agency="police")
    audit = AuditFactory.create(title="Strategy meetings", agencies=["social_care", "police"])
    police = CaseAuditFactory.create(
        audit=audit, agency="police", auditor=partner_auditor, child__child_id="C-POLICE"
    )
    social_care = CaseAuditFactory.create(
        audit=audit, agency="social_care", auditor=partner_auditor, child__child_id="C-SOCIAL"
    )
    CaseAuditFactory.create(audit=audit, agency="police", child__child_id="C-NOT-MINE")
    client.force_login(partner_auditor)
    page = client.get(reverse("audits-mine")).content.decode()
    assert "C-POLICE" in page
    assert "C-SOCIAL" not in page
    assert "C-NOT-MINE" not in page
    assert client.get(score_url(police)).status_code == 200
    assert client.get(score_url(social_care)).status_code == 404


def test_my_audits_takes_the_same_queries_for_many_cases(client, auditor, django_assert_max_num_queries):
    audit = AuditFactory.create()
    CaseAuditFactory.create_batch(12, audit=audit, auditor=auditor)
    client.force_login(auditor)
    # session, user, roles, the case audits, the access-log entry and the children it names; then the
    # session saved (the first request after sign-in moves its idle expiry on)
    with django_assert_max_num_queries(9):
        assert client.get(reverse("audits-mine")).status_code == 200


@pytest.mark.parametrize(
    "persona", ["report_officer", "panel_member", "moderator", "outsider"], indirect=True
)
def test_roles_that_do_not_score_get_403_on_my_audits(client, persona):
    client.force_login(persona)
    assert client.get(reverse("audits-mine")).status_code == 403


def test_my_audits_needs_a_login(client):
    assert client.get(reverse("audits-mine")).status_code == 302


# The scoring page ---------------------------------------------------------------------------------


def test_the_scoring_page_shows_the_case_record_and_the_questions_that_apply(client, auditor, case_audit):
    client.force_login(auditor)
    response = client.get(score_url(case_audit))
    assert response.status_code == 200
    page = response.content.decode()
    assert "25 March 2014 (target 24 March 2014)" in page  # the S47's facts
    assert 'id="q-D1"' in page
    assert 'id="q-D4"' in page
    assert 'id="q-D5"' not in page  # asked only once D4 is Yes
    assert f'action="{answer_url(case_audit, "D1")}" novalidate data-autosave="question D1"' in page
    assert 'id="q-D1-status" role="status" aria-live="polite"' in page
    assert 'name="revision" value="0"' in page
    assert "app/app.mjs" in page and "htmx.min.js" not in page  # autosave.mjs saves, imported by app.mjs
    assert "<script>" not in page and "style=" not in page  # the Content Security Policy forbids inline code


def test_the_scoring_page_records_who_viewed_the_case_audit(client, auditor, case_audit):
    client.force_login(auditor)
    client.get(score_url(case_audit))
    assert AccessLogEntry.objects.filter(
        user=auditor, action="view", object_type="case audit", object_ref=str(case_audit.uuid)
    ).exists()


def test_a_conditional_question_shows_once_its_gate_holds(client, auditor, case_audit):
    answer(case_audit, "D4", auditor, "yes")
    client.force_login(auditor)
    page = client.get(score_url(case_audit)).content.decode()
    assert 'id="q-D5"' in page
    assert "Asked because the answer to question D4 is Yes." in page


def test_subsample_only_questions_show_only_for_a_case_in_the_subsample(client, auditor, enquiry):
    outside = case_audit_for(S47, auditor, child=enquiry.child, record_id=enquiry.pk, in_subsample=False)
    inside = case_audit_for(
        S47, auditor, audit=outside.audit, child=enquiry.child, record_id=enquiry.pk + 1000, in_subsample=True
    )
    client.force_login(auditor)
    assert 'id="q-C1"' not in client.get(score_url(outside)).content.decode()
    assert 'id="q-C1"' in client.get(score_url(inside)).content.decode()


def test_the_scoring_page_shows_a_strategy_discussions_attendance(client, auditor):
    discussion = StrategyDiscussionFactory.create(health_attended=False, education_attended=True)
    audit = AuditFactory.create(
        frame_type="strategy", tool_version=tool_version("Strategy meetings and S47 (multi-agency)")
    )
    case_audit = CaseAuditFactory.create(
        audit=audit, auditor=auditor, child=discussion.child, record_id=discussion.pk
    )
    client.force_login(auditor)
    page = client.get(score_url(case_audit)).content.decode()
    assert "Social care, Police, Education" in page


def test_the_scoring_page_shows_a_referrals_acknowledgement(client, auditor):
    referral = ReferralFactory.create(
        referral_id="R-ACK", acknowledgement_date=D(2014, 2, 21), acknowledgement_method="email"
    )
    audit = AuditFactory.create(frame_type="referral")
    case_audit = CaseAuditFactory.create(
        audit=audit, auditor=auditor, child=referral.child, record_id=referral.pk
    )
    client.force_login(auditor)
    page = client.get(score_url(case_audit)).content.decode()
    assert "R-ACK" in page
    assert "21 February 2014 by email" in page


def test_a_moderator_sees_the_scoring_page_read_only(client, moderator, auditor, case_audit):
    answer(case_audit, "D1", auditor, "partly", evidence="Late police checks")
    client.force_login(moderator)
    response = client.get(score_url(case_audit))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Late police checks" in page
    assert "<form" not in page.split('id="main-content"')[1]
    assert "only its auditor can change it" in page


def test_a_moderator_gets_403_on_saving_an_answer(client, moderator, case_audit):
    client.force_login(moderator)
    response = client.post(answer_url(case_audit, "D1"), {"value": "no", "revision": 0})
    assert response.status_code == 403
    assert stored(case_audit, "D1") is None


def test_another_auditor_gets_404_for_a_case_audit_not_assigned_to_them(client, case_audit):
    colleague = UserFactory.create(username="auditor-bea", roles=["Auditor"])
    client.force_login(colleague)
    assert client.get(score_url(case_audit)).status_code == 404
    assert client.post(answer_url(case_audit, "D1"), {"value": "no", "revision": 0}).status_code == 404
    assert stored(case_audit, "D1") is None


@pytest.mark.parametrize("persona", ["report_officer", "panel_member", "outsider"], indirect=True)
def test_roles_without_case_audits_get_403_on_scoring(client, persona, case_audit):
    client.force_login(persona)
    assert client.get(score_url(case_audit)).status_code == 403
    assert client.post(answer_url(case_audit, "D1"), {"value": "no", "revision": 0}).status_code == 403
    assert client.post(reverse("audits-grade", args=[case_audit.uuid]), {"revision": 0}).status_code == 403
    assert client.post(reverse("audits-submit", args=[case_audit.uuid])).status_code == 403


def test_the_scoring_page_takes_the_same_queries_however_many_questions(
    client, auditor, enquiry, django_assert_max_num_queries
):
    """A full S47 tool (15 questions, the sub-sample's included, every one answered) and a short one."""
    full = case_audit_for(S47, auditor, child=enquiry.child, record_id=enquiry.pk, in_subsample=True)
    answer_all(full, auditor, override_reason="The record's end date is wrong")
    answer(full, "F1", auditor, "", text="Thorough")
    short = case_audit_for(
        "Strategy meetings and S47 (multi-agency)", auditor, child=enquiry.child, record_id=enquiry.pk
    )
    client.force_login(auditor)
    client.get(score_url(short))  # warms the session and the user's roles
    with CaptureQueriesContext(connection) as short_queries:
        client.get(score_url(short))
    # session, user, roles, case audit, access log, questions, answers, the S47 and the referral that led
    # to it; whether the case is scored twice; the session saved; the learning themes offered, the answers'
    # and the grade note's
    with django_assert_max_num_queries(17):  # the child, for the access log
        response = client.get(score_url(full))
    assert response.content.decode().count('class="app-question') == 15
    with CaptureQueriesContext(connection) as full_queries:
        client.get(score_url(full))
    assert len(full_queries) == len(short_queries)


@pytest.mark.parametrize("url_name", ["audits-score", "audits-mine"])
def test_the_pages_refuse_post(client, auditor, case_audit, url_name):
    client.force_login(auditor)
    url = reverse(url_name, args=[case_audit.uuid]) if url_name == "audits-score" else reverse(url_name)
    assert client.post(url).status_code == 405


# Saving an answer ---------------------------------------------------------------------------------


def test_an_answer_posted_without_javascript_is_saved_and_redirects_to_the_question(
    client, auditor, case_audit
):
    client.force_login(auditor)
    response = client.post(
        answer_url(case_audit, "D1"), {"value": "partly", "evidence": "Police shared late", "revision": 0}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{score_url(case_audit)}#q-D1"
    saved = stored_answer(case_audit, "D1")
    assert (saved.value, saved.evidence, saved.revision, saved.updated_by) == (
        "partly",
        "Police shared late",
        1,
        auditor,
    )
    case_audit.refresh_from_db()
    assert case_audit.status == CaseAudit.Status.IN_PROGRESS


def test_an_htmx_save_returns_the_question_partial_with_the_new_revision(client, auditor, case_audit):
    answer(case_audit, "D1", auditor, "no")
    client.force_login(auditor)
    response = client.post(answer_url(case_audit, "D1"), {"value": "yes", "revision": 1}, **HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" not in page
    assert page.count('class="app-question') == 1
    assert 'id="q-D1"' in page
    assert 'name="revision" value="2"' in page
    assert "Saved at " in page
    assert 'id="scoring-live" hx-swap-oob="innerHTML">Question D1 saved at' in page
    assert (
        'id="case-status" hx-swap-oob="true"><strong class="govuk-tag govuk-tag--light-blue">In progress'
        in page
    )
    assert stored_answer(case_audit, "D1").value == "yes"


def test_the_first_save_changes_the_case_status_in_the_page_header(client, auditor, case_audit):
    """The fragment carries the header's status out of band: Not started -> In progress, no reload."""
    client.force_login(auditor)
    assert 'id="case-status"><strong class="govuk-tag govuk-tag--grey">Not started' in (
        client.get(score_url(case_audit)).content.decode()
    )
    response = client.post(answer_url(case_audit, "D1"), {"value": "no", "revision": 0}, **HTMX)
    assert '<dd class="govuk-summary-list__value" id="case-status" hx-swap-oob="true">' in (
        response.content.decode()
    )
    assert "In progress" in response.content.decode()


@pytest.mark.parametrize("with_htmx", [True, False], ids=["autosave", "no JavaScript"])
def test_a_save_that_carries_only_the_notes_keeps_the_answer(client, auditor, case_audit, with_htmx):
    """No radio checked sends no value at all: the stored Partly stays, the notes change."""
    answer(case_audit, "D1", auditor, "partly", evidence="First notes")
    client.force_login(auditor)
    headers = HTMX if with_htmx else {}
    response = client.post(
        answer_url(case_audit, "D1"), {"evidence": "Later notes", "revision": 1}, **headers
    )
    assert response.status_code == (200 if with_htmx else 302)
    saved = stored_answer(case_audit, "D1")
    assert (saved.value, saved.evidence, saved.revision) == ("partly", "Later notes", 2)


def test_a_save_that_carries_only_the_answer_keeps_the_notes(client, auditor, case_audit):
    answer(case_audit, "D1", auditor, "partly", evidence="Police shared late")
    client.force_login(auditor)
    client.post(answer_url(case_audit, "D1"), {"value": "no", "revision": 1}, **HTMX)
    saved = stored_answer(case_audit, "D1")
    assert (saved.value, saved.evidence) == ("no", "Police shared late")


def test_notes_emptied_on_purpose_are_saved_empty(client, auditor, case_audit):
    answer(case_audit, "D1", auditor, "partly", evidence="Wrong case")
    client.force_login(auditor)
    client.post(answer_url(case_audit, "D1"), {"value": "partly", "evidence": "", "revision": 1}, **HTMX)
    assert stored_answer(case_audit, "D1").evidence == ""


def test_a_free_text_answer_is_saved(client, auditor, case_audit):
    client.force_login(auditor)
    response = client.post(
        answer_url(case_audit, "F1"), {"text": "Good MARAC referral", "revision": 0}, **HTMX
    )
    assert response.status_code == 200
    assert stored_answer(case_audit, "F1").text == "Good MARAC referral"


def test_changing_a_gating_answer_redraws_every_question(client, auditor, case_audit):
    client.force_login(auditor)
    response = client.post(answer_url(case_audit, "D4"), {"value": "yes", "revision": 0}, **HTMX)
    assert response.status_code == 200
    assert (response["HX-Retarget"], response["HX-Reswap"]) == ("#questions", "outerHTML")
    page = response.content.decode()
    assert page.startswith('<div id="questions">') or '<div id="questions">' in page
    assert 'id="q-D5"' in page and 'id="q-D6"' in page
    assert 'id="q-D7"' not in page  # D7 waits for D6

    response = client.post(answer_url(case_audit, "D4"), {"value": "no", "revision": 1}, **HTMX)
    assert 'id="q-D5"' not in response.content.decode()


def test_an_unchanged_gating_answer_redraws_only_its_question(client, auditor, case_audit):
    answer(case_audit, "D4", auditor, "yes")
    client.force_login(auditor)
    response = client.post(
        answer_url(case_audit, "D4"), {"value": "yes", "evidence": "CP plan", "revision": 1}, **HTMX
    )
    assert "HX-Retarget" not in response
    assert response.content.decode().count('class="app-question') == 1


def test_a_conflicting_htmx_save_shows_who_saved_and_overwrites_nothing(client, auditor, case_audit):
    colleague = UserFactory.create(username="auditor-bea", first_name="Bea", last_name="Jones")
    answer(case_audit, "D1", colleague, "no", evidence="No police checks")
    client.force_login(auditor)
    response = client.post(
        answer_url(case_audit, "D1"), {"value": "yes", "evidence": "All fine", "revision": 0}, **HTMX
    )
    assert response.status_code == 409  # autosave.mjs shows the fragment in place of the question
    page = response.content.decode()
    assert "Bea Jones saved question D1" in page
    assert "Your answer was not saved" in page
    assert "All fine" in page  # what this auditor tried to save, to copy back
    assert 'value="no" checked' in page  # the stored answer is what the form now shows
    assert 'name="revision" value="1"' in page
    saved = stored_answer(case_audit, "D1")
    assert (saved.value, saved.evidence, saved.revision) == ("no", "No police checks", 1)


def test_a_conflicting_plain_save_shows_the_whole_page_with_409(client, auditor, case_audit):
    answer(case_audit, "D1", UserFactory.create(username="auditor-bea"), "no")
    client.force_login(auditor)
    response = client.post(answer_url(case_audit, "D1"), {"value": "yes", "revision": 0})
    assert response.status_code == 409
    page = response.content.decode()
    assert "<html" in page
    assert "auditor-bea saved question D1" in page
    assert stored_answer(case_audit, "D1").value == "no"


def test_a_bad_answer_is_reported_in_place(client, auditor, case_audit):
    client.force_login(auditor)
    response = client.post(answer_url(case_audit, "D1"), {"value": "maybe", "revision": 0}, **HTMX)
    assert response.status_code == 400
    assert "govuk-error-message" in response.content.decode()
    response = client.post(answer_url(case_audit, "D1"), {"value": "maybe", "revision": 0})
    assert response.status_code == 400
    assert stored(case_audit, "D1") is None


def test_a_question_from_another_tool_is_404(client, auditor, case_audit):
    other = questions(case_audit_for(S47, auditor))["R1"]
    client.force_login(auditor)
    url = reverse("audits-answer", args=[case_audit.uuid, other.pk])
    assert client.post(url, {"value": "yes", "revision": 0}).status_code == 404


def test_the_answer_endpoint_refuses_get(client, auditor, case_audit):
    client.force_login(auditor)
    assert client.get(answer_url(case_audit, "D1")).status_code == 405


def test_a_submitted_case_audit_takes_no_more_answers(client, auditor, case_audit):
    answer_all(case_audit, auditor)
    services.grade_save(case_audit=case_audit, user=auditor, grade="good", revision=0)
    services.case_audit_submit(case_audit=case_audit, user=auditor)
    client.force_login(auditor)
    response = client.post(answer_url(case_audit, "D1"), {"value": "no", "revision": 1}, **HTMX)
    assert "answers are closed" in response.content.decode()
    assert stored_answer(case_audit, "D1").value == "yes"
    page = client.get(score_url(case_audit)).content.decode()
    assert "hx-post" not in page and "data-autosave" not in page


# The grade --------------------------------------------------------------------------------------


def test_the_grade_is_saved_by_htmx_and_by_a_plain_post(client, auditor, case_audit):
    client.force_login(auditor)
    url = reverse("audits-grade", args=[case_audit.uuid])
    response = client.post(url, {"grade": "good", "note": "Sound", "revision": 0}, **HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="grade"' in page and 'name="revision" value="1"' in page and "Saved at" in page
    assert (
        'id="case-status" hx-swap-oob="true"><strong class="govuk-tag govuk-tag--light-blue">In progress'
        in page
    )
    response = client.post(url, {"grade": "requires_improvement", "note": "Sound", "revision": 1})
    assert response.status_code == 302
    assert response["Location"] == f"{score_url(case_audit)}#grade"
    case_audit.refresh_from_db()
    assert (case_audit.grade, case_audit.grade_note, case_audit.revision) == (
        "requires_improvement",
        "Sound",
        2,
    )


def test_a_conflicting_grade_names_who_changed_it_and_overwrites_nothing(client, auditor, case_audit):
    colleague = UserFactory.create(username="auditor-bea", roles=["Auditor"])
    url = reverse("audits-grade", args=[case_audit.uuid])
    CaseAudit.objects.filter(pk=case_audit.pk).update(auditor=colleague)
    client.force_login(colleague)  # the history names whoever made the request
    assert client.post(url, {"grade": "good", "revision": 0}).status_code == 302
    CaseAudit.objects.filter(pk=case_audit.pk).update(auditor=auditor)
    client.force_login(auditor)
    response = client.post(url, {"grade": "inadequate", "revision": 0}, **HTMX)
    assert response.status_code == 409  # autosave.mjs shows the fragment in place of the grade
    page = response.content.decode()
    assert "auditor-bea changed the overall grade" in page
    assert 'value="good" checked' in page
    assert client.post(url, {"grade": "inadequate", "revision": 0}).status_code == 409
    case_audit.refresh_from_db()
    assert case_audit.grade == "good"


# Submitting -------------------------------------------------------------------------------------


def test_submitting_with_missing_answers_lists_each_with_a_link(client, auditor, case_audit):
    answer_all(case_audit, auditor, skip=("D2", "D4"))
    client.force_login(auditor)
    response = client.post(reverse("audits-submit", args=[case_audit.uuid]))
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    # Each link names a field on the page, where GOV.UK Frontend's error summary moves the focus.
    assert '<div class="govuk-error-summary" data-module="govuk-error-summary">' in page
    assert '<a href="#q-D2-value-yes">Answer question D2:' in page and 'id="q-D2-value-yes"' in page
    assert '<a href="#q-D4-value-yes">Answer question D4:' in page
    assert (
        '<a href="#grade-outstanding">Give an overall grade</a>' in page and 'id="grade-outstanding"' in page
    )
    assert "#q-D5" not in page  # D4 is unanswered, so D5 is not asked
    case_audit.refresh_from_db()
    assert case_audit.status == CaseAudit.Status.IN_PROGRESS


def test_submitting_a_complete_case_audit_sends_it_to_moderation(client, auditor, case_audit):
    answer_all(case_audit, auditor, value="no", override_reason="The chronology on file is years old")
    services.grade_save(case_audit=case_audit, user=auditor, grade="inadequate", revision=0)
    client.force_login(auditor)
    response = client.post(reverse("audits-submit", args=[case_audit.uuid]), follow=True)
    assert response.redirect_chain == [(reverse("audits-mine"), 302)]
    assert "submitted for moderation" in response.content.decode()
    case_audit.refresh_from_db()
    assert (case_audit.status, case_audit.escalated) == (CaseAudit.Status.SUBMITTED, True)


def test_submitting_twice_is_refused_the_second_time(client, auditor, case_audit):
    answer_all(case_audit, auditor)
    services.grade_save(case_audit=case_audit, user=auditor, grade="good", revision=0)
    client.force_login(auditor)
    url = reverse("audits-submit", args=[case_audit.uuid])
    assert client.post(url).status_code == 302
    response = client.post(url)
    assert response.status_code == 400
    assert "already been submitted" in response.content.decode()


def test_the_submit_endpoint_refuses_get(client, auditor, case_audit):
    client.force_login(auditor)
    assert client.get(reverse("audits-submit", args=[case_audit.uuid])).status_code == 405


# Progress ---------------------------------------------------------------------------------------


def test_the_scoring_page_shows_how_many_questions_asked_are_answered(client, auditor, case_audit):
    """Every rated question on the page is asked (D5 and D6 wait for D4); two of them answered."""
    answer(case_audit, "D1", auditor, "yes")
    answer(case_audit, "D2", auditor, "no")
    client.force_login(auditor)
    page = client.get(score_url(case_audit)).content.decode()
    asked = page.count('class="govuk-radios govuk-radios--small govuk-radios--inline"')
    assert f'id="scoring-progress">2 of {asked} answered</p>' in page


def test_a_saved_answer_sends_the_progress_out_of_band(client, auditor, case_audit):
    client.force_login(auditor)
    page = client.get(score_url(case_audit)).content.decode()
    asked = page.count('class="govuk-radios govuk-radios--small govuk-radios--inline"')
    assert f">0 of {asked} answered<" in page
    response = client.post(answer_url(case_audit, "D1"), {"value": "no", "revision": 0}, **HTMX)
    assert f'id="scoring-progress" hx-swap-oob="true">1 of {asked} answered</p>' in response.content.decode()


def test_the_progress_counts_an_answer_saved_while_this_save_waited(client, auditor, case_audit, monkeypatch):
    """Two questions answered at once: the other save reaches the database after this request read the
    answers and before this one is saved (it waited for the case audit's lock). The progress this save
    sends counts both, or the page would keep the lower count."""
    client.force_login(auditor)
    page = client.get(score_url(case_audit)).content.decode()
    asked = page.count('class="govuk-radios govuk-radios--small govuk-radios--inline"')
    real_save = services.answer_save

    def after_the_other_save(**kwargs):
        d2 = questions(case_audit)["D2"]
        real_save(case_audit=case_audit, question=d2, user=auditor, value="no", revision=0)
        return real_save(**kwargs)

    monkeypatch.setattr(services, "answer_save", after_the_other_save)
    response = client.post(answer_url(case_audit, "D1"), {"value": "yes", "revision": 0}, **HTMX)
    assert f'id="scoring-progress" hx-swap-oob="true">2 of {asked} answered</p>' in response.content.decode()


def test_the_save_buttons_carry_the_class_that_hides_them_when_javascript_runs(client, auditor, case_audit):
    client.force_login(auditor)
    page = client.get(score_url(case_audit)).content.decode()
    assert page.count("app-hidden-with-js") == page.count('class="app-question') + 1  # and the grade's


def test_after_submitting_the_auditor_goes_to_their_next_case_in_my_audits_order(client, auditor, case_audit):
    answer_all(case_audit, auditor)
    services.grade_save(case_audit=case_audit, user=auditor, grade="good", revision=0)
    CaseAuditFactory.create(audit=case_audit.audit, auditor=auditor, due_date=D(2015, 1, 30))  # later
    sooner = CaseAuditFactory.create(audit=case_audit.audit, auditor=auditor, due_date=D(2015, 1, 9))
    CaseAuditFactory.create(
        audit=case_audit.audit, auditor=UserFactory.create(), due_date=D(2015, 1, 2)
    )  # not theirs
    client.force_login(auditor)
    response = client.post(reverse("audits-submit", args=[case_audit.uuid]), follow=True)
    assert response.redirect_chain == [(score_url(sooner), 302)]
    page = response.content.decode()
    assert "submitted for moderation. This is your next case to score." in page
    assert f"Case {sooner.child.child_id}" in page


def test_after_submitting_the_last_case_the_auditor_is_told_all_are_done(client, auditor, case_audit):
    answer_all(case_audit, auditor)
    services.grade_save(case_audit=case_audit, user=auditor, grade="good", revision=0)
    client.force_login(auditor)
    response = client.post(reverse("audits-submit", args=[case_audit.uuid]), follow=True)
    assert response.redirect_chain == [(reverse("audits-mine"), 302)]
    assert "All your case audits are submitted." in response.content.decode()
