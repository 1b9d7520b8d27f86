"""The QA lead's audit list, audit page and creating an audit."""

import datetime
import re

import pytest
from django.urls import reverse

from audits.models import Audit, AuditProgramme, AuditTool
from common.models import AccessLogEntry
from tests.dates import date_parts
from tests.factories import AuditFactory, CaseAuditFactory, ChildFactory, tool_version

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(manager):
    return AuditProgramme.objects.create(
        title="QA programme 2014", year_start=D(2014, 4, 1), created_by=manager
    )


# The audit list ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona", ["manager", "administrator", "moderator", "report_officer"], indirect=True
)
def test_roles_that_see_every_audit_see_them_all_in_the_list(client, persona):
    AuditFactory.create(title="Domestic abuse, March"), AuditFactory.create(title="S47, April")
    client.force_login(persona)
    response = client.get(reverse("audits-list"))
    assert response.status_code == 200
    assert {a.title for a in response.context["audits"]} == {"Domestic abuse, March", "S47, April"}


def test_an_auditor_sees_only_the_audits_they_have_cases_in(client, auditor):
    mine = AuditFactory.create(title="Mine")
    AuditFactory.create(title="Not mine")
    CaseAuditFactory.create(audit=mine, auditor=auditor)
    client.force_login(auditor)
    response = client.get(reverse("audits-list"))
    assert [a.title for a in response.context["audits"]] == ["Mine"]
    assert "Create an audit" not in response.content.decode()


@pytest.mark.parametrize("persona", ["panel_member", "outsider"], indirect=True)
def test_the_audit_list_is_forbidden_to_roles_without_audits(client, persona):
    client.force_login(persona)
    assert client.get(reverse("audits-list")).status_code == 403


def test_the_audit_list_filters_by_programme_and_status(client, manager, programme):
    AuditFactory.create(title="In programme", programme=programme, status=Audit.Status.SAMPLING)
    AuditFactory.create(title="Planned elsewhere")
    client.force_login(manager)
    by_programme = client.get(reverse("audits-list"), {"programme": str(programme.uuid)})
    by_status = client.get(reverse("audits-list"), {"status": "planned"})
    assert [a.title for a in by_programme.context["audits"]] == ["In programme"]
    assert [a.title for a in by_status.context["audits"]] == ["Planned elsewhere"]


def test_the_audit_list_shows_status_as_a_tag_and_a_create_link_for_leads(client, manager):
    AuditFactory.create(status=Audit.Status.IN_MODERATION)
    client.force_login(manager)
    page = client.get(reverse("audits-list")).content.decode()
    assert '<strong class="govuk-tag govuk-tag--yellow">In moderation</strong>' in page
    assert reverse("audits-create") in page


def test_a_bad_filter_is_reported_not_a_500(client, manager):
    AuditFactory.create()
    client.force_login(manager)
    response = client.get(reverse("audits-list"), {"status": "lost"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert list(response.context["audits"]) == []


def test_the_audit_list_runs_a_fixed_number_of_queries(
    client, manager, programme, django_assert_max_num_queries
):
    """Session, user, groups, the programme filter's choices and the list itself, then the session save
    (the first request after sign-in moves its idle expiry on) in a savepoint: 8, however many audits."""
    for _ in range(3):
        audit = AuditFactory.create(programme=programme)
        CaseAuditFactory.create_batch(2, audit=audit)
    client.force_login(manager)
    with django_assert_max_num_queries(8):
        client.get(reverse("audits-list"))
    for _ in range(5):
        CaseAuditFactory.create(audit=AuditFactory.create(programme=programme))
    with django_assert_max_num_queries(8):
        response = client.get(reverse("audits-list"))
    assert len(response.context["audits"]) == 8


# The audit page ---------------------------------------------------------------------------------


@pytest.fixture
def sampled_audit(auditor):
    audit = AuditFactory.create(title="Domestic abuse, March", seed=1234, sample_size=2)
    CaseAuditFactory.create(audit=audit, child=ChildFactory.create(child_id="C-ONE"), auditor=auditor)
    CaseAuditFactory.create(audit=audit, child=ChildFactory.create(child_id="C-TWO"), in_subsample=True)
    return audit


@pytest.mark.parametrize("persona", ["manager", "administrator", "moderator"], indirect=True)
def test_the_audit_page_lists_the_sample_for_roles_that_see_case_records(client, persona, sampled_audit):
    client.force_login(persona)
    response = client.get(reverse("audits-detail", args=[sampled_audit.uuid]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "C-ONE" in page and "C-TWO" in page
    assert "1234" in page
    assert f"/audits/{sampled_audit.uuid}/results/" in page


def test_a_report_officer_sees_only_counts_on_the_audit_page(client, report_officer, sampled_audit):
    client.force_login(report_officer)
    response = client.get(reverse("audits-detail", args=[sampled_audit.uuid]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "C-ONE" not in page
    assert response.context["case_audits"] is None
    assert ("Not started", 2) in response.context["status_counts"]


def test_the_audit_page_of_an_audit_an_auditor_is_not_in_is_404(client, auditor):
    client.force_login(auditor)
    assert client.get(reverse("audits-detail", args=[AuditFactory.create().uuid])).status_code == 404


def test_viewing_the_audit_page_is_recorded_in_the_access_log(client, manager, sampled_audit):
    client.force_login(manager)
    client.get(reverse("audits-detail", args=[sampled_audit.uuid]))
    entry = AccessLogEntry.objects.get()
    assert (entry.username, entry.action, entry.object_type) == ("manager-mo", "view", "audit")
    assert entry.object_ref == str(sampled_audit.uuid)


# Creating an audit ------------------------------------------------------------------------------


def _create_data(**overrides) -> dict:
    data = {
        "title": "Domestic abuse themed audit",
        "theme": "Domestic abuse",
        "planned_month_0": "03",
        "planned_month_1": "2014",
        "tool": str(AuditTool.objects.get(name="Domestic abuse").uuid),
        "agencies": ["social_care"],
        **date_parts("due_date", "31/03/2014"),
    }
    return data | overrides


def test_a_lead_creates_an_audit_with_the_latest_version_of_a_tool(client, manager, programme):
    client.force_login(manager)
    response = client.post(
        reverse("audits-create"),
        _create_data(programme=str(programme.uuid), agencies=["social_care", "police"]),
    )
    audit = Audit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("audits-detail", args=[audit.uuid])
    assert audit.tool_version == tool_version("Domestic abuse")
    assert (audit.planned_month, audit.due_date) == (D(2014, 3, 1), D(2014, 3, 31))
    assert audit.programme == programme
    assert audit.lead == manager
    assert audit.multi_agency


def test_a_lead_may_create_an_audit_with_a_chosen_version(client, manager):
    version = tool_version("S47 and information sharing")
    client.force_login(manager)
    client.post(
        reverse("audits-create"),
        _create_data(tool="", tool_version=str(version.uuid), planned_month_0="5"),
    )
    audit = Audit.objects.get()
    assert (audit.tool_version, audit.planned_month) == (version, D(2014, 5, 1))


def test_creating_an_audit_without_a_tool_shows_an_error_summary(client, manager):
    client.force_login(manager)
    response = client.post(reverse("audits-create"), _create_data(tool="", planned_month_0="13"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Select an audit tool" in page
    assert "Planned month must be a real date" in page
    assert not Audit.objects.exists()


def test_the_create_page_offers_the_programme_it_was_opened_from(client, manager, programme):
    client.force_login(manager)
    response = client.get(reverse("audits-create"), {"programme": str(programme.uuid)})
    assert response.status_code == 200
    assert response.context["form"].initial["programme"] == programme


def test_creating_an_audit_rejects_other_methods(client, manager):
    client.force_login(manager)
    assert client.put(reverse("audits-create")).status_code == 405


@pytest.mark.parametrize("persona", ["outsider", "report_officer", "moderator", "auditor"], indirect=True)
def test_only_leads_may_create_an_audit(client, persona):
    client.force_login(persona)
    assert client.get(reverse("audits-create")).status_code == 403
    assert client.post(reverse("audits-create"), _create_data()).status_code == 403
    assert not Audit.objects.exists()


def test_the_create_forms_dates_are_govuk_date_inputs(client, manager):
    """The planned month asks for the month and year; the due date for the day, month and year."""
    client.force_login(manager)
    page = client.get(reverse("audits-create")).content.decode()
    for name, parts in (("planned_month", 2), ("due_date", 3)):
        assert f'<div class="govuk-date-input" id="id_{name}">' in page
        boxes = re.findall(rf'<input[^>]*name="{name}_\d"[^>]*>', page)
        assert len(boxes) == parts and all('inputmode="numeric"' in box for box in boxes)
