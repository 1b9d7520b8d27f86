"""python manage.py send_reminders [--date YYYY-MM-DD]

Sends the action reminders the scheduled job sends each morning. Safe to run again: nobody gets a
second email on the same day.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from actions.reminders import reminders_send


class Command(BaseCommand):
    help = "Email action owners (due within 7 days or overdue) and, on the digest day, managers."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="The day to send for (YYYY-MM-DD). Default: today.")

    def handle(self, *args, date: str | None, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError("--date must be a date like 2024-06-03.") from None
        outcome = reminders_send(today=today)
        self.stdout.write(
            f"Reminders for {today:%d/%m/%Y}: {len(outcome.sent)} sent, "
            f"{len(outcome.already_sent)} already sent today, {len(outcome.failed)} failed."
        )
        if outcome.failed:
            raise CommandError(f"Sending failed for: {', '.join(outcome.failed)} (they will be retried).")
