"""Log-in lockout (django-axes): keyed on username and client address together."""

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse

from accounts.lockout import lockout_username
from common.client_ip import client_ip
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

OFFICE = "192.0.2.10"  # the council proxy most staff reach the service through
HOME = "198.51.100.20"


def _log_in(client, username, password, ip):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def _fail(client, username, ip, times):
    return [_log_in(client, username, "wrong-password", ip) for _ in range(times)]


@pytest.fixture
def alice(db):
    return UserFactory.create(username="alice")


@pytest.fixture
def bob(db):
    return UserFactory.create(username="bob")


def test_a_wrong_password_is_refused_in_the_gov_uk_style(client, alice):
    page = _log_in(client, "alice", "wrong-password", OFFICE).content.decode()
    assert "<title>Error: Sign in" in page
    assert (
        '<a href="#id_username">Enter a correct username and password (the password is case-sensitive)</a>'
        in page
    )
    assert "Please enter" not in page


def test_an_empty_sign_in_form_names_what_is_missing(client):
    page = client.post(
        reverse("login"), {"username": "", "password": ""}, REMOTE_ADDR=OFFICE
    ).content.decode()
    assert '<a href="#id_username">Enter your username</a>' in page
    assert '<a href="#id_password">Enter your password</a>' in page


def test_four_wrong_passwords_leave_the_account_open(client, alice):
    responses = _fail(client, "alice", OFFICE, 4)
    assert all(r.status_code == 200 for r in responses)
    assert _log_in(client, "alice", "correct-horse-battery", OFFICE).status_code == 302


def test_the_fifth_wrong_password_shows_the_locked_out_page(client, alice):
    *_, fifth = _fail(client, "alice", OFFICE, 5)
    assert fifth.status_code == 429
    assert "You cannot sign in for now" in fifth.content.decode()
    assert "Try again in 30 minutes" in fifth.content.decode()
    assert "accounts/locked_out.html" in [t.name for t in fifth.templates]


def test_a_locked_user_cannot_sign_in_from_that_address_even_with_the_right_password(client, alice):
    _fail(client, "alice", OFFICE, 5)
    response = _log_in(client, "alice", "correct-horse-battery", OFFICE)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_same_user_from_another_address_can_still_sign_in(client, alice):
    _fail(client, "alice", OFFICE, 5)
    response = _log_in(client, "alice", "correct-horse-battery", HOME)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_a_colleague_behind_the_same_proxy_can_still_sign_in(client, alice, bob):
    _fail(client, "alice", OFFICE, 5)
    response = _log_in(client, "bob", "correct-horse-battery", OFFICE)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(bob.pk)


def test_changing_the_case_of_the_username_buys_no_extra_attempts(client, alice):
    for username in ("alice", "Alice", "ALICE", " alice", "aLice"):
        _log_in(client, username, "wrong-password", OFFICE)
    assert _log_in(client, "alice", "correct-horse-battery", OFFICE).status_code == 429
    assert AccessAttempt.objects.get().username == "alice"


def test_the_lockout_ends_after_the_cool_off(client, alice, time_machine):
    time_machine.move_to("2026-03-02 09:00 +00:00", tick=False)
    _fail(client, "alice", OFFICE, 5)
    time_machine.move_to("2026-03-02 09:29 +00:00", tick=False)
    assert _log_in(client, "alice", "correct-horse-battery", OFFICE).status_code == 429
    time_machine.move_to("2026-03-02 10:01 +00:00", tick=False)
    assert _log_in(client, "alice", "correct-horse-battery", OFFICE).status_code == 302


def test_the_limit_and_cool_off_are_settings(client, alice, settings):
    settings.AXES_FAILURE_LIMIT = 2
    first, second = _fail(client, "alice", OFFICE, 2)
    assert (first.status_code, second.status_code) == (200, 429)


def test_a_successful_sign_in_resets_the_count(client, alice):
    _fail(client, "alice", OFFICE, 4)
    assert _log_in(client, "alice", "correct-horse-battery", OFFICE).status_code == 302
    client.logout()
    responses = _fail(client, "alice", OFFICE, 4)
    assert all(r.status_code == 200 for r in responses)


def test_the_django_admin_log_in_is_locked_out_too(client, alice):
    for _ in range(5):
        client.post("/admin/login/", {"username": "alice", "password": "wrong"}, REMOTE_ADDR=OFFICE)
    response = _log_in(client, "alice", "correct-horse-battery", OFFICE)
    assert response.status_code == 429


def _addresses(count):
    return [f"203.0.113.{n}" for n in range(1, count + 1)]


def _nineteen_guesses_from_five_addresses(client, username):
    """Never more than 4 from one address: under the 5-per-address limit everywhere."""
    responses = []
    for ip in _addresses(5):
        responses += _fail(client, username, ip, 4 if ip != "203.0.113.5" else 3)
    return responses


def test_guesses_spread_over_many_addresses_lock_the_account_everywhere(client, alice):
    """The 20th wrong password for one account, whatever the addresses, locks it on every address (its
    owner's office included) until the cool-off ends."""
    assert all(r.status_code == 200 for r in _nineteen_guesses_from_five_addresses(client, "alice"))
    assert _log_in(client, "alice", "wrong-password", "203.0.113.6").status_code == 429
    response = _log_in(client, "alice", "correct-horse-battery", OFFICE)
    assert response.status_code == 429
    page = response.content.decode()
    assert "locked on every computer" in page and "other computers are not affected" not in page
    assert "_auth_user_id" not in client.session


def test_nineteen_guesses_from_many_addresses_leave_the_account_open(client, alice):
    _nineteen_guesses_from_five_addresses(client, "alice")
    assert _log_in(client, "alice", "correct-horse-battery", OFFICE).status_code == 302


def test_guesses_against_one_account_do_not_lock_another(client, alice, bob):
    _nineteen_guesses_from_five_addresses(client, "alice")
    _log_in(client, "alice", "wrong-password", "203.0.113.6")
    assert _log_in(client, "bob", "correct-horse-battery", OFFICE).status_code == 302


def test_the_limit_for_the_username_alone_is_a_setting(client, alice, settings):
    settings.LOGIN_USERNAME_FAILURE_LIMIT = 6
    _fail(client, "alice", "203.0.113.1", 3)
    _fail(client, "alice", "203.0.113.2", 3)
    assert _log_in(client, "alice", "correct-horse-battery", OFFICE).status_code == 429


class TestClientAddress:
    def _request(self, remote, forwarded=None):
        extra = {"REMOTE_ADDR": remote}
        if forwarded is not None:
            extra["HTTP_X_FORWARDED_FOR"] = forwarded
        return RequestFactory().post("/login/", **extra)

    def test_with_no_proxy_it_is_the_connecting_address_whatever_the_header_says(self, settings):
        settings.TRUSTED_PROXY_COUNT = 0
        assert client_ip(self._request(OFFICE, forwarded="203.0.113.9")) == OFFICE

    def test_behind_one_proxy_it_is_the_address_that_proxy_added(self, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        # The client wrote the first entry itself (forged); our proxy appended the real one.
        request = self._request("10.0.0.2", forwarded="203.0.113.9, 198.51.100.20")
        assert client_ip(request) == "198.51.100.20"

    def test_behind_two_proxies_it_is_the_second_entry_from_the_right(self, settings):
        settings.TRUSTED_PROXY_COUNT = 2
        request = self._request("10.0.0.2", forwarded="203.0.113.9, 198.51.100.20, 10.0.0.1")
        assert client_ip(request) == "198.51.100.20"

    def test_a_missing_header_falls_back_to_the_connecting_address(self, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        assert client_ip(self._request("10.0.0.2")) == "10.0.0.2"

    def test_lockout_uses_the_forwarded_address_behind_a_proxy(self, client, settings, alice):
        settings.TRUSTED_PROXY_COUNT = 1
        for _ in range(5):
            client.post(
                reverse("login"),
                {"username": "alice", "password": "wrong"},
                REMOTE_ADDR="10.0.0.2",
                HTTP_X_FORWARDED_FOR=HOME,
            )
        assert AccessAttempt.objects.get().ip_address == HOME
        ok = client.post(
            reverse("login"),
            {"username": "alice", "password": "correct-horse-battery"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=OFFICE,
        )
        assert ok.status_code == 302


def test_lockout_usernames_are_trimmed_and_lower_case():
    assert lockout_username(None, {"username": "  Alice "}) == "alice"
    assert lockout_username(None, {}) is None
