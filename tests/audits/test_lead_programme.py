"""The year's audit programme: creating it, its months, its quarterly reviews, and an audit's status."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audits.models import Audit, AuditProgramme, ProgrammeReview
from audits.views.programme import _month_starts
from tests.dates import date_parts
from tests.factories import AuditFactory

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(manager):
    return AuditProgramme.objects.create(
        title="QA programme 2014", year_start=D(2014, 4, 1), created_by=manager
    )


# Programmes -------------------------------------------------------------------------------------


def test_a_lead_adds_a_programme(client, manager):
    client.force_login(manager)
    response = client.post(
        reverse("audits-programme-list"),
        {"title": "QA programme 2014 to 2015", **date_parts("year_start", "01/04/2014")},
    )
    programme = AuditProgramme.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("audits-programme-detail", args=[programme.uuid])
    assert (programme.title, programme.year_start, programme.created_by) == (
        "QA programme 2014 to 2015",
        D(2014, 4, 1),
        manager,
    )


def test_a_programme_needs_a_real_start_date(client, manager):
    client.force_login(manager)
    response = client.post(
        reverse("audits-programme-list"), {"title": "QA", **date_parts("year_start", "31/02/2014")}
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not AuditProgramme.objects.exists()


@pytest.mark.parametrize("persona", ["report_officer", "moderator"], indirect=True)
def test_read_only_roles_see_programmes_but_may_not_add_one(client, persona, programme):
    client.force_login(persona)
    listing = client.get(reverse("audits-programme-list"))
    assert listing.status_code == 200
    assert "QA programme 2014" in listing.content.decode()
    assert "Add a programme" not in listing.content.decode()
    response = client.post(
        reverse("audits-programme-list"), {"title": "Mine", **date_parts("year_start", "01/04/2014")}
    )
    assert response.status_code == 403
    assert AuditProgramme.objects.count() == 1


@pytest.mark.parametrize("persona", ["outsider", "auditor", "panel_member"], indirect=True)
def test_programmes_are_forbidden_to_other_roles(client, persona, programme):
    client.force_login(persona)
    assert client.get(reverse("audits-programme-list")).status_code == 403
    assert client.get(reverse("audits-programme-detail", args=[programme.uuid])).status_code == 403


def test_the_programme_list_rejects_other_methods(client, manager):
    client.force_login(manager)
    assert client.put(reverse("audits-programme-list")).status_code == 405


def test_the_programme_page_shows_twelve_months_from_the_year_start(client, manager, programme):
    AuditFactory.create(title="Domestic abuse", programme=programme, planned_month=D(2014, 6, 1))
    AuditFactory.create(
        title="Care leavers", programme=programme, planned_month=D(2015, 3, 1), status="complete"
    )
    AuditFactory.create(title="Left over", programme=programme, planned_month=D(2015, 5, 1))
    AuditFactory.create(title="Another programme's", planned_month=D(2014, 6, 1))
    client.force_login(manager)
    response = client.get(reverse("audits-programme-detail", args=[programme.uuid]))
    months = response.context["months"]
    assert [m["month"] for m in months][::11] == [D(2014, 4, 1), D(2015, 3, 1)]
    assert len(months) == 12
    assert {m["month"]: [a.title for a in m["audits"]] for m in months if m["audits"]} == {
        D(2014, 6, 1): ["Domestic abuse"],
        D(2015, 3, 1): ["Care leavers"],
    }
    assert [a.title for a in response.context["outside"]] == ["Left over"]
    assert '<strong class="govuk-tag govuk-tag--green">Complete</strong>' in response.content.decode()


def test_a_programme_starting_mid_month_counts_that_month_first():
    months = _month_starts(D(2014, 9, 15))
    assert (months[0], months[3], months[-1]) == (D(2014, 9, 1), D(2014, 12, 1), D(2015, 8, 1))


# Quarterly reviews ------------------------------------------------------------------------------


def test_a_lead_adds_a_quarterly_review_note(client, manager, programme):
    client.force_login(manager)
    url = reverse("audits-programme-detail", args=[programme.uuid])
    response = client.post(
        url, {**date_parts("reviewed_on", "2014-07-01"), "note": "Two audits moved to the autumn."}
    )
    review = ProgrammeReview.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url
    assert (review.programme, review.reviewed_on, review.reviewed_by) == (programme, D(2014, 7, 1), manager)
    assert "Two audits moved to the autumn." in client.get(url).content.decode()


def test_a_review_without_a_note_shows_an_error_summary(client, manager, programme):
    client.force_login(manager)
    url = reverse("audits-programme-detail", args=[programme.uuid])
    response = client.post(url, {**date_parts("reviewed_on", "01/07/2014"), "note": ""})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not ProgrammeReview.objects.exists()


def test_a_report_officer_may_not_add_a_review(client, report_officer, programme):
    client.force_login(report_officer)
    url = reverse("audits-programme-detail", args=[programme.uuid])
    assert client.get(url).status_code == 200
    assert client.post(url, {**date_parts("reviewed_on", "01/07/2014"), "note": "Mine"}).status_code == 403
    assert not ProgrammeReview.objects.exists()


def test_the_programme_page_rejects_other_methods(client, manager, programme):
    client.force_login(manager)
    assert client.delete(reverse("audits-programme-detail", args=[programme.uuid])).status_code == 405


def test_an_unknown_programme_is_404(client, manager):
    client.force_login(manager)
    url = reverse("audits-programme-detail", args=["00000000-0000-0000-0000-000000000000"])
    assert client.get(url).status_code == 404


# An audit's status ------------------------------------------------------------------------------


def test_a_lead_changes_an_audits_status_from_the_programme_page(client, manager, programme):
    audit = AuditFactory.create(programme=programme)
    client.force_login(manager)
    response = client.post(reverse("audits-status", args=[audit.uuid]), {"status": "in_moderation"})
    audit.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("audits-programme-detail", args=[programme.uuid])
    assert audit.status == Audit.Status.IN_MODERATION
    latest = audit.history.latest()
    assert latest.history_user == manager
    assert "Planned -> In moderation" in latest.history_change_reason


def test_changing_the_status_of_an_audit_outside_a_programme_returns_to_the_audit(client, manager):
    audit = AuditFactory.create()
    client.force_login(manager)
    response = client.post(reverse("audits-status", args=[audit.uuid]), {"status": "reported"})
    assert response["Location"] == reverse("audits-detail", args=[audit.uuid])


def test_setting_the_status_it_already_has_changes_nothing(client, manager):
    audit = AuditFactory.create(status=Audit.Status.SAMPLING)
    client.force_login(manager)
    client.post(reverse("audits-status", args=[audit.uuid]), {"status": "sampling"})
    assert audit.history.count() == 1  # only its creation


def test_a_locked_audit_cannot_go_back_to_planned(client, manager, moderator):
    audit = AuditFactory.create(status=Audit.Status.COMPLETE, locked_at=timezone.now(), locked_by=moderator)
    client.force_login(manager)
    response = client.post(reverse("audits-status", args=[audit.uuid]), {"status": "planned"})
    audit.refresh_from_db()
    assert response.status_code == 200
    assert "The audit is locked" in response.content.decode()
    assert audit.status == Audit.Status.COMPLETE


def test_an_unknown_status_is_an_error_not_a_500(client, manager):
    audit = AuditFactory.create()
    client.force_login(manager)
    response = client.post(reverse("audits-status", args=[audit.uuid]), {"status": "abandoned"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_the_status_page_rejects_other_methods(client, manager):
    client.force_login(manager)
    assert client.put(reverse("audits-status", args=[AuditFactory.create().uuid])).status_code == 405


@pytest.mark.parametrize("persona", ["outsider", "report_officer", "moderator", "auditor"], indirect=True)
def test_only_leads_may_change_an_audits_status(client, persona):
    audit = AuditFactory.create()
    client.force_login(persona)
    assert client.post(reverse("audits-status", args=[audit.uuid]), {"status": "reported"}).status_code == 403
    audit.refresh_from_db()
    assert audit.status == Audit.Status.PLANNED
