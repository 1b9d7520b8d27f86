"""Sessions: the idle timeout, and ending sessions on a password change or when an account is disabled."""

import datetime as dt

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts.services import user_disable, user_sessions_end
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
NEW_PASSWORD = "a-much-longer-new-passphrase"


def _signed_in(client) -> bool:
    return client.get("/").status_code == 200


class TestIdleTimeout:
    def test_the_idle_limit_is_thirty_minutes(self, settings):
        assert settings.SESSION_COOKIE_AGE == 30 * 60
        assert "accounts.middleware.IdleSessionMiddleware" in settings.MIDDLEWARE

    def test_the_session_is_not_written_on_every_request(self, client, manager, time_machine):
        time_machine.move_to(START, tick=False)
        client.force_login(manager)
        assert _signed_in(client)
        key = client.session.session_key
        expiry = Session.objects.get(session_key=key).expire_date
        time_machine.move_to(START + dt.timedelta(seconds=30), tick=False)
        assert _signed_in(client)
        assert Session.objects.get(session_key=key).expire_date == expiry  # not saved again yet

    def test_the_expiry_moves_on_once_a_minute_of_use(self, client, manager, time_machine):
        time_machine.move_to(START, tick=False)
        client.force_login(manager)
        assert _signed_in(client)
        key = client.session.session_key
        time_machine.move_to(START + dt.timedelta(seconds=61), tick=False)
        assert _signed_in(client)
        expiry = Session.objects.get(session_key=key).expire_date
        assert expiry == START + dt.timedelta(seconds=61) + dt.timedelta(minutes=30)

    def test_a_session_ends_no_later_than_thirty_minutes_after_the_last_request(
        self, client, manager, time_machine
    ):
        time_machine.move_to(START, tick=False)
        client.force_login(manager)
        assert _signed_in(client)
        # The last request came 50 seconds after a save: the session may end up to a minute early, never late.
        time_machine.move_to(START + dt.timedelta(seconds=50), tick=False)
        assert _signed_in(client)
        time_machine.move_to(START + dt.timedelta(seconds=50, minutes=30), tick=False)
        assert client.get("/cases/").status_code == 302

    def test_visitors_who_are_not_signed_in_get_no_session(self, client):
        assert client.get("/").status_code == 302
        assert client.get(reverse("login")).status_code == 200
        assert Session.objects.count() == 0

    def test_activity_keeps_the_session_alive(self, client, manager, time_machine):
        time_machine.move_to(START, tick=False)
        client.force_login(manager)
        for minutes in (29, 58, 87):
            time_machine.move_to(START + dt.timedelta(minutes=minutes), tick=False)
            assert _signed_in(client), f"signed out after {minutes} minutes of use"

    def test_a_session_idle_past_the_limit_is_sent_to_sign_in(self, client, manager, time_machine):
        time_machine.move_to(START, tick=False)
        client.force_login(manager)
        assert _signed_in(client)
        time_machine.move_to(START + dt.timedelta(minutes=31), tick=False)
        response = client.get("/cases/")
        assert response.status_code == 302
        assert response.url == f"{reverse('login')}?next=/cases/"


class TestPasswordChange:
    def test_the_page_is_linked_from_the_header(self, client, manager):
        client.force_login(manager)
        assert f'href="{reverse("accounts-password-change")}"' in client.get("/").content.decode()

    def test_changing_the_password_ends_every_other_session_and_keeps_this_one(self, manager):
        here, elsewhere = Client(), Client()
        here.force_login(manager)
        elsewhere.force_login(manager)
        assert _signed_in(here) and _signed_in(elsewhere)

        response = here.post(
            reverse("accounts-password-change"),
            {
                "old_password": "correct-horse-battery",
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
        )
        assert response.status_code == 302 and response["Location"] == reverse("home")
        manager.refresh_from_db()
        assert manager.check_password(NEW_PASSWORD)
        home = here.get("/")
        assert home.status_code == 200
        assert "Your password has been changed" in home.content.decode()
        assert not _signed_in(elsewhere)

    def test_a_wrong_current_password_is_refused(self, client, manager):
        client.force_login(manager)
        response = client.post(
            reverse("accounts-password-change"),
            {"old_password": "not-it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert "There is a problem" in page
        assert "Your current password is not correct: enter it again" in page
        assert "<title>Error: Change your password" in page
        manager.refresh_from_db()
        assert manager.check_password("correct-horse-battery")

    def test_the_form_speaks_gov_uk_what_is_missing_is_named(self, client, manager):
        client.force_login(manager)
        empty = {"old_password": "", "new_password1": "", "new_password2": ""}  # as a browser sends it
        page = client.post(reverse("accounts-password-change"), empty).content.decode()
        for message in (
            "Enter your current password",
            "Enter a new password",
            "Enter the new password again",
        ):
            assert page.count(message) == 2  # in the error summary and by the field
        assert "This field is required" not in page
        for label in ("Current password", "New password", "Confirm new password"):
            assert f">{label}</label>" in page
        # The validators' rules read as sentences, not run together.
        assert "personal information. Your password must contain at least 12 characters." in page
        # Password managers are told which account the password is for.
        assert f'autocomplete="username" value="{manager.username}"' in page

    def test_new_passwords_that_differ_are_refused_in_plain_words(self, client, manager):
        client.force_login(manager)
        response = client.post(
            reverse("accounts-password-change"),
            {
                "old_password": "correct-horse-battery",
                "new_password1": NEW_PASSWORD,
                "new_password2": "x" + NEW_PASSWORD,
            },
        )
        assert (
            "The new passwords do not match: enter the same new password twice" in response.content.decode()
        )

    @pytest.mark.parametrize(
        ("new_password", "message"),
        [
            ("short-pass", "This password is too short. It must contain at least 12 characters."),
            ("123456789012345", "This password is entirely numeric."),
            ("password12345", "This password is too common."),
        ],
    )
    def test_djangos_password_validators_apply(self, client, manager, new_password, message):
        client.force_login(manager)
        response = client.post(
            reverse("accounts-password-change"),
            {
                "old_password": "correct-horse-battery",
                "new_password1": new_password,
                "new_password2": new_password,
            },
        )
        assert message in response.content.decode()
        manager.refresh_from_db()
        assert manager.check_password("correct-horse-battery")

    def test_signed_out_visitors_are_sent_to_sign_in(self, client):
        response = client.get(reverse("accounts-password-change"))
        assert response.status_code == 302 and reverse("login") in response.url


class TestDisablingAnAccount:
    def test_a_disabled_account_is_signed_out_of_every_session(self, manager):
        first, second = Client(), Client()
        first.force_login(manager)
        second.force_login(manager)
        manager.is_active = False
        manager.save()
        assert not _signed_in(first)
        assert not _signed_in(second)

    def test_disabling_deletes_the_accounts_sessions_and_records_who_did_it(self, manager, administrator):
        colleague = UserFactory.create(username="colleague")
        mine, other = Client(), Client()
        mine.force_login(manager)
        Client().force_login(manager)
        other.force_login(colleague)

        ended = user_disable(user=manager, by=administrator)

        assert ended == 2
        manager.refresh_from_db()
        assert not manager.is_active
        assert not _signed_in(mine)
        assert _signed_in(other)
        assert Session.objects.count() == 1
        entry = LogEntry.objects.get(object_id=str(manager.pk))
        assert entry.user == administrator
        assert "ended 2 session(s)" in entry.change_message

    def test_ending_sessions_for_a_user_with_none_is_a_no_op(self, manager):
        assert user_sessions_end(user=manager) == 0

    def test_the_admin_action_disables_accounts_but_never_the_administrator_doing_it(self, client, manager):
        superuser = UserFactory.create(username="root", is_staff=True, is_superuser=True)
        client.force_login(superuser)
        response = client.post(
            "/admin/auth/user/",
            {"action": "disable_accounts", "_selected_action": [manager.pk, superuser.pk]},
        )
        assert response.status_code == 302
        manager.refresh_from_db()
        superuser.refresh_from_db()
        assert not manager.is_active
        assert superuser.is_active
