import datetime

import pytest
from django.urls import reverse

from common.models import AccessLogEntry
from tests.factories import ReferralFactory, S47EnquiryFactory, StrategyDiscussionFactory, TeamFactory

D = datetime.date
pytestmark = pytest.mark.django_db

CASE_PAGES = ["cases-s47-list", "cases-child-list"]


@pytest.fixture
def enquiries():
    north, south = TeamFactory.create(code="N", name="North"), TeamFactory.create(code="S", name="South")
    return {
        "met": S47EnquiryFactory.create(
            child__child_id="C-MET",
            team=north,
            start_date=D(2014, 3, 3),
            end_date=D(2014, 3, 24),
            consent="given",
            chronology_on_file=True,
        ),
        "missed": S47EnquiryFactory.create(
            child__child_id="C-MISSED", team=south, start_date=D(2014, 3, 3), end_date=D(2014, 3, 25)
        ),
        "open": S47EnquiryFactory.create(child__child_id="C-OPEN", team=south, start_date=D(2014, 3, 3)),
    }


def _child_ids(response) -> set[str]:
    return {e.child.child_id for e in response.context["page"].object_list}


@pytest.mark.parametrize("persona", ["manager", "administrator", "moderator"], indirect=True)
def test_case_roles_see_every_enquiry(client, persona, enquiries):
    client.force_login(persona)
    response = client.get(reverse("cases-s47-list"))
    assert response.status_code == 200
    assert _child_ids(response) == {"C-MET", "C-MISSED", "C-OPEN"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"within_target": "met"}, {"C-MET"}),
        ({"within_target": "missed"}, {"C-MISSED"}),
        ({"status": "open"}, {"C-OPEN"}),
        ({"status": "overdue"}, {"C-OPEN"}),
        ({"consent": "met"}, {"C-MET"}),
        ({"consent": "missed"}, {"C-MISSED", "C-OPEN"}),
        ({"chronology": "missed"}, {"C-MISSED", "C-OPEN"}),
        ({"child_id": "c-met"}, {"C-MET"}),
        ({"start_from": "04/03/2014"}, set()),
        ({"start_to": "2014-03-03"}, {"C-MET", "C-MISSED", "C-OPEN"}),
    ],
)
def test_the_case_list_filters_by_each_standard(client, manager, enquiries, query, expected):
    client.force_login(manager)
    assert _child_ids(client.get(reverse("cases-s47-list"), query)) == expected


def test_the_case_list_filters_by_team(client, manager, enquiries):
    client.force_login(manager)
    team = enquiries["missed"].team
    assert _child_ids(client.get(reverse("cases-s47-list"), {"team": team.pk})) == {"C-MISSED", "C-OPEN"}


def test_a_bad_filter_date_is_reported_not_ignored(client, manager, enquiries):
    client.force_login(manager)
    response = client.get(reverse("cases-s47-list"), {"start_from": "31/02/2014"})
    assert response.status_code == 200
    assert "There is a problem with the filters" in response.content.decode()
    assert _child_ids(response) == set()


def test_the_case_list_pages_through_50_at_a_time(client, manager):
    S47EnquiryFactory.create_batch(51, start_date=D(2015, 1, 5))
    client.force_login(manager)
    first = client.get(reverse("cases-s47-list"))
    second = client.get(reverse("cases-s47-list"), {"page": 2})
    assert len(first.context["page"].object_list) == 50
    assert len(second.context["page"].object_list) == 1
    assert "Page 1 of 2" in first.content.decode()


def test_the_case_list_query_count_does_not_grow_with_rows(client, manager, django_assert_max_num_queries):
    S47EnquiryFactory.create_batch(30)
    client.force_login(manager)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("cases-s47-list")).status_code == 200


def test_the_case_list_shows_met_and_missed_tags(client, manager, enquiries):
    client.force_login(manager)
    html = client.get(reverse("cases-s47-list")).content.decode()
    assert "govuk-tag--green" in html and "govuk-tag--red" in html and "Open, overdue" in html


@pytest.mark.parametrize("page", CASE_PAGES)
@pytest.mark.parametrize(
    "persona", ["report_officer", "panel_member", "partner_auditor", "outsider"], indirect=True
)
def test_roles_without_case_access_are_refused(client, persona, page):
    client.force_login(persona)
    assert client.get(reverse(page)).status_code == 403


@pytest.mark.parametrize("page", CASE_PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, page):
    response = client.get(reverse(page))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_an_auditor_sees_no_case_that_is_not_assigned_to_them(client, auditor, enquiries):
    client.force_login(auditor)
    assert _child_ids(client.get(reverse("cases-s47-list"))) == set()
    child = enquiries["met"].child
    assert client.get(reverse("cases-child-detail", args=[child.uuid])).status_code == 404


def test_the_child_page_shows_the_timeline_and_logs_the_view(client, manager, enquiries):
    enquiry = enquiries["met"]
    ReferralFactory.create(child=enquiry.child, received_date=D(2014, 2, 28), referral_id="REF-1")
    StrategyDiscussionFactory.create(child=enquiry.child, date=D(2014, 3, 3), police_attended=False)
    client.force_login(manager)
    response = client.get(reverse("cases-child-detail", args=[enquiry.child.uuid]), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    kinds = [event["kind"] for event in response.context["timeline"]]
    assert kinds == ["Strategy discussion", "S47 enquiry", "Referral"]
    html = response.content.decode()
    assert "24 March 2014" in html  # the target date
    entry = AccessLogEntry.objects.get(action="view", object_ref="C-MET")
    assert entry.username == "manager-mo" and entry.ip_address == "10.1.2.3"


def test_the_child_page_of_an_unknown_child_is_404(client, manager):
    client.force_login(manager)
    assert (
        client.get(reverse("cases-child-detail", args=["00000000-0000-0000-0000-000000000000"])).status_code
        == 404
    )


def test_listing_cases_is_recorded_in_the_access_log(client, manager, enquiries):
    client.force_login(manager)
    client.get(reverse("cases-s47-list"), {"team": enquiries["met"].team.pk})
    assert (
        AccessLogEntry.objects.filter(
            action="list", object_type="S47 enquiries", username="manager-mo"
        ).count()
        == 1
    )


def test_each_page_states_the_roles_that_may_see_it(client, manager):
    client.force_login(manager)
    html = client.get(reverse("cases-s47-list")).content.decode()
    assert "Who can see this page: Administrator, Manager, Moderator, Auditor." in html


def test_the_login_page_is_open_and_home_requires_login(client):
    assert client.get(reverse("login")).status_code == 200
    assert client.get(reverse("home")).status_code == 302
