"""The audit API: the same permissions as the pages."""

import pytest
from django.urls import reverse

from audits.models import Audit, AuditorProfile, CaseAudit
from common.models import AccessLogEntry
from tests.audits.test_results import reference_cases, scored_case
from tests.factories import AuditFactory, ChildFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def audit(auditor) -> Audit:
    """The reference domestic-abuse audit (18 cases); the auditor audited the first case only."""
    audit = AuditFactory.create(title="Domestic abuse February", agencies=["social_care", "police"])
    for number, answers in enumerate(reference_cases()):
        scored_case(
            audit,
            answers,
            grade="good",
            auditor=auditor if number == 0 else None,
            child=ChildFactory.create(child_id=f"C-API-{number:02d}"),
            record_id=number + 1,
        )
    return audit


@pytest.fixture
def other_audit() -> Audit:
    other = AuditFactory.create(title="Someone else's audit")
    scored_case(other, {"D1": "yes"}, auditor=UserFactory.create(username="auditor-cy", roles=["Auditor"]))
    return other


def _results(client, audit, **params):
    return client.get(reverse("api-audit-results", kwargs={"uuid": audit.uuid}), params)


def test_a_report_officer_reads_an_audits_results(client, report_officer, audit):
    """D2 13 of 18 = 72% with an interval (under 30); D1 12.5 of 17 = 74%."""
    client.force_login(report_officer)
    response = _results(client, audit)
    assert response.status_code == 200
    body = response.json()
    assert body["case_count"] == 18
    questions = {q["code"]: q for q in body["questions"]}
    assert (questions["D2"]["numerator"], questions["D2"]["denominator"], questions["D2"]["percent"]) == (
        13,
        18,
        72,
    )
    assert questions["D2"]["interval"] == [49, 88]
    assert (questions["D1"]["numerator"], questions["D1"]["percent"]) == (12.5, 74)
    assert questions["D5"]["does_not_apply"] == 8
    assert "F1" not in questions
    assert AccessLogEntry.objects.filter(object_type="audit results", object_ref=str(audit.uuid)).exists()


def test_results_for_one_agency(client, manager, audit):
    client.force_login(manager)
    assert _results(client, audit, agency="police").json()["case_count"] == 0
    assert _results(client, audit, agency="nobody").status_code == 400


@pytest.mark.parametrize("persona", ["panel_member", "auditor", "outsider"], indirect=True)
def test_roles_without_results_get_403_from_the_results_endpoint(client, persona, audit):
    client.force_login(persona)
    assert _results(client, audit).status_code == 403


def test_an_anonymous_request_is_refused(client, audit):
    assert client.get(reverse("api-audit-list")).status_code in (401, 403)


@pytest.mark.parametrize("endpoint", ["api-audit-list", "api-case-audit-list"])
def test_a_panel_member_gets_403(client, panel_member, audit, endpoint):
    client.force_login(panel_member)
    assert client.get(reverse(endpoint)).status_code == 403


def test_a_manager_lists_every_audit_by_uuid(client, manager, audit, other_audit):
    client.force_login(manager)
    listing = client.get(reverse("api-audit-list")).json()
    assert {row["uuid"] for row in listing["results"]} == {str(audit.uuid), str(other_audit.uuid)}
    detail = client.get(reverse("api-audit-detail", kwargs={"uuid": audit.uuid})).json()
    assert detail["tool"] == "Domestic abuse"
    assert detail["agencies"] == ["social_care", "police"]
    assert detail["multi_agency"] is True
    assert "id" not in detail


def test_an_auditor_sees_only_audits_they_have_case_audits_in(client, auditor, audit, other_audit):
    client.force_login(auditor)
    listing = client.get(reverse("api-audit-list")).json()
    assert [row["uuid"] for row in listing["results"]] == [str(audit.uuid)]
    assert client.get(reverse("api-audit-detail", kwargs={"uuid": other_audit.uuid})).status_code == 404


def test_an_auditor_sees_only_their_own_case_audits_with_answers(client, auditor, audit):
    client.force_login(auditor)
    listing = client.get(reverse("api-case-audit-list")).json()
    assert listing["count"] == 1
    case = listing["results"][0]
    assert case["child_id"] == "C-API-00"
    assert case["audit"] == str(audit.uuid)
    answers = {a["question"]: a["value"] for a in case["answers"]}
    assert answers["D1"] == "yes"
    assert answers["D4"] == "yes"
    others = CaseAudit.objects.exclude(auditor=auditor).first()
    assert others is not None
    assert client.get(reverse("api-case-audit-detail", kwargs={"uuid": others.uuid})).status_code == 404


def test_a_partner_agency_auditor_sees_only_their_agencys_case_audits(client, partner_auditor, audit):
    AuditorProfile.objects.create(user=partner_auditor, agency="police")
    police = scored_case(audit, {"D1": "no"}, agency="police", auditor=partner_auditor, record_id=1)
    scored_case(audit, {"D1": "no"}, agency="social_care", auditor=partner_auditor, record_id=99)
    client.force_login(partner_auditor)
    listing = client.get(reverse("api-case-audit-list")).json()
    assert [row["uuid"] for row in listing["results"]] == [str(police.uuid)]


def test_a_report_officer_sees_audits_but_no_case_audits(client, report_officer, audit):
    client.force_login(report_officer)
    assert client.get(reverse("api-audit-list")).status_code == 200
    assert client.get(reverse("api-case-audit-list")).status_code == 403


def test_a_moderator_filters_case_audits_by_audit(client, moderator, audit, other_audit):
    client.force_login(moderator)
    listing = client.get(reverse("api-case-audit-list"), {"audit": str(other_audit.uuid)}).json()
    assert listing["count"] == 1
    assert listing["results"][0]["audit"] == str(other_audit.uuid)


def test_case_audits_list_in_a_constant_number_of_queries(
    client, manager, audit, django_assert_max_num_queries
):
    """Session, user, roles, count, page, answers with their questions, access log (and its savepoint)."""
    client.force_login(manager)
    with django_assert_max_num_queries(11):  # 11th: the children shown, for the access log
        response = client.get(reverse("api-case-audit-list"))
    assert response.json()["count"] == 18


def test_the_api_is_read_only(client, manager, audit):
    client.force_login(manager)
    assert client.post(reverse("api-audit-list"), {}).status_code == 405
    url = reverse("api-case-audit-detail", kwargs={"uuid": audit.case_audits.first().uuid})
    assert client.delete(url).status_code == 405
