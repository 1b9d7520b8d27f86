"""A CSV file refused for its encoding is read again in the one the user picks, and imported (#11.4)."""

import pytest
from playwright.sync_api import expect

from cases import models as m
from tests.browser_fixtures import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WINDOWS_1252 = "child_id,name\r\nc 1,Zoë Brontë\r\nC2,Sinéad O’Brien\r\n".encode("cp1252")


def test_a_manager_reads_a_refused_csv_again_as_windows_1252_and_imports_it(
    page, live_server, manager, settings, tmp_path, assert_accessible
):
    settings.MEDIA_ROOT = tmp_path
    log_in(page, live_server, manager.username)
    page.goto(f"{live_server.url}/cases/import/")
    expect(page.get_by_label("UTF-8 (most files")).to_be_checked()
    assert_accessible(page)

    page.set_input_files(
        "input[type=file]", files=[{"name": "children.csv", "mimeType": "text/csv", "buffer": WINDOWS_1252}]
    )
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("cell", name="Row 2 is not valid UTF-8 text")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Windows-1252").check()
    page.get_by_role("button", name="Check again").click()
    expect(page.get_by_role("cell", name="Zoë Brontë")).to_be_visible()
    expect(page.get_by_text("Windows-1252 text")).to_be_visible()
    page.get_by_role("button", name="Import these records").click()
    expect(page.get_by_role("heading", name="Case records imported")).to_be_visible()

    assert sorted(m.Child.objects.values_list("child_id", "name")) == [
        ("C1", "Zoë Brontë"),
        ("C2", "Sinéad O’Brien"),
    ]
