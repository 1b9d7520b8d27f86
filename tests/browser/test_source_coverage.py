"""A manager imports the council's extract and an Annex A List 5 file: the preview names the measures List 5
cannot feed, and the dashboard and the drill-down say what each figure covers; axe-core on every page.

With SCREENSHOT_DIR set, each page is saved there at 1280 and 390 px wide.
"""

import datetime
import os
from pathlib import Path

import pytest
import time_machine
from playwright.sync_api import expect

from common import roles
from tests.browser_fixtures import log_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
OWN_FORMAT = ["children.csv", "referrals.csv", "strategy_discussions.csv", "s47_enquiries.csv"]


def _shoot(page, name: str) -> None:
    folder = os.environ.get("SCREENSHOT_DIR")
    if not folder:
        return
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{folder}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def _import(page, live_server, files: list[Path], shot: str = "") -> None:
    page.goto(f"{live_server.url}/cases/import/")
    page.get_by_label("Upload a case extract").set_input_files([str(f) for f in files])
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("heading", name="Check the case extract")).to_be_visible()
    if shot:
        _shoot(page, shot)
    page.get_by_role("button", name="Import these records").click()
    expect(page.get_by_text("Case records imported")).to_be_visible()


@time_machine.travel(datetime.datetime(2024, 12, 16, 12, 0), tick=True)
def test_list_5_enquiries_are_left_out_and_every_figure_says_what_it_covers(
    live_server, page, assert_accessible
):
    UserFactory(username="manager-sources", roles=[roles.MANAGER])
    log_in(page, live_server, "manager-sources")
    for name in OWN_FORMAT:
        _import(page, live_server, [EXAMPLES / name])

    page.goto(f"{live_server.url}/cases/import/")
    page.get_by_label("Upload a case extract").set_input_files(str(EXAMPLES / "annex_a_list5.csv"))
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("heading", name="Measures this file cannot feed")).to_be_visible()
    expect(
        page.get_by_text("Consent decision recorded: the file does not hold the consent decision")
    ).to_be_visible()
    assert_accessible(page)
    _shoot(page, "import-preview")
    page.get_by_role("button", name="Import these records").click()
    expect(page.get_by_text("Case records imported")).to_be_visible()

    page.goto(f"{live_server.url}/dashboard/")
    page.get_by_role("button", name="Recalculate").click()
    page.goto(f"{live_server.url}/dashboard/")
    assert_accessible(page)
    _shoot(page, "dashboard")
    page.get_by_role("link", name="Consent decision recorded").first.click()  # the measure's own page
    expect(page.get_by_text("whose record holds the consent decision").first).to_be_visible()
    assert_accessible(page)
    _shoot(page, "measure")

    page.goto(f"{live_server.url}/dashboard/consent_recorded/records/?start=2024-01&end=2024-11")
    expect(page.get_by_text("whose source does not hold the consent decision")).to_be_visible()
    assert_accessible(page)
    _shoot(page, "drilldown")
