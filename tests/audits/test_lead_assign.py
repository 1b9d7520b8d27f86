"""Assigning each case of a confirmed sample to an auditor of the right agency, with a due date."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audits import services
from audits.models import Audit, AuditorProfile, CaseAudit
from common import roles
from tests.dates import date_parts
from tests.factories import AuditFactory, CaseAuditFactory, ChildFactory, UserFactory

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def audit():
    """A confirmed multi-agency sample of two children, each audited by social care and by police."""
    audit = AuditFactory.create(agencies=["social_care", "police"], sample_confirmed_at=timezone.now())
    for record_id, child_id in enumerate(("C-ONE", "C-TWO"), start=1):
        child = ChildFactory.create(child_id=child_id)
        for agency in ("social_care", "police"):
            CaseAuditFactory.create(audit=audit, child=child, record_id=record_id, agency=agency)
    return audit


@pytest.fixture
def police_auditor(partner_auditor):
    AuditorProfile.objects.create(user=partner_auditor, agency="police")
    return partner_auditor


def case(audit: Audit, child_id: str, agency: str) -> CaseAudit:
    return audit.case_audits.get(child__child_id=child_id, agency=agency)


def assignment_data(audit: Audit, rows: dict[tuple[str, str], tuple[User | None, str]]) -> dict:
    """Every row of the form, unassigned unless `rows` gives (auditor, due date) for its (child, agency)."""
    data = {}
    for case_audit in audit.case_audits.select_related("child"):
        auditor, due = rows.get((case_audit.child.child_id, case_audit.agency), (None, ""))
        data[f"auditor_{case_audit.uuid.hex}"] = str(auditor.pk) if auditor else ""
        data |= date_parts(f"due_{case_audit.uuid.hex}", due) if due else {}
    return data


def test_a_lead_assigns_auditors_and_due_dates_to_every_row_at_once(
    client, manager, auditor, police_auditor, audit
):
    client.force_login(manager)
    response = client.post(
        reverse("audits-assign", args=[audit.uuid]),
        assignment_data(
            audit,
            {
                ("C-ONE", "social_care"): (auditor, "30/04/2014"),
                ("C-ONE", "police"): (police_auditor, "2014-05-02"),
                ("C-TWO", "social_care"): (auditor, ""),
            },
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("audits-assign", args=[audit.uuid])
    one, one_police = case(audit, "C-ONE", "social_care"), case(audit, "C-ONE", "police")
    assert (one.auditor, one.due_date) == (auditor, D(2014, 4, 30))
    assert (one_police.auditor, one_police.due_date) == (police_auditor, D(2014, 5, 2))
    assert case(audit, "C-TWO", "social_care").auditor == auditor
    assert case(audit, "C-TWO", "police").auditor is None
    assert one.history.latest().history_change_reason == "assigned by manager-mo"


def test_the_page_offers_each_row_only_auditors_of_its_agency(
    client, manager, auditor, police_auditor, audit
):
    client.force_login(manager)
    form = client.get(reverse("audits-assign", args=[audit.uuid])).context["form"]
    social = form.fields[f"auditor_{case(audit, 'C-ONE', 'social_care').uuid.hex}"]
    police = form.fields[f"auditor_{case(audit, 'C-ONE', 'police').uuid.hex}"]
    assert [label for _, label in social.choices] == ["Not assigned", "auditor-ash"]
    assert [label for _, label in police.choices] == ["Not assigned", "partner-pat"]


def test_an_auditor_of_the_wrong_agency_is_refused_and_nothing_is_saved(client, manager, auditor, audit):
    client.force_login(manager)
    response = client.post(
        reverse("audits-assign", args=[audit.uuid]),
        assignment_data(
            audit,
            {("C-ONE", "social_care"): (auditor, "30/04/2014"), ("C-ONE", "police"): (auditor, "30/04/2014")},
        ),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Select an auditor who audits for Police for case C-ONE (Police)" in page
    assert not audit.case_audits.filter(auditor__isnull=False).exists()


def test_the_service_refuses_a_partner_auditor_for_another_agency(manager, police_auditor, audit):
    row = case(audit, "C-TWO", "social_care")
    with pytest.raises(ValidationError, match="cannot audit case C-TWO for children's social care"):
        services.case_audits_assign(audit=audit, user=manager, assignments=[(row, police_auditor, None)])
    row.refresh_from_db()
    assert row.auditor is None


def test_assign_all_unassigned_fills_only_the_auditors_own_agency(
    client, manager, auditor, police_auditor, audit
):
    other = UserFactory.create(username="auditor-bo", roles=[roles.AUDITOR])
    client.force_login(manager)
    data = assignment_data(audit, {("C-ONE", "social_care"): (other, "")})
    data["assign_unassigned"] = str(auditor.pk)
    client.post(reverse("audits-assign", args=[audit.uuid]), data)
    assert case(audit, "C-ONE", "social_care").auditor == other
    assert case(audit, "C-TWO", "social_care").auditor == auditor
    assert case(audit, "C-ONE", "police").auditor is None


def test_a_bad_due_date_names_its_row(client, manager, auditor, audit):
    client.force_login(manager)
    response = client.post(
        reverse("audits-assign", args=[audit.uuid]),
        assignment_data(audit, {("C-TWO", "police"): (None, "32/04/2014")}),
    )
    assert "Due date for case C-TWO (Police) must be a real date" in response.content.decode()


def test_an_unconfirmed_sample_cannot_be_assigned(client, manager, auditor):
    audit = AuditFactory.create()
    row = CaseAuditFactory.create(audit=audit)
    client.force_login(manager)
    page = client.get(reverse("audits-assign", args=[audit.uuid])).content.decode()
    assert "Confirm the sample before assigning auditors." in page
    response = client.post(
        reverse("audits-assign", args=[audit.uuid]), {f"auditor_{row.uuid.hex}": str(auditor.pk)}
    )
    row.refresh_from_db()
    assert response.status_code == 200
    assert row.auditor is None


def test_the_assignment_page_rejects_other_methods(client, manager, audit):
    client.force_login(manager)
    assert client.put(reverse("audits-assign", args=[audit.uuid])).status_code == 405


@pytest.mark.parametrize("persona", ["outsider", "report_officer", "moderator", "auditor"], indirect=True)
def test_only_leads_may_assign_auditors(client, persona, audit):
    row = case(audit, "C-ONE", "social_care")
    client.force_login(persona)
    url = reverse("audits-assign", args=[audit.uuid])
    assert client.get(url).status_code == 403
    response = client.post(url, {f"auditor_{row.uuid.hex}": str(persona.pk)})
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.auditor is None


def test_an_auditor_with_a_case_in_the_audit_is_still_forbidden(client, auditor, audit):
    CaseAuditFactory.create(audit=audit, auditor=auditor)
    client.force_login(auditor)
    assert client.get(reverse("audits-assign", args=[audit.uuid])).status_code == 403
