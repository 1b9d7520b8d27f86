"""API tokens (django-rest-knox): stored as a digest only, expiring, read-only unless issued with write
access, and revoked when the user's password changes or the account is disabled."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from knox.models import AuthToken

from accounts.services import api_token_issue, user_disable
from tests.actions.factories import ActionFactory, PlanIssueFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

S47 = "/api/s47-enquiries/"


def _get(client, key, url=S47):
    return client.get(url, HTTP_AUTHORIZATION=f"Token {key}")


def _refused(response) -> bool:
    """The session authenticator comes first in DRF's list, so a refused token is a 403, not a 401."""
    return response.status_code in (401, 403) and "results" not in response.json()


def test_the_command_issues_a_read_only_token_shown_once_and_stored_as_a_digest(manager, capsys):
    call_command("api_token", manager.username)
    key = capsys.readouterr().out.strip()
    token = AuthToken.objects.get(user=manager)
    assert token.scope.read_only
    assert key not in (token.digest, token.token_key) and len(token.digest) == 128  # SHA-512, hex
    call_command("api_token", manager.username)
    assert capsys.readouterr().out.strip() != key  # a new token each time: the old one cannot be shown


def test_a_token_authenticates_until_it_expires(client, manager, time_machine, settings):
    time_machine.move_to("2026-03-02 09:00 +00:00", tick=False)
    _, key = api_token_issue(user=manager, days=30)
    assert _get(client, key).status_code == 200
    time_machine.move_to("2026-04-01 09:01 +00:00", tick=False)
    assert _refused(_get(client, key))
    assert not AuthToken.objects.exists()  # knox deletes an expired token when it is tried


def test_a_token_lasts_the_configured_days_at_most(manager, settings):
    settings.API_TOKEN_MAX_DAYS = 365
    with pytest.raises(Exception, match="from 1 to 365 days"):
        api_token_issue(user=manager, days=366)


def test_the_command_names_an_unknown_user_and_refuses_a_disabled_one():
    with pytest.raises(CommandError, match="No user called 'nobody'"):
        call_command("api_token", "nobody")
    UserFactory.create(username="gone", is_active=False)
    with pytest.raises(CommandError, match="disabled"):
        call_command("api_token", "gone")
    assert not AuthToken.objects.exists()


def _action_payload(owner) -> dict:
    issue = PlanIssueFactory.create()
    return {
        "issue": str(issue.uuid),
        "description": "Re-train the MASH team",
        "owner": owner.username,
        "lead": "Head of service",
        "due_date": "2026-06-30",
    }


def test_a_read_only_token_reads_but_cannot_change_anything(client, manager, auditor):
    _, key = api_token_issue(user=manager)
    assert _get(client, key, "/api/actions/").status_code == 200
    response = client.post(
        "/api/actions/",
        _action_payload(auditor),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {key}",
    )
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]


def test_a_token_with_write_access_changes_what_the_role_allows(client, manager, auditor):
    _, key = api_token_issue(user=manager, write=True)
    response = client.post(
        "/api/actions/",
        _action_payload(auditor),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {key}",
    )
    assert response.status_code == 201


def test_a_read_only_token_cannot_post_a_progress_update_either(client, auditor):
    action = ActionFactory.create(owner=auditor)
    _, key = api_token_issue(user=auditor)
    response = client.post(
        "/api/progress-updates/",
        {"action": str(action.uuid), "note": "Done", "written_on": "2026-01-05"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {key}",
    )
    assert response.status_code == 403
    assert not action.updates.exists()


def test_a_session_is_not_limited_by_token_scope(client, manager, auditor):
    client.force_login(manager)
    response = client.post("/api/actions/", _action_payload(auditor), content_type="application/json")
    assert response.status_code == 201


def test_a_password_change_revokes_every_token(client, manager):
    _, key = api_token_issue(user=manager)
    api_token_issue(user=manager, write=True)
    other = UserFactory.create(username="other-user")
    _, other_key = api_token_issue(user=other)
    client.force_login(manager)
    response = client.post(
        reverse("accounts-password-change"),
        {
            "old_password": "correct-horse-battery",
            "new_password1": "a-much-longer-passphrase-42",
            "new_password2": "a-much-longer-passphrase-42",
        },
    )
    assert response.status_code == 302
    client.logout()
    assert _refused(_get(client, key))
    assert not AuthToken.objects.filter(user=manager).exists()
    assert AuthToken.objects.filter(user=other).exists() and other_key


def test_a_password_set_anywhere_revokes_the_tokens(manager):
    """The admin and `changepassword` call set_password and save, as here."""
    api_token_issue(user=manager)
    manager.set_password("another-long-passphrase-7")
    manager.save()
    assert not AuthToken.objects.filter(user=manager).exists()


def test_other_changes_to_the_user_keep_the_tokens(manager):
    api_token_issue(user=manager)
    manager.first_name = "Mo"
    manager.save()
    assert AuthToken.objects.filter(user=manager).exists()


def test_disabling_the_account_revokes_every_token(client, manager, administrator):
    _, key = api_token_issue(user=manager)
    user_disable(user=manager, by=administrator)
    assert not AuthToken.objects.filter(user=manager).exists()
    assert _refused(_get(client, key))


def test_a_token_issued_before_is_refused_even_if_the_row_survives_a_bulk_update(client, manager):
    """queryset.update() sends no signal; knox itself refuses a token of a disabled user."""
    _, key = api_token_issue(user=manager)
    type(manager).objects.filter(pk=manager.pk).update(is_active=False)
    assert _refused(_get(client, key))


def test_tokens_expire_by_default_after_the_configured_days(manager, settings):
    token, _ = api_token_issue(user=manager)
    assert token.expiry is not None
    assert dt.timedelta(days=89) < token.expiry - token.created <= dt.timedelta(days=90, seconds=5)


def test_a_token_made_without_a_scope_is_read_only(client, manager, auditor):
    """Knox's own admin form makes tokens with no scope row: they may only read."""
    _, key = AuthToken.objects.create(user=manager)
    assert _get(client, key).status_code == 200
    response = client.post(
        "/api/actions/",
        _action_payload(auditor),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {key}",
    )
    assert response.status_code == 403
