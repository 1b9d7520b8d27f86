import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from common.models import AccessLogEntry
from tests.factories import (
    CaseAuditFactory,
    ChildFactory,
    ReferralFactory,
    S47EnquiryFactory,
    StrategyDiscussionFactory,
    TeamFactory,
    WorkerFactory,
)

D = datetime.date
pytestmark = pytest.mark.django_db

ENDPOINTS = ["api-child", "api-referral", "api-strategy-discussion", "api-s47-enquiry"]
REFUSED_PERSONAS = ["report_officer", "panel_member", "partner_auditor", "outsider"]


@pytest.fixture
def records():
    """One child with a record of each kind; S47s started Monday 3 March 2014 (target Monday 24 March)."""
    north = TeamFactory.create(code="N", name="North")
    south = TeamFactory.create(code="S", name="South")
    worker = WorkerFactory.create(name="Wren Walker", team=north)
    child = ChildFactory.create(child_id="C-MET")
    discussion = StrategyDiscussionFactory.create(child=child, team=north, date=D(2014, 3, 3))
    return {
        "child": child,
        "referral": ReferralFactory.create(child=child, team=north, acknowledgement_date=D(2014, 2, 21)),
        "discussion": discussion,
        "met": S47EnquiryFactory.create(
            child=child,
            team=north,
            worker=worker,
            strategy_discussion=discussion,
            start_date=D(2014, 3, 3),
            end_date=D(2014, 3, 24),  # working day 15
            outcome="icpc",
            icpc_date=D(2014, 3, 20),
            consent="given",
            consent_date=D(2014, 3, 5),
            information_shared_date=D(2014, 3, 4),
            management_oversight_date=D(2014, 3, 4),
        ),
        "missed": S47EnquiryFactory.create(
            child__child_id="C-MISSED",
            team=south,
            start_date=D(2014, 3, 3),
            end_date=D(2014, 3, 25),
            outcome="nfa",
        ),
        "open": S47EnquiryFactory.create(child__child_id="C-OPEN", start_date=D(2014, 4, 1)),
    }


def _list_url(endpoint: str) -> str:
    return reverse(f"{endpoint}-list")


def _detail_url(endpoint: str, records) -> str:
    instance = {
        "api-child": records["child"],
        "api-referral": records["referral"],
        "api-strategy-discussion": records["discussion"],
        "api-s47-enquiry": records["met"],
    }[endpoint]
    return reverse(f"{endpoint}-detail", kwargs={"uuid": instance.uuid})


def _s47_by_child(response) -> dict[str, dict]:
    return {row["child_id"]: row for row in response.json()["results"]}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_manager_lists_each_kind_of_record_and_opens_one_by_its_uuid(client, manager, records, endpoint):
    client.force_login(manager)
    listing = client.get(_list_url(endpoint))
    detail = client.get(_detail_url(endpoint, records))
    assert listing.status_code == 200
    assert listing.json()["count"] >= 1
    assert detail.status_code == 200
    assert detail.json() in listing.json()["results"]
    assert "id" not in detail.json()


def test_an_s47_ended_on_working_day_15_is_within_target_and_day_16_is_not(client, manager, records):
    client.force_login(manager)
    rows = _s47_by_child(client.get(_list_url("api-s47-enquiry")))
    assert rows["C-MET"]["target_date"] == "2014-03-24"
    assert rows["C-MET"]["completed_within_target"] is True
    assert rows["C-MISSED"]["target_date"] == "2014-03-24"
    assert rows["C-MISSED"]["completed_within_target"] is False
    assert rows["C-OPEN"]["completed_within_target"] is None


def test_an_s47_carries_its_child_team_worker_and_each_standard(client, manager, records):
    client.force_login(manager)
    met = client.get(_detail_url("api-s47-enquiry", records)).json()
    assert met["uuid"] == str(records["met"].uuid)
    assert met["child_uuid"] == str(records["child"].uuid)
    assert met["child_id"] == "C-MET"
    assert met["strategy_discussion_uuid"] == str(records["discussion"].uuid)
    assert (met["team_code"], met["team_name"], met["worker_name"]) == ("N", "North", "Wren Walker")
    assert met["consent_recorded"] is True
    assert met["consent_retrospective"] is True  # consent sought 5 March, information shared 4 March
    assert met["management_oversight_recorded"] is True
    assert met["icpc_within_target"] is True


def test_an_s47_with_no_team_or_worker_gives_nulls(client, manager, records):
    client.force_login(manager)
    open_ = _s47_by_child(client.get(_list_url("api-s47-enquiry")))["C-OPEN"]
    assert (open_["team_code"], open_["team_name"], open_["worker_name"]) == (None, None, None)
    assert open_["consent_recorded"] is False
    assert open_["management_oversight_recorded"] is False
    assert open_["icpc_within_target"] is None


def test_the_other_records_carry_their_derived_standards(client, manager, records):
    client.force_login(manager)
    referral = client.get(_detail_url("api-referral", records)).json()
    discussion = client.get(_detail_url("api-strategy-discussion", records)).json()
    assert (referral["child_id"], referral["acknowledged"], referral["team_code"]) == ("C-MET", True, "N")
    assert discussion["core_agencies_attended"] is True


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"team": "S"}, {"C-MISSED"}),
        ({"team": "NOSUCH"}, set()),
        ({"start_from": "2014-03-04"}, {"C-OPEN"}),
        ({"start_to": "2014-03-03"}, {"C-MET", "C-MISSED"}),
        ({"start_from": "2014-03-03", "start_to": "2014-03-03"}, {"C-MET", "C-MISSED"}),
        ({"outcome": "nfa"}, {"C-MISSED"}),
        ({"outcome": "icpc", "team": "N"}, {"C-MET"}),
    ],
)
def test_the_s47_list_filters_by_team_code_start_dates_and_outcome(client, manager, records, query, expected):
    client.force_login(manager)
    assert set(_s47_by_child(client.get(_list_url("api-s47-enquiry"), query))) == expected


def test_the_children_list_filters_by_child_id_ignoring_case(client, manager, records):
    client.force_login(manager)
    response = client.get(_list_url("api-child"), {"child_id": "c-missed"})
    assert [row["child_id"] for row in response.json()["results"]] == ["C-MISSED"]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"start_from": "31/02/2014"}, "start_from", "Enter a date as YYYY-MM-DD, for example 2014-03-03."),
        ({"start_to": "2014-02-31"}, "start_to", "Enter a date as YYYY-MM-DD, for example 2014-03-03."),
        (
            {"outcome": "maybe"},
            "outcome",
            "Select a valid choice. maybe is not one of the available choices.",
        ),
    ],
)
def test_a_bad_filter_value_is_a_400_naming_the_filter(client, manager, records, query, field, message):
    client.force_login(manager)
    response = client.get(_list_url("api-s47-enquiry"), query)
    assert response.status_code == 400
    assert response.json() == {field: [message]}


def test_a_token_from_the_api_token_command_authenticates(client, manager, records, capsys):
    call_command("api_token", manager.username)
    key = capsys.readouterr().out.strip()
    response = client.get(_list_url("api-s47-enquiry"), HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert response.json()["count"] == 3


def test_a_wrong_token_is_refused(client, records):
    response = client.get(_list_url("api-s47-enquiry"), HTTP_AUTHORIZATION="Token not-a-real-token")
    assert response.status_code in (401, 403)


def test_a_signed_in_session_authenticates(client, manager, records):
    assert client.login(username=manager.username, password="correct-horse-battery")
    assert client.get(_list_url("api-s47-enquiry")).json()["count"] == 3


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_an_auditor_sees_no_records_they_are_not_assigned(client, auditor, records, endpoint):
    client.force_login(auditor)
    listing = client.get(_list_url(endpoint))
    assert listing.status_code == 200
    assert listing.json()["results"] == []
    assert client.get(_detail_url(endpoint, records)).status_code == 404


@pytest.mark.parametrize("persona", REFUSED_PERSONAS, indirect=True)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_roles_without_case_record_access_are_refused(client, persona, records, endpoint):
    client.force_login(persona)
    assert client.get(_list_url(endpoint)).status_code == 403
    assert client.get(_detail_url(endpoint, records)).status_code == 403


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_anonymous_requests_are_refused(client, records, endpoint):
    assert client.get(_list_url(endpoint)).status_code in (401, 403)
    assert client.get(_detail_url(endpoint, records)).status_code in (401, 403)


def test_an_unknown_or_malformed_uuid_is_a_404(client, manager, records):
    client.force_login(manager)
    assert (
        client.get(reverse("api-s47-enquiry-detail", kwargs={"uuid": records["child"].uuid})).status_code
        == 404
    )
    assert client.get(reverse("api-s47-enquiry-detail", kwargs={"uuid": "12"})).status_code == 404


def test_the_api_writes_nothing(client, manager, records):
    client.force_login(manager)
    assert client.post(_list_url("api-s47-enquiry"), {}).status_code == 405
    assert client.delete(_detail_url("api-s47-enquiry", records)).status_code == 405


def test_each_list_and_record_read_is_written_to_the_access_log(client, manager, records):
    client.force_login(manager)
    client.get(_list_url("api-s47-enquiry"), {"team": "N"})
    client.get(_detail_url("api-s47-enquiry", records))
    client.get(_list_url("api-s47-enquiry"), {"outcome": "maybe"})  # refused: not logged
    entries = list(
        AccessLogEntry.objects.order_by("at", "pk").values_list("action", "object_type", "object_ref")
    )
    assert entries == [("list", "S47 enquiries", ""), ("view", "S47 enquiry", "C-MET")]


def test_the_schema_is_served_to_a_signed_in_user(client, report_officer):
    client.force_login(report_officer)
    response = client.get(reverse("api-schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert "/api/s47-enquiries/{uuid}/" in response.json()["paths"]


def test_the_schema_is_not_served_to_anonymous_users(client):
    assert client.get(reverse("api-schema")).status_code in (401, 403)


def test_the_s47_list_takes_the_same_queries_for_many_enquiries(client, manager, django_assert_num_queries):
    for n in range(20):
        team = TeamFactory.create(code=f"T-{n}")
        S47EnquiryFactory.create(
            child__child_id=f"C-{n}",
            team=team,
            worker=WorkerFactory.create(team=team),
            oversight_manager=WorkerFactory.create(team=team),
            strategy_discussion=StrategyDiscussionFactory.create(),
        )
    client.force_login(manager)
    # Session, user, user's roles, count, one page of enquiries (one join per relation), access log entry,
    # then the session saved, its idle expiry moved on (savepoint, update, release). None grows with the rows.
    with django_assert_num_queries(10):  # 10th: the children shown, for the access log
        response = client.get(_list_url("api-s47-enquiry"))
    assert response.json()["count"] == 20


def test_an_auditor_sees_only_the_records_of_children_assigned_to_them(client, auditor, records):
    CaseAuditFactory.create(child=records["child"], auditor=auditor)
    client.force_login(auditor)
    assert set(_s47_by_child(client.get(_list_url("api-s47-enquiry")))) == {"C-MET"}
    assert client.get(_detail_url("api-s47-enquiry", records)).status_code == 200
    assert client.get(_detail_url("api-child", records)).status_code == 200
    missed = reverse("api-s47-enquiry-detail", kwargs={"uuid": records["missed"].uuid})
    assert client.get(missed).status_code == 404
