"""The results, comparison and re-audit pages."""

import datetime

import pytest
from django.urls import reverse

from audits.models import Audit, CaseAudit
from common.models import AccessLogEntry
from tests.audits.test_results import columns, reference_cases, scored_case
from tests.factories import AuditFactory, ChildFactory, S47EnquiryFactory, tool_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def audit() -> Audit:
    audit = AuditFactory.create(title="Domestic abuse February", tool_version=tool_version("Domestic abuse"))
    for number, answers in enumerate(reference_cases()):
        answers["F1"] = "Good information sharing with the police"
        scored_case(audit, answers, grade="good", child=ChildFactory.create(child_id=f"C-REF-{number:02d}"))
    return audit


def _results_url(audit: Audit) -> str:
    return reverse("audits-results", args=[audit.uuid])


def test_a_report_officer_sees_each_questions_result(client, report_officer, audit):
    client.force_login(report_officer)
    response = client.get(_results_url(audit))
    assert response.status_code == 200
    page = response.content.decode()
    assert "72% (13 of 18)" in page  # D2
    assert "80% (8 of 10)" in page  # D5
    assert "74% (12.5 of 17)" in page  # D1
    assert "Good information sharing with the police" in page
    assert AccessLogEntry.objects.filter(
        user=report_officer, object_type="audit results", object_ref=str(audit.uuid)
    ).exists()


def test_the_results_page_shows_the_interval_for_a_small_sample(client, manager, audit):
    """D9: 3 of 4, Wilson 95% interval 30% to 95%."""
    client.force_login(manager)
    page = client.get(_results_url(audit)).content.decode()
    assert "75% (3 of 4)" in page
    assert "30% to 95%" in page


def test_the_results_page_carries_no_child_identifier(client, manager, audit):
    client.force_login(manager)
    page = client.get(_results_url(audit)).content.decode()
    assert "C-REF-" not in page
    assert "Synthetic Child" not in page


@pytest.mark.parametrize("persona", ["panel_member", "auditor", "partner_auditor", "outsider"], indirect=True)
def test_roles_without_results_get_403(client, persona, audit):
    client.force_login(persona)
    assert client.get(_results_url(audit)).status_code == 403


def test_an_unknown_audit_is_404(client, manager, db):
    client.force_login(manager)
    url = reverse("audits-results", args=["00000000-0000-0000-0000-000000000000"])
    assert client.get(url).status_code == 404


def test_the_results_page_rejects_post(client, manager, audit):
    client.force_login(manager)
    assert client.post(_results_url(audit)).status_code == 405


def test_the_results_page_query_count_does_not_grow_with_cases(
    client, manager, django_assert_max_num_queries
):
    small = AuditFactory.create(agencies=["social_care", "police"])
    large = AuditFactory.create(agencies=["social_care", "police"])
    for answers in columns(2, D1=["yes", "no"], D4=["yes", "yes"], D5=["yes", "no"]):
        scored_case(small, answers, agency="social_care")
    for record, answers in enumerate(columns(20, D1=["yes"] * 20, D4=["yes"] * 20, D5=["no"] * 20)):
        for agency in ("social_care", "police"):
            scored_case(large, answers, agency=agency, record_id=1000 + record)
    client.force_login(manager)
    # Session, user, roles, audit; results (questions, case audits, answers); the same for the agency
    # comparison; auditor and moderator agreement (moderated cases, changes, answers); the audit's action
    # plans; the practitioners' feedback; the double-scored pairs (none here); the learning themes (tags,
    # case labels); the access log entry with its savepoint; the session's save.
    for audit in (small, large):
        with django_assert_max_num_queries(24):  # the children named (access log); the audit's action plans
            assert client.get(_results_url(audit)).status_code == 200


# Multi-agency ---------------------------------------------------------------------------------------------


@pytest.fixture
def multi_agency_audit() -> Audit:
    audit = AuditFactory.create(agencies=["social_care", "police"])
    child = ChildFactory.create(child_id="C-DISAGREE")
    scored_case(audit, {"D2": "yes"}, agency="social_care", child=child, record_id=7)
    scored_case(audit, {"D2": "no"}, agency="police", child=child, record_id=7)
    return audit


def test_a_multi_agency_audit_shows_agencies_side_by_side(client, manager, multi_agency_audit):
    client.force_login(manager)
    page = client.get(_results_url(multi_agency_audit)).content.decode()
    assert "Agencies side by side" in page
    assert "100% (1 of 1)" in page and "0% (0 of 1)" in page
    assert "C-DISAGREE" in page  # a manager sees every case audit, so the case is named


def test_a_report_officer_sees_disagreements_by_case_number_only(client, report_officer, multi_agency_audit):
    client.force_login(report_officer)
    page = client.get(_results_url(multi_agency_audit)).content.decode()
    assert "Case 1" in page
    assert "C-DISAGREE" not in page


# Re-audit -------------------------------------------------------------------------------------------------


def test_a_manager_plans_a_reaudit_of_the_same_cases(client, manager, audit):
    client.force_login(manager)
    url = reverse("audits-reaudit", args=[audit.uuid])
    assert client.get(url).status_code == 200
    response = client.post(url, {"planned_month_0": "9", "planned_month_1": "2014", "sample": "same"})
    new = Audit.objects.get(reaudit_of=audit)
    assert response.status_code == 302
    assert response["Location"] == f"/audits/{new.uuid}/"
    assert new.planned_month == datetime.date(2014, 9, 1)
    assert new.tool_version_id == audit.tool_version_id
    assert sorted(new.case_audits.values_list("record_id", flat=True)) == sorted(
        audit.case_audits.values_list("record_id", flat=True)
    )
    assert set(new.case_audits.values_list("status", flat=True)) == {CaseAudit.Status.NOT_STARTED}


def test_a_manager_plans_a_reaudit_with_a_fresh_sample(client, manager):
    original = AuditFactory.create(
        frame_type="s47",
        frame_start=datetime.date(2014, 1, 1),
        frame_end=datetime.date(2014, 1, 31),
        sample_size=2,
    )
    for day in (6, 7, 8):
        S47EnquiryFactory.create(start_date=datetime.date(2014, 1, day))
    client.force_login(manager)
    response = client.post(
        reverse("audits-reaudit", args=[original.uuid]),
        {"planned_month_0": "10", "planned_month_1": "2014", "sample": "fresh"},
    )
    assert response.status_code == 302
    new = Audit.objects.get(reaudit_of=original)
    assert new.case_audits.count() == 2
    assert new.seed is not None


def test_a_reaudit_needs_a_valid_month(client, manager, audit):
    client.force_login(manager)
    response = client.post(
        reverse("audits-reaudit", args=[audit.uuid]), {"planned_month_0": "13", "planned_month_1": "2014"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Planned month must be a real date" in page
    assert "Select a fresh sample or the same cases" in page
    assert not Audit.objects.filter(reaudit_of=audit).exists()


def test_a_fresh_sample_needs_the_original_sampling_parameters(client, manager, audit):
    """The reference audit was built without drawing a sample: there is no size or percentage to reuse."""
    client.force_login(manager)
    response = client.post(
        reverse("audits-reaudit", args=[audit.uuid]),
        {"planned_month_0": "9", "planned_month_1": "2014", "sample": "fresh"},
    )
    assert response.status_code == 200
    assert "Give either a number of cases or a percentage" in response.content.decode()
    assert not Audit.objects.filter(reaudit_of=audit).exists()


@pytest.mark.parametrize("persona", ["report_officer", "moderator", "auditor", "panel_member"], indirect=True)
def test_only_leads_plan_a_reaudit(client, persona, audit):
    client.force_login(persona)
    response = client.post(
        reverse("audits-reaudit", args=[audit.uuid]), {"planned_month_0": "9", "planned_month_1": "2014"}
    )
    assert response.status_code == 403
    assert not Audit.objects.filter(reaudit_of=audit).exists()


def test_the_compare_page_shows_before_after_and_the_change(client, report_officer):
    """D2 before 1 of 2 = 50%, after 3 of 3 = 100%: +50 points."""
    original = AuditFactory.create(title="First look")
    scored_case(original, {"D2": "yes"})
    scored_case(original, {"D2": "no"})
    reaudit = AuditFactory.create(reaudit_of=original)
    for answers in columns(3, D2=["yes"] * 3):
        scored_case(reaudit, answers)
    client.force_login(report_officer)
    page = client.get(reverse("audits-compare", args=[reaudit.uuid])).content.decode()
    assert "50% (1 of 2)" in page
    assert "100% (3 of 3)" in page
    assert "+50 points" in page


def test_the_compare_page_is_404_for_an_audit_that_is_not_a_reaudit(client, manager, audit):
    client.force_login(manager)
    assert client.get(reverse("audits-compare", args=[audit.uuid])).status_code == 404
