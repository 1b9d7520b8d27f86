"""A manager recalculates the dashboard, reads a figure and drills down to the records behind it; axe-core
on every page."""

import datetime

import pytest
import time_machine

from common import roles
from tests.browser_fixtures import log_in
from tests.factories import S47EnquiryFactory, TeamFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@time_machine.travel(datetime.datetime(2024, 5, 15, 12, 0), tick=True)
def test_a_manager_recalculates_and_drills_down_to_the_records(live_server, page, assert_accessible):
    UserFactory(username="manager-dashboard", roles=[roles.MANAGER])
    team = TeamFactory(code="N", name="North")
    # April 2024: Monday 8 April + 15 working days = Monday 29 April. One met, one missed.
    S47EnquiryFactory(
        child__child_id="C-MET",
        team=team,
        start_date=datetime.date(2024, 4, 8),
        end_date=datetime.date(2024, 4, 29),
    )
    S47EnquiryFactory(
        child__child_id="C-LATE",
        team=team,
        start_date=datetime.date(2024, 4, 8),
        end_date=datetime.date(2024, 4, 30),
    )

    log_in(page, live_server, "manager-dashboard")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Dashboard").click()
    assert_accessible(page)
    page.get_by_role("button", name="Recalculate").click()
    assert_accessible(page)

    page.goto(f"{live_server.url}/dashboard/")
    assert page.get_by_text("50% (1 of 2)").first.is_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}/dashboard/s47_within_15_days/records/?month=2024-04")
    assert page.get_by_text("C-MET").first.is_visible()
    assert page.get_by_text("C-LATE").first.is_visible()
    assert_accessible(page)
