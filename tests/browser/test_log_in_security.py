"""Two-factor set-up and codes, and the lockout, in a real browser; axe-core on every page shown."""

import base64

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from accounts.services import enrolment_link_issue
from common import roles
from tests.browser_fixtures import log_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _code(key: bytes) -> str:
    return f"{totp(key):06d}"


def _key_from_page(text: str) -> bytes:
    secret = text.replace(" ", "")
    return base64.b32decode(secret + "=" * (-len(secret) % 8))


def test_a_manager_sets_up_two_factor_and_reaches_the_dashboard(
    live_server, page, assert_accessible, settings
):
    settings.TWO_FACTOR_REQUIRED = True
    manager = UserFactory.create(username="manager-2fa", roles=[roles.MANAGER])

    page.goto(f"{live_server.url}/dashboard/")
    page.get_by_label("Username").fill("manager-2fa")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()

    # The password alone shows no secret: the first app is set up through an administrator's link.
    assert "/account/two-factor/set-up/" in page.url
    assert page.get_by_role("heading", level=1).inner_text() == "Set up two-factor authentication"
    expect(page.get_by_text("Ask an administrator for a set-up link")).to_be_visible()
    assert page.get_by_role("img", name="QR code for setting up your authenticator app").count() == 0
    assert_accessible(page)

    page.goto(f"{live_server.url}{enrolment_link_issue(user=manager, by=None)}")
    expect(page.get_by_role("img", name="QR code for setting up your authenticator app")).to_be_visible()
    assert_accessible(page)

    key = _key_from_page(page.locator("[data-otp-secret]").inner_text())
    assert key == TOTPDevice.objects.get(user=manager).bin_key

    page.get_by_label("Enter the 6-digit code").fill(f"{(int(_code(key)) + 1) % 1_000_000:06d}")
    page.get_by_role("button", name="Confirm and continue").click()
    assert page.get_by_text("There is a problem").is_visible()
    assert_accessible(page)

    page.wait_for_timeout(1500)  # django-otp refuses any code for a second after a wrong one
    page.get_by_label("Enter the 6-digit code").fill(_code(key))
    page.get_by_role("button", name="Confirm and continue").click()
    expect(page.get_by_text("Two-factor authentication is set up")).to_be_visible()
    page.goto(f"{live_server.url}/dashboard/")
    assert page.url == f"{live_server.url}/dashboard/"
    assert TOTPDevice.objects.get(user=manager).confirmed


def test_a_manager_with_an_app_enters_a_code_after_the_password(
    live_server, page, assert_accessible, settings
):
    settings.TWO_FACTOR_REQUIRED = True
    manager = UserFactory.create(username="manager-code", roles=[roles.MANAGER])
    device = TOTPDevice.objects.create(user=manager, name="Phone", confirmed=True)

    page.goto(f"{live_server.url}/dashboard/")
    page.get_by_label("Username").fill("manager-code")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()

    assert "/account/two-factor/" in page.url
    assert page.get_by_role("heading", level=1).inner_text() == "Enter the code from your authenticator app"
    assert_accessible(page)

    page.get_by_label("Enter the 6-digit code").fill(_code(device.bin_key))
    page.get_by_role("button", name="Continue").click()
    assert page.url == f"{live_server.url}/dashboard/"

    page.get_by_role("link", name="Change your password").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Change your password"
    assert_accessible(page)
    page.get_by_role("link", name="Two-factor authentication: your authenticator app").click()
    assert page.get_by_text("Authenticator app").first.is_visible()
    assert_accessible(page)


def test_five_wrong_passwords_lock_the_account_on_that_computer(live_server, page, assert_accessible):
    UserFactory.create(username="locked-lou", roles=[roles.MANAGER])
    for _ in range(4):
        log_in(page, live_server, "locked-lou", password="not-the-password")
        expect(page.get_by_text("There is a problem")).to_be_visible()

    log_in(page, live_server, "locked-lou", password="not-the-password")
    expect(page.get_by_role("heading", name="You cannot sign in for now")).to_be_visible()

    log_in(page, live_server, "locked-lou")
    expect(page.get_by_role("heading", name="You cannot sign in for now")).to_be_visible()
    expect(page.get_by_text("Try again in 30 minutes")).to_be_visible()
    assert_accessible(page)
