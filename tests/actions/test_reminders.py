"""Reminders: owners each morning for actions due within 7 days or overdue, managers a Monday digest,
one email per person per day, idempotent on a rerun. Django's locmem mail backend and a frozen clock."""

import datetime

import pytest
import time_machine
from celery.schedules import crontab
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command

from actions.models import Action, ReminderSent
from actions.reminders import reminders_send
from actions.tasks import reminders_send_task
from common import roles
from config.schedule import CELERY_BEAT_SCHEDULE
from tests.actions.factories import ActionFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
TUESDAY = datetime.date(2024, 6, 4)
MONDAY = datetime.date(2024, 6, 3)


@pytest.fixture
def owner(db):
    return UserFactory.create(username="owner-olu", email="olu@example.org", roles=[roles.AUDITOR])


@pytest.fixture
def boss(db):
    return UserFactory.create(username="manager-mia", email="mia@example.org", roles=[roles.MANAGER])


def due(owner, days: int, **kwargs) -> Action:
    return ActionFactory.create(owner=owner, due_date=TUESDAY + datetime.timedelta(days=days), **kwargs)


def test_an_owner_hears_of_actions_due_within_7_days_and_overdue(owner):
    """Due in 7 days and 3 days overdue: listed; due in 8 days: not yet."""
    soon = due(owner, 7, description="Run the chronology day")
    late = due(owner, -3, description="Publish the MASH protocol")
    due(owner, 8, description="Not yet")
    outcome = reminders_send(today=TUESDAY)
    assert outcome.sent == ["owner-olu"]
    [email] = mail.outbox
    assert email.to == ["olu@example.org"]
    assert email.subject == "Your actions: 1 overdue, 1 due within 7 days"
    assert soon.description in email.body and late.description in email.body
    assert "Not yet" not in email.body
    assert "3 days overdue" in email.body
    assert f"/actions/{late.uuid}/" in email.body
    assert isinstance(email, EmailMultiAlternatives)
    content, mimetype = email.alternatives[0]
    assert mimetype == "text/html" and isinstance(content, str) and late.description in content
    claim = ReminderSent.objects.get()
    assert (claim.user, claim.sent_on, claim.kind, claim.action_count) == (owner, TUESDAY, "owner_daily", 2)
    assert claim.sent_at is not None


@pytest.mark.parametrize("status", ["complete", "cancelled", "awaiting_sign_off"])
def test_no_reminder_for_an_action_done_or_with_the_manager(owner, boss, status):
    extra = {"signed_off_by": boss, "signed_off_at": "2024-06-01T10:00Z"} if status == "complete" else {}
    due(owner, -1, status=status, cancelled_reason="Merged" if status == "cancelled" else "", **extra)
    reminders_send(today=TUESDAY)
    assert mail.outbox == []


def test_a_rerun_sends_nothing_twice(owner):
    due(owner, 1)
    assert reminders_send(today=TUESDAY).sent == ["owner-olu"]
    second = reminders_send(today=TUESDAY)
    assert second.sent == [] and second.already_sent == ["owner-olu"]
    assert len(mail.outbox) == 1


def test_the_next_day_sends_again(owner):
    due(owner, 1)
    reminders_send(today=TUESDAY)
    reminders_send(today=TUESDAY + datetime.timedelta(days=1))
    assert len(mail.outbox) == 2


def test_managers_get_a_digest_on_monday_only(owner, boss):
    due(owner, -2, description="Overdue one")
    awaiting = ActionFactory.create(
        status="awaiting_sign_off", due_date=datetime.date(2024, 9, 1), description="Check me"
    )
    reminders_send(today=TUESDAY)
    assert [e.to for e in mail.outbox] == [["olu@example.org"]]  # Tuesday: no digest
    mail.outbox.clear()
    reminders_send(today=MONDAY)
    digest = next(e for e in mail.outbox if e.to == ["mia@example.org"])
    assert digest.subject == "Action plans this week: 1 overdue, 0 due within 7 days, 1 awaiting sign-off"
    assert "Overdue one" in digest.body and awaiting.description in digest.body


def test_the_digest_weekday_is_a_setting(owner, boss, settings):
    settings.ACTION_DIGEST_WEEKDAY = 1  # Tuesday
    due(owner, -2)
    reminders_send(today=TUESDAY)
    assert {tuple(e.to) for e in mail.outbox} == {("olu@example.org",), ("mia@example.org",)}


def test_a_manager_who_owns_due_actions_gets_one_email_on_monday(boss, owner):
    due(boss, 2, description="The manager's own action")
    due(owner, -1, description="Someone else's overdue action")
    outcome = reminders_send(today=MONDAY)
    assert sorted(outcome.sent) == ["manager-mia", "owner-olu"]
    to_boss = [e for e in mail.outbox if e.to == ["mia@example.org"]]
    assert len(to_boss) == 1
    assert (
        "The manager's own action" in to_boss[0].body and "Someone else's overdue action" in to_boss[0].body
    )
    assert ReminderSent.objects.get(user=boss).kind == "manager_weekly"
    assert reminders_send(today=MONDAY).sent == []


def test_a_failed_send_is_retried_on_the_next_run(owner, monkeypatch):
    due(owner, 1)

    def broken(self, fail_silently=False):
        raise ConnectionError("SMTP down")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.EmailMessage.send", broken)
        assert reminders_send(today=TUESDAY).failed == ["owner-olu"]
    assert not ReminderSent.objects.exists()
    assert reminders_send(today=TUESDAY).sent == ["owner-olu"]
    assert len(mail.outbox) == 1


def test_someone_with_no_email_address_is_skipped(db):
    silent = UserFactory.create(username="no-mail", email="", roles=[roles.AUDITOR])
    due(silent, 1)
    assert reminders_send(today=TUESDAY).sent == []
    assert not ReminderSent.objects.exists()


def test_the_task_uses_the_london_date_of_the_morning_run(owner):
    """07:00 on Tuesday 4 June in London is 06:00 UTC: the task sends for the 4th."""
    due(owner, 0)
    with time_machine.travel(datetime.datetime(2024, 6, 4, 6, 0, tzinfo=datetime.UTC), tick=False):
        assert reminders_send_task.delay().get() == {"sent": 1, "already_sent": 0, "failed": 0}
        assert reminders_send_task.delay().get() == {"sent": 0, "already_sent": 1, "failed": 0}
    assert ReminderSent.objects.get().sent_on == TUESDAY
    assert len(mail.outbox) == 1


def test_the_job_is_scheduled_each_morning_at_seven():
    entry = CELERY_BEAT_SCHEDULE["action-reminders"]
    assert entry["task"] == "actions.tasks.reminders_send_task"
    schedule = entry["schedule"]
    assert isinstance(schedule, crontab)
    # celery-types' crontab stub leaves out the fields crontab() parses its arguments into
    assert schedule.hour == {7} and schedule.minute == {0}  # type: ignore[attr-defined]


def test_the_command_sends_for_a_given_day(owner, capsys):
    due(owner, 1)
    call_command("send_reminders", "--date", "2024-06-04")
    call_command("send_reminders", "--date", "2024-06-04")
    out = capsys.readouterr().out
    assert "04/06/2024: 1 sent, 0 already sent" in out and "0 sent, 1 already sent" in out
    assert len(mail.outbox) == 1
