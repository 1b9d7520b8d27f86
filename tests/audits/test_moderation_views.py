"""The moderation pages: the queue (escalations first), changes with a reason, return, moderated, lock."""

import pytest
from django.urls import reverse

from audits import services
from audits.models import Answer, Audit, CaseAudit, ModerationChange
from common.models import AccessLogEntry
from tests.audits.test_services_moderation import submitted
from tests.audits.test_services_scoring import DOMESTIC_ABUSE, case_audit_for, questions
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_audit(auditor) -> CaseAudit:
    return submitted(auditor, child=ChildFactory.create(child_id="C-MOD"))


def moderate_url(case_audit: CaseAudit) -> str:
    return reverse("audits-moderate", args=[case_audit.uuid])


def moderate_answer_url(case_audit: CaseAudit, code: str) -> str:
    return reverse("audits-moderate-answer", args=[case_audit.uuid, questions(case_audit)[code].pk])


# The queue --------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["moderator", "administrator"], indirect=True)
def test_the_queue_lists_submitted_case_audits_with_escalations_first(client, persona, auditor):
    good = submitted(auditor, child=ChildFactory.create(child_id="C-GOOD"))
    inadequate = submitted(auditor, grade="inadequate", child=ChildFactory.create(child_id="C-INADEQUATE"))
    case_audit_for(DOMESTIC_ABUSE, auditor, child=ChildFactory.create(child_id="C-STILL-SCORING"))
    client.force_login(persona)
    response = client.get(reverse("audits-moderation"))
    assert response.status_code == 200
    assert list(response.context["submitted"]) == [inadequate, good]
    page = response.content.decode()
    assert page.index("C-INADEQUATE") < page.index("C-GOOD")
    assert '<strong class="govuk-tag govuk-tag--red">Escalate</strong>' in page
    assert "C-STILL-SCORING" not in page
    assert "Not every case is moderated yet" in page  # not every case audit is moderated: no Lock link


def test_the_queue_takes_the_same_queries_for_many_case_audits(
    client, moderator, auditor, django_assert_max_num_queries
):
    for number in range(6):
        submitted(auditor, child=ChildFactory.create(child_id=f"C-Q{number}"))
    client.force_login(moderator)
    # session, user, roles, submitted case audits, audits with counts, the access-log entry and the
    # children it names; the session saved
    with django_assert_max_num_queries(10):
        assert client.get(reverse("audits-moderation")).status_code == 200


@pytest.mark.parametrize(
    "persona",
    ["auditor", "partner_auditor", "manager", "report_officer", "panel_member", "outsider"],
    indirect=True,
)
def test_roles_that_do_not_moderate_get_403_on_moderation(client, persona, case_audit):
    client.force_login(persona)
    assert client.get(reverse("audits-moderation")).status_code == 403
    assert client.get(moderate_url(case_audit)).status_code == 403
    assert client.post(reverse("audits-moderated", args=[case_audit.uuid])).status_code == 403
    assert client.post(reverse("audits-lock", args=[case_audit.audit.uuid])).status_code == 403
    assert client.get(reverse("audits-lock", args=[case_audit.audit.uuid])).status_code == 403
    case_audit.refresh_from_db()
    assert case_audit.status == CaseAudit.Status.SUBMITTED


# The moderation page ----------------------------------------------------------------------------


def test_the_moderation_page_shows_the_answers_and_is_logged(client, moderator, case_audit):
    client.force_login(moderator)
    response = client.get(moderate_url(case_audit))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Moderate case C-MOD" in page
    assert moderate_answer_url(case_audit, "D1") in page
    assert reverse("audits-moderate-grade", args=[case_audit.uuid]) in page
    assert "No changes yet" in page
    assert AccessLogEntry.objects.filter(user=moderator, object_ref=str(case_audit.uuid)).exists()


def test_a_moderator_changes_an_answer_with_a_reason_and_the_history_shows_it(client, moderator, case_audit):
    client.force_login(moderator)
    response = client.post(moderate_answer_url(case_audit, "D2"), {"value": "no", "reason": "Risk seen late"})
    assert response.status_code == 302
    assert Answer.objects.get(case_audit=case_audit, question__code="D2").value == "no"
    change = ModerationChange.objects.get()
    assert (change.before, change.after, change.reason, change.changed_by) == (
        "yes",
        "no",
        "Risk seen late",
        moderator,
    )
    history = client.get(moderate_url(case_audit)).context["history"]
    assert [(row["what"], row["who"], row["before"], row["after"]) for row in history] == [
        ("Question D2", "moderator-max", "Yes", "No")
    ]


def test_changing_an_answer_without_a_reason_is_refused_and_changes_nothing(client, moderator, case_audit):
    client.force_login(moderator)
    response = client.post(moderate_answer_url(case_audit, "D2"), {"value": "no", "reason": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert f'href="#answer-{questions(case_audit)["D2"].pk}-reason">Enter the reason for the change' in page
    assert Answer.objects.get(case_audit=case_audit, question__code="D2").value == "yes"
    assert not ModerationChange.objects.exists()


def test_a_moderator_changes_the_grade_with_a_reason_and_it_is_escalated(client, moderator, case_audit):
    client.force_login(moderator)
    url = reverse("audits-moderate-grade", args=[case_audit.uuid])
    assert client.post(url, {"grade": "inadequate", "reason": ""}).status_code == 400
    response = client.post(url, {"grade": "inadequate", "reason": "Risk to the child missed"})
    assert response.status_code == 302
    case_audit.refresh_from_db()
    assert (case_audit.grade, case_audit.escalated) == ("inadequate", True)
    change = ModerationChange.objects.get()
    assert (change.field, change.before, change.after) == ("grade", "good", "inadequate")
    history = client.get(moderate_url(case_audit)).context["history"]
    assert [(row["what"], row["before"], row["after"]) for row in history] == [
        ("Overall grade", "Good", "Inadequate")
    ]


def test_returning_to_the_auditor_reopens_it_for_scoring(client, moderator, auditor, case_audit):
    client.force_login(moderator)
    response = client.post(
        reverse("audits-return", args=[case_audit.uuid]), {"reason": "Add evidence for D3"}
    )
    assert response.status_code == 302
    case_audit.refresh_from_db()
    assert case_audit.status == CaseAudit.Status.RETURNED
    history = client.get(moderate_url(case_audit)).context["history"]
    assert [(row["what"], row["before"], row["after"]) for row in history] == [
        ("Status", "Submitted", "Returned to auditor")
    ]
    client.force_login(auditor)
    page = client.get(reverse("audits-score", args=[case_audit.uuid])).content.decode()
    assert "Add evidence for D3" in page
    assert "data-autosave" in page  # its forms save again


def test_returning_without_a_reason_is_refused(client, moderator, case_audit):
    client.force_login(moderator)
    response = client.post(reverse("audits-return", args=[case_audit.uuid]), {"reason": "  "})
    assert response.status_code == 400
    assert "Enter the reason for returning it to the auditor" in response.content.decode()
    case_audit.refresh_from_db()
    assert case_audit.status == CaseAudit.Status.SUBMITTED


def test_marking_as_moderated_twice_leaves_it_moderated(client, moderator, case_audit):
    client.force_login(moderator)
    url = reverse("audits-moderated", args=[case_audit.uuid])
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302
    case_audit.refresh_from_db()
    assert case_audit.status == CaseAudit.Status.MODERATED


def test_a_case_audit_still_being_scored_cannot_be_marked_moderated(client, moderator, auditor):
    case_audit = case_audit_for(DOMESTIC_ABUSE, auditor)
    client.force_login(moderator)
    response = client.post(reverse("audits-moderated", args=[case_audit.uuid]))
    assert response.status_code == 400
    assert "Only submitted case audits can be moderated" in response.content.decode()
    case_audit.refresh_from_db()
    assert case_audit.status == CaseAudit.Status.NOT_STARTED


@pytest.mark.parametrize("url_name", ["audits-moderated", "audits-return", "audits-moderate-grade"])
def test_the_moderation_actions_refuse_get(client, moderator, case_audit, url_name):
    client.force_login(moderator)
    assert client.get(reverse(url_name, args=[case_audit.uuid])).status_code == 405


def test_the_moderation_page_refuses_post(client, moderator, case_audit):
    client.force_login(moderator)
    assert client.post(moderate_url(case_audit)).status_code == 405


# Locking ----------------------------------------------------------------------------------------


def test_locking_is_refused_with_the_reason_until_every_case_audit_is_moderated(
    client, moderator, case_audit
):
    client.force_login(moderator)
    response = client.post(reverse("audits-lock", args=[case_audit.audit.uuid]), follow=True)
    assert response.redirect_chain == [(reverse("audits-moderation"), 302)]
    assert "1 case audit(s) are not yet moderated." in response.content.decode()
    case_audit.audit.refresh_from_db()
    assert case_audit.audit.locked_at is None


def test_locking_a_fully_moderated_audit_completes_it_and_closes_moderation(client, moderator, case_audit):
    client.force_login(moderator)
    client.post(reverse("audits-moderated", args=[case_audit.uuid]))
    response = client.post(reverse("audits-lock", args=[case_audit.audit.uuid]))
    assert response.status_code == 302
    audit = Audit.objects.get(pk=case_audit.audit.pk)
    assert (audit.locked, audit.locked_by, audit.status) == (True, moderator, Audit.Status.COMPLETE)

    page = client.get(moderate_url(case_audit)).content.decode()
    assert "The audit is locked" in page
    assert moderate_answer_url(case_audit, "D1") not in page
    response = client.post(
        reverse("audits-moderate-grade", args=[case_audit.uuid]), {"grade": "inadequate", "reason": "x"}
    )
    assert response.status_code == 400
    assert "The audit is locked." in response.content.decode()
    case_audit.refresh_from_db()
    assert case_audit.grade == "good"


def test_the_lock_asks_for_confirmation_on_get_and_changes_nothing(client, moderator, case_audit):
    services.case_audit_moderated(case_audit=case_audit, user=moderator)
    client.force_login(moderator)
    response = client.get(reverse("audits-lock", args=[case_audit.audit.uuid]))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Locking {case_audit.audit.title} makes its results final: no answer or grade can change" in page
    assert "Auditors lose sight of its cases and the children&#x27;s records 30 days after" in page
    assert ">Lock audit</button>" in page and 'name="csrfmiddlewaretoken"' in page
    assert f'href="{reverse("audits-moderation")}">Go back</a>' in page
    case_audit.audit.refresh_from_db()
    assert case_audit.audit.locked_at is None


def test_locking_links_to_the_audit_results(client, moderator, case_audit):
    services.case_audit_moderated(case_audit=case_audit, user=moderator)
    client.force_login(moderator)
    response = client.post(reverse("audits-lock", args=[case_audit.audit.uuid]), follow=True)
    assert response.redirect_chain == [(reverse("audits-moderation"), 302)]
    results = reverse("audits-results", args=[case_audit.audit.uuid])
    assert f'href="{results}">See its results</a>' in response.content.decode()


def test_the_lock_link_shows_only_when_every_case_audit_is_moderated(client, moderator, case_audit):
    client.force_login(moderator)
    lock_url = reverse("audits-lock", args=[case_audit.audit.uuid])
    page = client.get(reverse("audits-moderation")).content.decode()
    assert lock_url not in page and "Not every case is moderated yet" in page
    services.case_audit_moderated(case_audit=case_audit, user=moderator)
    page = client.get(reverse("audits-moderation")).content.decode()
    assert f'<a href="{lock_url}" role="button"' in page


def test_a_moderated_case_audit_can_still_be_changed_until_the_audit_is_locked(client, moderator, case_audit):
    services.case_audit_moderated(case_audit=case_audit, user=moderator)
    client.force_login(moderator)
    response = client.post(
        moderate_answer_url(case_audit, "D1"), {"value": "partly", "reason": "Second look"}
    )
    assert response.status_code == 302
    assert Answer.objects.get(case_audit=case_audit, question__code="D1").value == "partly"
