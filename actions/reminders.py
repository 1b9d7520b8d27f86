"""Reminders, sent each morning by the scheduled job (config/schedule.py) or `manage.py send_reminders`.

- Each owner with open actions (not started or in progress) due within 7 days or overdue gets one email
  listing them.
- On the digest weekday (settings.ACTION_DIGEST_WEEKDAY, Monday by default) each manager gets a digest
  of overdue and due-soon actions across every plan, and those awaiting sign-off.
- One email per person per day at most: a manager who also owns due actions gets one email with both.

Idempotent: before sending, a ReminderSent row is claimed for (person, day); the unique constraint lets
only one run claim it, so a rerun (or a second worker) sends nothing twice. A send that fails gives its
claim back, so the next run tries again. The emails name actions and plans, never a child.
"""

import dataclasses
import datetime
import logging

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.people import person_name
from actions.models import Action, ReminderSent
from actions.selectors import OPEN_STATUSES
from common import roles

logger = logging.getLogger(__name__)

DUE_WITHIN_DAYS = 7
OWNER_STATUSES = (Action.Status.NOT_STARTED, Action.Status.IN_PROGRESS)
DIGEST_ROLES = (roles.MANAGER,)


@dataclasses.dataclass
class ReminderItem:
    description: str
    plan: str
    owner: str
    due_date: datetime.date
    status: str
    url: str
    days_overdue: int

    @property
    def overdue(self) -> bool:
        return self.days_overdue > 0


@dataclasses.dataclass
class Reminder:
    user: User
    own: list[ReminderItem] = dataclasses.field(default_factory=list)
    digest_overdue: list[ReminderItem] = dataclasses.field(default_factory=list)
    digest_due_soon: list[ReminderItem] = dataclasses.field(default_factory=list)
    digest_awaiting: list[ReminderItem] = dataclasses.field(default_factory=list)
    digest: bool = False

    @property
    def count(self) -> int:
        return (
            len(self.own) + len(self.digest_overdue) + len(self.digest_due_soon) + len(self.digest_awaiting)
        )

    @property
    def kind(self) -> str:
        return ReminderSent.Kind.MANAGER_WEEKLY if self.digest else ReminderSent.Kind.OWNER_DAILY


@dataclasses.dataclass
class Outcome:
    sent: list[str] = dataclasses.field(default_factory=list)  # usernames
    already_sent: list[str] = dataclasses.field(default_factory=list)
    failed: list[str] = dataclasses.field(default_factory=list)


def _item(action: Action, today: datetime.date) -> ReminderItem:
    return ReminderItem(
        description=action.description,
        plan=action.issue.plan.title,
        owner=person_name(action.owner),
        due_date=action.due_date,
        status=action.get_status_display(),
        url=settings.SITE_URL.rstrip("/") + reverse("actions-action-detail", args=[action.uuid]),
        days_overdue=max(0, (today - action.due_date).days),
    )


def reminders_due(*, today: datetime.date) -> list[Reminder]:
    """Who should hear what today: at most one Reminder per person."""
    soon = today + datetime.timedelta(days=DUE_WITHIN_DAYS)
    by_user: dict[int, Reminder] = {}
    owned = (
        Action.objects.filter(status__in=OWNER_STATUSES, due_date__lte=soon, owner__is_active=True)
        .select_related("owner", "issue__plan")
        .order_by("due_date", "pk")
    )
    for action in owned:
        reminder = by_user.setdefault(action.owner_id, Reminder(user=action.owner))
        reminder.own.append(_item(action, today))

    if today.weekday() == settings.ACTION_DIGEST_WEEKDAY:
        across = list(
            Action.objects.filter(status__in=OPEN_STATUSES)
            .filter(Q(due_date__lte=soon) | Q(status=Action.Status.AWAITING_SIGN_OFF))
            .select_related("owner", "issue__plan")
            .order_by("due_date", "pk")
        )
        if across:
            managers = User.objects.filter(is_active=True, groups__name__in=DIGEST_ROLES).distinct()
            for manager in managers:
                reminder = by_user.setdefault(manager.pk, Reminder(user=manager))
                reminder.digest = True
                for action in across:
                    item = _item(action, today)
                    if action.status == Action.Status.AWAITING_SIGN_OFF:
                        reminder.digest_awaiting.append(item)
                    elif item.overdue:
                        reminder.digest_overdue.append(item)
                    else:
                        reminder.digest_due_soon.append(item)
    return [r for r in by_user.values() if r.count and r.user.email]


def _claim(reminder: Reminder, today: datetime.date) -> ReminderSent | None:
    """The day's claim for this person, or None if a run has already claimed it."""
    try:
        with transaction.atomic():
            return ReminderSent.objects.create(
                user=reminder.user, kind=reminder.kind, sent_on=today, action_count=reminder.count
            )
    except IntegrityError:
        return None


def _subject(reminder: Reminder) -> str:
    overdue = sum(1 for item in reminder.own if item.overdue)
    if reminder.digest:
        return (
            f"Action plans this week: {len(reminder.digest_overdue)} overdue, "
            f"{len(reminder.digest_due_soon)} due within {DUE_WITHIN_DAYS} days, "
            f"{len(reminder.digest_awaiting)} awaiting sign-off"
        )
    soon = len(reminder.own) - overdue
    return f"Your actions: {overdue} overdue, {soon} due within {DUE_WITHIN_DAYS} days"


def _message(reminder: Reminder, today: datetime.date) -> EmailMultiAlternatives:
    context = {
        "reminder": reminder,
        "today": today,
        "due_within_days": DUE_WITHIN_DAYS,
        "my_actions_url": settings.SITE_URL.rstrip("/") + reverse("actions-mine"),
        "overdue_url": settings.SITE_URL.rstrip("/") + reverse("actions-overdue"),
        "service_name": settings.SERVICE_NAME,
        "council_name": settings.COUNCIL_NAME,
    }
    message = EmailMultiAlternatives(
        subject=_subject(reminder),
        body=render_to_string("actions/email/reminder.txt", context),
        to=[reminder.user.email],
    )
    message.attach_alternative(render_to_string("actions/email/reminder.html", context), "text/html")
    return message


def reminders_send(*, today: datetime.date) -> Outcome:
    outcome = Outcome()
    for reminder in reminders_due(today=today):
        username = reminder.user.username
        claim = _claim(reminder, today)
        if claim is None:
            outcome.already_sent.append(username)
            continue
        try:
            _message(reminder, today).send()
        except Exception:
            logger.exception("Reminder to %s failed; its claim is released for the next run", username)
            claim.delete()
            outcome.failed.append(username)
            continue
        ReminderSent.objects.filter(pk=claim.pk, sent_at__isnull=True).update(sent_at=timezone.now())
        outcome.sent.append(username)
    return outcome
