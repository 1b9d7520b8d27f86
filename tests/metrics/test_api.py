"""The metrics through the REST API: definitions and snapshots, for the dashboard's roles."""

import datetime

import pytest
from django.urls import reverse

from cases.standards import MetricKey
from metrics.services import metrics_recompute
from tests.factories import S47EnquiryFactory, TeamFactory
from tests.metrics.helpers import TODAY

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def north():
    north = TeamFactory.create(code="N", name="North")
    S47EnquiryFactory.create(team=north, start_date=D(2014, 3, 3), end_date=D(2014, 3, 24))
    S47EnquiryFactory.create(team=north, start_date=D(2014, 3, 3), end_date=D(2014, 3, 25))
    S47EnquiryFactory.create(start_date=D(2014, 3, 3), end_date=D(2014, 3, 10))
    metrics_recompute(today=TODAY)
    return north


@pytest.mark.parametrize(
    "persona", ["administrator", "manager", "moderator", "report_officer"], indirect=True
)
def test_dashboard_roles_read_the_definitions(client, persona):
    client.force_login(persona)
    body = client.get(reverse("api-metric-list")).json()
    assert [row["key"] for row in body] == MetricKey.values
    consent = client.get(reverse("api-metric-detail", args=["consent_recorded"])).json()
    assert consent["name"] == "Consent decision recorded"
    assert consent["related"] == "Retrospective consent"
    assert consent["audit_question"] is True
    assert client.get(reverse("api-metric-detail", args=["nothing"])).status_code == 404


@pytest.mark.parametrize("persona", ["auditor", "partner_auditor", "panel_member", "outsider"], indirect=True)
def test_other_roles_may_not_read_metrics(client, persona, north):
    client.force_login(persona)
    assert client.get(reverse("api-metric-list")).status_code == 403
    assert client.get(reverse("api-metric-snapshot-list")).status_code == 403


def test_anonymous_callers_are_refused(client):
    assert client.get(reverse("api-metric-snapshot-list")).status_code in (401, 403)


def test_snapshots_default_to_all_teams_and_filter_by_metric_period_and_team(client, manager, north):
    """March 2014: all teams 2 of 3 -> 67%; North 1 of 2 -> 50%."""
    client.force_login(manager)
    query = {"metric": "s47_within_15_days", "period_from": "2014-03-01", "period_to": "2014-03-01"}
    everyone = client.get(reverse("api-metric-snapshot-list"), query).json()["results"]
    assert [(r["team_code"], r["numerator"], r["denominator"], r["percent"]) for r in everyone] == [
        (None, "2.0", 3, 67)
    ]
    north_rows = client.get(reverse("api-metric-snapshot-list"), {**query, "team": "N"}).json()["results"]
    assert [(r["team_code"], r["percent"]) for r in north_rows] == [("N", 50)]


def test_a_bad_snapshot_filter_is_reported(client, manager, north):
    client.force_login(manager)
    response = client.get(reverse("api-metric-snapshot-list"), {"metric": "nothing"})
    assert response.status_code == 400
    assert "metric" in response.json()
