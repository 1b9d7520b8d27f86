"""Two-factor authentication (TOTP) for every role."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import EnrolmentLink
from accounts.services import api_token_issue, enrolment_link_issue
from accounts.two_factor import secret_for_display
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CASES = "/cases/"
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def two_factor_on(settings):
    settings.TWO_FACTOR_REQUIRED = True


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(START, tick=False)
    return time_machine


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def confirmed_device_for(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)


def open_set_up_link(client, user):
    """What the user does with the link an administrator gave them, signed in with their password."""
    response = client.get(enrolment_link_issue(user=user, by=None))
    assert response.status_code == 302 and response.url == reverse("accounts-two-factor-setup")
    return response


def test_a_manager_without_a_device_is_sent_from_a_case_page_to_set_one_up(client, manager):
    client.force_login(manager)
    response = client.get(CASES)
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts-two-factor')}?next=/cases/"
    response = client.get(response.url)
    assert response.url == f"{reverse('accounts-two-factor-setup')}?next=%2Fcases%2F"


PERSONAS = ["administrator", "manager", "moderator", "auditor", "report_officer", "partner_auditor"]


@pytest.mark.parametrize("persona", [*PERSONAS, "panel_member"], indirect=True)
def test_every_role_is_held_back_until_it_gives_a_code(client, persona):
    """Partner agency auditors and report officers open case audit facts and evidence: a password alone
    is not enough for them either."""
    client.force_login(persona)
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith(reverse("accounts-two-factor"))


@pytest.mark.parametrize("persona", ["report_officer", "partner_auditor"], indirect=True)
def test_a_partner_auditor_or_report_officer_cannot_use_the_api_on_a_password_alone(client, persona):
    client.force_login(persona)
    assert client.get("/api/audits/").status_code == 403


def test_a_user_with_no_role_is_not_asked(client, outsider):
    client.force_login(outsider)
    assert client.get("/").status_code == 200


def test_a_user_with_no_role_who_set_up_a_device_anyway_is_asked_for_a_code(client, outsider):
    confirmed_device_for(outsider)
    client.force_login(outsider)
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith(reverse("accounts-two-factor"))


def test_the_set_up_page_shows_a_qr_code_and_the_key_to_type_in(client, manager):
    client.force_login(manager)
    open_set_up_link(client, manager)
    response = client.get(reverse("accounts-two-factor-setup"))
    page = response.content.decode()
    device = TOTPDevice.objects.get(user=manager, confirmed=False)
    assert response.status_code == 200
    assert 'src="data:image/svg+xml' in page
    assert secret_for_display(device) in page
    assert "style=" not in page and "<script>" not in page
    # The same secret on a second visit: reloading the page does not invalidate a scanned code.
    client.get(reverse("accounts-two-factor-setup"))
    assert TOTPDevice.objects.filter(user=manager).count() == 1


# The first app is set up only through a one-time link ---------------------------------------------------


def test_a_password_alone_never_shows_a_secret(client, partner_auditor):
    """Before, anyone with the password was shown the pending secret and could set up their own app."""
    client.force_login(partner_auditor)
    response = client.get(reverse("accounts-two-factor-setup"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ask an administrator for a set-up link" in page
    assert "data:image/svg+xml" not in page and "data-otp-secret" not in page
    assert not TOTPDevice.objects.filter(user=partner_auditor).exists()
    assert client.post(reverse("accounts-two-factor-setup"), {"code": "123456"}).status_code == 200
    assert not TOTPDevice.objects.filter(user=partner_auditor).exists()


def test_a_set_up_link_works_once(client, manager):
    path = enrolment_link_issue(user=manager, by=None)
    client.force_login(manager)
    assert client.get(path).status_code == 302
    other = client.__class__()
    other.force_login(manager)
    refused = other.get(path)
    assert refused.status_code == 404
    assert "This set-up link does not work" in refused.content.decode()
    assert "data:image/svg+xml" not in other.get(reverse("accounts-two-factor-setup")).content.decode()


def test_a_set_up_link_works_only_for_its_own_user(client, manager, auditor):
    path = enrolment_link_issue(user=manager, by=None)
    client.force_login(auditor)
    assert client.get(path).status_code == 404
    client.force_login(manager)
    assert client.get(path).status_code == 302  # not used up by the refused attempt


def test_a_set_up_link_expires(client, manager, clock, settings):
    settings.TWO_FACTOR_LINK_HOURS = 72
    path = enrolment_link_issue(user=manager, by=None)
    clock.shift(dt.timedelta(hours=72, seconds=1))
    client.force_login(manager)
    assert client.get(path).status_code == 404


def test_a_new_link_replaces_the_old_one(client, manager):
    old = enrolment_link_issue(user=manager, by=None)
    new = enrolment_link_issue(user=manager, by=None)
    client.force_login(manager)
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 302


def test_a_secret_made_before_the_link_is_never_the_one_set_up(client, manager):
    seen = TOTPDevice.objects.create(user=manager, name="Authenticator app", confirmed=False)
    client.force_login(manager)
    open_set_up_link(client, manager)
    page = client.get(reverse("accounts-two-factor-setup")).content.decode()
    assert secret_for_display(seen) not in page
    assert not TOTPDevice.objects.filter(pk=seen.pk).exists()


def test_an_administrator_issues_a_link_from_the_admin(client, manager, settings):
    settings.TWO_FACTOR_REQUIRED = False  # the administrator's own code is not what is tested here
    admin_user = UserFactory.create(username="admin-ada", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "issue_enrolment_links", "_selected_action": [manager.pk]},
        follow=True,
    )
    message = next(str(m) for m in response.context["messages"])
    assert message.startswith("Set-up link for ") and "/account/two-factor/set-up/" in message
    link = EnrolmentLink.objects.get(user=manager)
    assert link.issued_by == admin_user and link.used_at is None
    token = message.rsplit("/", 2)[-2]
    assert link.token_hash != token and len(link.token_hash) == 64  # only a hash is stored
    client.force_login(manager)
    assert client.get(f"/account/two-factor/set-up/{token}/").status_code == 302


def test_the_command_prints_a_link_and_refuses_a_disabled_account(manager, capsys, settings):
    settings.SITE_URL = "https://casetrack.example.org"
    call_command("two_factor_link", manager.username)
    assert capsys.readouterr().out.startswith("https://casetrack.example.org/account/two-factor/set-up/")
    manager.is_active = False
    manager.save()
    with pytest.raises(CommandError, match="disabled"):
        call_command("two_factor_link", manager.username)


def test_a_wrong_code_is_refused_with_a_gov_uk_error(client, manager, clock):
    client.force_login(manager)
    open_set_up_link(client, manager)
    client.get(reverse("accounts-two-factor-setup"))
    device = TOTPDevice.objects.get(user=manager)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("accounts-two-factor-setup"), {"code": wrong, "next": CASES})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and "govuk-error-summary" in page
    assert "The code is not correct or has expired" in page
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get(CASES).status_code == 302


def test_a_code_that_is_not_six_digits_is_refused(client, manager):
    client.force_login(manager)
    open_set_up_link(client, manager)
    response = client.post(reverse("accounts-two-factor-setup"), {"code": "12ab"})
    assert "The code must be 6 digits" in response.content.decode()


def test_the_right_code_confirms_the_device_and_opens_the_case_pages(client, manager, clock):
    client.force_login(manager)
    open_set_up_link(client, manager)
    client.get(reverse("accounts-two-factor-setup"))
    device = TOTPDevice.objects.get(user=manager)
    response = client.post(reverse("accounts-two-factor-setup"), {"code": code_for(device), "next": CASES})
    assert response.status_code == 302 and response.url == CASES
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(CASES).status_code == 200


def test_next_time_the_user_enters_a_code_from_the_same_app(client, manager, clock):
    device = confirmed_device_for(manager)
    client.force_login(manager)
    page = client.get(reverse("accounts-two-factor"))
    assert "Enter the code from your authenticator app" in page.content.decode()
    refused = client.post(reverse("accounts-two-factor"), {"code": "000000"})
    assert "The code is not correct or has expired" in refused.content.decode()
    clock.shift(dt.timedelta(seconds=60))  # a new code; the refused one was counted towards throttling
    response = client.post(reverse("accounts-two-factor"), {"code": code_for(device), "next": CASES})
    assert response.status_code == 302 and response.url == CASES
    assert client.get(CASES).status_code == 200


def test_a_code_cannot_be_used_twice(client, manager, clock):
    device = confirmed_device_for(manager)
    code = code_for(device)
    client.force_login(manager)
    assert client.post(reverse("accounts-two-factor"), {"code": code}).status_code == 302
    other = client.__class__()
    other.force_login(manager)
    refused = other.post(reverse("accounts-two-factor"), {"code": code})
    assert refused.status_code == 200


def test_repeated_wrong_codes_are_throttled(client, manager, clock):
    device = confirmed_device_for(manager)
    client.force_login(manager)
    for _ in range(3):
        client.post(reverse("accounts-two-factor"), {"code": "000000"})
    response = client.post(reverse("accounts-two-factor"), {"code": code_for(device)})
    assert response.status_code == 200
    assert "Wait a few seconds after a wrong code" in response.content.decode()


def test_a_user_with_a_device_cannot_set_up_another_without_an_administrator(client, manager):
    confirmed_device_for(manager)
    client.force_login(manager)
    response = client.get(reverse("accounts-two-factor-setup"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts-two-factor"))
    assert TOTPDevice.objects.filter(user=manager).count() == 1


def test_next_is_never_an_outside_address(client, manager, clock):
    device = confirmed_device_for(manager)
    client.force_login(manager)
    response = client.post(
        reverse("accounts-two-factor"), {"code": code_for(device), "next": "https://evil.example/"}
    )
    assert response.url == "/"


def test_the_api_answers_403_in_json_to_an_unverified_session(client, manager):
    client.force_login(manager)
    response = client.get("/api/s47-enquiries/")
    assert response.status_code == 403
    assert "Two-factor authentication is required" in response.json()["detail"]


def test_api_token_clients_are_not_asked_for_a_code(client, manager):
    _, key = api_token_issue(user=manager)
    response = client.get("/api/s47-enquiries/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200


def test_htmx_requests_are_told_to_load_the_code_page(client, manager):
    client.force_login(manager)
    response = client.get(CASES, HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("accounts-two-factor"))


def test_signing_out_is_always_possible(client, manager):
    client.force_login(manager)
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response.url == reverse("login")


def test_with_the_setting_off_nobody_is_asked(client, manager, settings):
    settings.TWO_FACTOR_REQUIRED = False
    confirmed_device_for(manager)
    client.force_login(manager)
    assert client.get(CASES).status_code == 200


def test_a_password_log_in_goes_on_to_the_code_page(client, manager):
    response = client.post(
        reverse("login"), {"username": manager.username, "password": "correct-horse-battery", "next": CASES}
    )
    assert response.url == CASES
    assert client.get(CASES).url == f"{reverse('accounts-two-factor')}?next=/cases/"


def test_the_menu_is_left_out_until_the_code_is_given(client, manager, clock):
    device = confirmed_device_for(manager)
    client.force_login(manager)
    page = client.get(reverse("accounts-two-factor")).content.decode()
    assert 'href="/cases/"' not in page and "Sign out" in page
    client.post(reverse("accounts-two-factor"), {"code": code_for(device)})
    assert 'href="/cases/"' in client.get("/").content.decode()


class TestManagingTheApp:
    def test_a_user_without_an_app_is_offered_the_set_up(self, client, outsider):
        client.force_login(outsider)
        page = client.get(reverse("accounts-two-factor-manage")).content.decode()
        assert "You have not set up an authenticator app" in page
        assert reverse("accounts-two-factor-setup") in page

    def test_a_new_phone_replaces_the_app_after_a_code_from_the_old_one(self, client, manager, clock):
        device = confirmed_device_for(manager)
        client.force_login(manager)
        client.post(reverse("accounts-two-factor"), {"code": code_for(device)})
        assert "Set up" in client.get(reverse("accounts-two-factor-manage")).content.decode()

        clock.shift(dt.timedelta(seconds=60))
        response = client.post(reverse("accounts-two-factor-manage"), {"code": code_for(device)})
        assert response.status_code == 302 and response.url == reverse("accounts-two-factor-setup")
        assert not TOTPDevice.objects.filter(pk=device.pk).exists()
        # The old app's code stands in for a set-up link: the new phone is set up straight away.
        assert 'src="data:image/svg+xml' in client.get(response.url).content.decode()
        # The session is no longer verified: the case pages wait for the new app.
        assert client.get(CASES).status_code == 302

    def test_a_wrong_code_removes_nothing(self, client, manager, clock):
        device = confirmed_device_for(manager)
        client.force_login(manager)
        client.post(reverse("accounts-two-factor"), {"code": code_for(device)})
        clock.shift(dt.timedelta(seconds=60))
        response = client.post(reverse("accounts-two-factor-manage"), {"code": "000000"})
        assert response.status_code == 200
        assert "The code is not correct or has expired" in response.content.decode()
        assert TOTPDevice.objects.filter(pk=device.pk).exists()

    def test_the_page_is_linked_from_the_password_page(self, client, manager, settings):
        settings.TWO_FACTOR_REQUIRED = False
        client.force_login(manager)
        page = client.get(reverse("accounts-password-change")).content.decode()
        assert reverse("accounts-two-factor-manage") in page
