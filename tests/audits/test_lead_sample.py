"""Drawing an audit's sample from a sampling frame, and confirming it (DOMAIN.md "How audits are done")."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audits.models import Audit, CaseAudit
from tests.dates import date_parts
from tests.factories import AuditFactory, CaseAuditFactory, ChildFactory, S47EnquiryFactory, TeamFactory

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def teams():
    return TeamFactory.create(code="N", name="North"), TeamFactory.create(code="S", name="South")


@pytest.fixture
def frame(teams):
    """18 S47 enquiries in March 2014: 12 in North, 6 in South; one in April, outside the frame."""
    north, south = teams
    enquiries = [S47EnquiryFactory.create(team=north, start_date=D(2014, 3, 1 + n)) for n in range(12)]
    enquiries += [S47EnquiryFactory.create(team=south, start_date=D(2014, 3, 1 + n)) for n in range(6)]
    S47EnquiryFactory.create(team=north, start_date=D(2014, 4, 2))
    return enquiries


@pytest.fixture
def audit():
    return AuditFactory.create(title="S47 audit", planned_month=D(2014, 4, 1))


def draw(client, audit: Audit, **overrides):
    data = {
        "frame_type": "s47",
        **date_parts("frame_start", "01/03/2014"),
        **date_parts("frame_end", "31/03/2014"),
    } | overrides
    return client.post(reverse("audits-sample", args=[audit.uuid]), data)


def drawn_record_ids(audit: Audit) -> list[int]:
    return sorted(audit.case_audits.values_list("record_id", flat=True))


def test_a_lead_draws_a_stratified_sample_reproducibly_from_a_seed(client, manager, audit, frame, teams):
    """6 of 18 (North 12, South 6), stratified: 6 x 12/18 = 4 from North, 6 x 6/18 = 2 from South."""
    north, south = teams
    client.force_login(manager)
    response = draw(client, audit, size="6", stratify_by_team="on", seed="20140303")
    assert response.status_code == 302
    assert response["Location"] == reverse("audits-sample", args=[audit.uuid])
    first = drawn_record_ids(audit)
    assert len(first) == 6
    assert audit.case_audits.filter(team=north).count() == 4
    assert audit.case_audits.filter(team=south).count() == 2
    audit.refresh_from_db()
    assert (audit.seed, audit.sample_size, audit.stratify_by_team, audit.status) == (
        20140303,
        6,
        True,
        "sampling",
    )
    assert set(audit.frame_teams.all()) == set()
    assert not audit.case_audits.filter(auditor__isnull=False).exists()

    other = AuditFactory.create(planned_month=D(2014, 4, 1))
    draw(client, other, size="6", stratify_by_team="on", seed="20140303")
    assert drawn_record_ids(other) == first
    draw(client, audit, size="6", stratify_by_team="on", seed="20140303")
    assert drawn_record_ids(audit) == first


def test_the_sample_page_shows_the_frozen_list_its_seed_and_a_confirm_button(client, manager, audit, frame):
    client.force_login(manager)
    draw(client, audit, size="4", seed="77")
    page = client.get(reverse("audits-sample", args=[audit.uuid])).content.decode()
    child_ids = audit.case_audits.values_list("child__child_id", flat=True)
    assert all(child_id in page for child_id in child_ids)
    assert "77" in page
    assert reverse("audits-sample-confirm", args=[audit.uuid]) in page
    assert "Confirm sample" in page


def test_a_blank_seed_is_chosen_at_random_and_recorded(client, manager, audit, frame):
    client.force_login(manager)
    draw(client, audit, size="4")
    audit.refresh_from_db()
    assert audit.seed is not None
    assert audit.case_audits.count() == 4


def test_a_percentage_sample_takes_that_share_of_the_frame(client, manager, audit, frame):
    """50% of 18 -> 9."""
    client.force_login(manager)
    draw(client, audit, percent="50", seed="1")
    assert audit.case_audits.count() == 9


def test_a_team_filter_narrows_the_frame(client, manager, audit, frame, teams):
    client.force_login(manager)
    draw(client, audit, percent="100", teams=[str(teams[1].pk)], seed="1")
    assert audit.case_audits.count() == 6
    assert set(audit.case_audits.values_list("team__name", flat=True)) == {"South"}


def test_the_subsample_is_the_chosen_percentage_of_the_sample(client, manager, audit, frame):
    """10 drawn, 20% sub-sample -> 2 cases get the sub-sample questions."""
    client.force_login(manager)
    draw(client, audit, size="10", subsample_percent="20", seed="5")
    assert audit.case_audits.count() == 10
    assert audit.case_audits.filter(in_subsample=True).count() == 2


def test_leaving_out_recent_audits_excludes_a_child_audited_within_12_months(client, manager, audit, frame):
    recent = frame[0].child
    CaseAuditFactory.create(audit=AuditFactory.create(planned_month=D(2013, 11, 1)), child=recent)
    long_ago = frame[1].child
    CaseAuditFactory.create(audit=AuditFactory.create(planned_month=D(2013, 1, 1)), child=long_ago)
    client.force_login(manager)
    draw(client, audit, percent="100", exclude_recently_audited="on", seed="1")
    children = set(audit.case_audits.values_list("child_id", flat=True))
    assert recent.pk not in children
    assert long_ago.pk in children
    assert len(children) == 17
    draw(client, audit, percent="100", seed="1")
    assert recent.pk in set(audit.case_audits.values_list("child_id", flat=True))


def test_a_multi_agency_sample_has_one_case_audit_per_agency(client, manager, frame):
    audit = AuditFactory.create(agencies=["social_care", "police"], planned_month=D(2014, 4, 1))
    client.force_login(manager)
    draw(client, audit, size="3", seed="9")
    assert audit.case_audits.count() == 6
    assert audit.case_audits.filter(agency="police").count() == 3
    assert len(client.get(reverse("audits-sample", args=[audit.uuid])).context["rows"]) == 3


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"size": "5", "percent": "10"}, "Enter a number of cases or a percentage, not both"),
        ({}, "Enter a number of cases or a percentage"),
        ({"percent": "101"}, "The percentage of the records must be between 1 and 100"),
        ({"percent": "0"}, "The percentage of the records must be between 1 and 100"),
        (
            {"size": "5", **date_parts("frame_start", "2014-03-31"), **date_parts("frame_end", "2014-03-01")},
            "The last date must be the same",
        ),
        ({"size": "5", **date_parts("frame_start", "31/02/2014")}, "From must be a real date"),
        ({"size": "5", "subsample_percent": "150"}, "The sub-sample percentage must be between 1 and 100"),
        ({"size": "five"}, "The number of cases must be a number"),
        ({"size": "0"}, "The number of cases must be 1 or more"),
    ],
)
def test_bad_sampling_parameters_show_an_error_summary(client, manager, audit, frame, overrides, message):
    client.force_login(manager)
    response = draw(client, audit, **overrides)
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert message in page
    assert not audit.case_audits.exists()


def test_the_frames_dates_typed_as_day_month_and_year_bound_the_records(client, manager, audit, frame):
    client.force_login(manager)
    dates = {"frame_start_0": "1", "frame_start_1": "3", "frame_end_0": "6", "frame_end_1": "3"}
    draw(client, audit, **dates, percent="100", seed="1")
    assert audit.case_audits.count() == 12  # 6 days in each of the two teams


# Confirming -------------------------------------------------------------------------------------


def test_confirming_fixes_the_sample_and_the_form_is_gone(client, manager, audit, frame):
    client.force_login(manager)
    draw(client, audit, size="4", seed="3")
    drawn = drawn_record_ids(audit)
    response = client.post(reverse("audits-sample-confirm", args=[audit.uuid]))
    audit.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("audits-assign", args=[audit.uuid])
    assert audit.sample_confirmed_at is not None
    assert audit.status == Audit.Status.IN_PROGRESS

    page = client.get(reverse("audits-sample", args=[audit.uuid])).content.decode()
    assert "Draw the sample" not in page
    assert "Confirm sample" not in page
    response = draw(client, audit, size="8", seed="4")
    assert response.status_code == 200
    assert "already confirmed" in response.content.decode()
    assert drawn_record_ids(audit) == drawn


def test_confirming_twice_changes_nothing(client, manager, audit, frame):
    client.force_login(manager)
    draw(client, audit, size="4", seed="3")
    client.post(reverse("audits-sample-confirm", args=[audit.uuid]))
    audit.refresh_from_db()
    confirmed_at = audit.sample_confirmed_at
    client.post(reverse("audits-sample-confirm", args=[audit.uuid]))
    audit.refresh_from_db()
    assert audit.sample_confirmed_at == confirmed_at


def test_confirming_an_empty_sample_shows_an_error_summary(client, manager, audit):
    client.force_login(manager)
    response = client.post(reverse("audits-sample-confirm", args=[audit.uuid]))
    audit.refresh_from_db()
    assert response.status_code == 200
    assert "Draw a sample with at least one case before confirming it." in response.content.decode()
    assert audit.sample_confirmed_at is None


def test_confirming_takes_only_post(client, manager, audit):
    client.force_login(manager)
    assert client.get(reverse("audits-sample-confirm", args=[audit.uuid])).status_code == 405


def test_the_sample_page_rejects_other_methods(client, manager, audit):
    client.force_login(manager)
    assert client.put(reverse("audits-sample", args=[audit.uuid])).status_code == 405


@pytest.mark.parametrize("persona", ["outsider", "report_officer", "moderator", "auditor"], indirect=True)
def test_only_leads_may_draw_or_confirm_a_sample(client, persona, audit, frame):
    CaseAuditFactory.create(
        audit=audit, auditor=persona, child=ChildFactory.create()
    )  # so an auditor can see the audit
    client.force_login(persona)
    assert client.get(reverse("audits-sample", args=[audit.uuid])).status_code == 403
    assert draw(client, audit, size="4", seed="1").status_code == 403
    assert client.post(reverse("audits-sample-confirm", args=[audit.uuid])).status_code == 403
    audit.refresh_from_db()
    assert (audit.seed, audit.sample_confirmed_at, audit.case_audits.count()) == (None, None, 1)


def test_a_lead_sees_the_confirmed_sample_date(client, manager, audit, frame):
    CaseAuditFactory.create(audit=audit)
    Audit.objects.filter(pk=audit.pk).update(sample_confirmed_at=timezone.now(), seed=5)
    client.force_login(manager)
    page = client.get(reverse("audits-sample", args=[audit.uuid])).content.decode()
    assert "Confirmed" in page
    assert CaseAudit.objects.count() == 1
