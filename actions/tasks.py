"""The morning reminders (scheduled in config/schedule.py)."""

import logging

from celery import shared_task
from django.utils import timezone

from actions.reminders import reminders_send

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3)
def reminders_send_task() -> dict:
    """Sends today's reminders (Europe/London). Safe to rerun: each person gets at most one email a day."""
    outcome = reminders_send(today=timezone.localdate())
    logger.info(
        "Action reminders: %d sent, %d already sent today", len(outcome.sent), len(outcome.already_sent)
    )
    return {
        "sent": len(outcome.sent),
        "already_sent": len(outcome.already_sent),
        "failed": len(outcome.failed),
    }
