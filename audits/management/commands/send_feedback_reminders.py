"""python manage.py send_feedback_reminders [--date YYYY-MM-DD]

Sends the feedback reminders the scheduled job sends each morning: one to each worker whose feedback has
no response by its reminder day. Safe to run again: no feedback gets a second reminder.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audits.feedback import feedback_reminders_send


class Command(BaseCommand):
    help = "Remind workers, once, to respond to the audit feedback on their cases."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="The day to send for (YYYY-MM-DD). Default: today.")

    def handle(self, *args, date: str | None, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError("--date must be a date like 2024-06-03.") from None
        outcome = feedback_reminders_send(today=today)
        self.stdout.write(
            f"Feedback reminders for {today:%d/%m/%Y}: {len(outcome.sent)} sent, "
            f"{len(outcome.no_address)} with no email address, {len(outcome.failed)} failed."
        )
        if outcome.failed:
            raise CommandError(
                f"Sending failed for feedback {', '.join(outcome.failed)} (it will be retried)."
            )
