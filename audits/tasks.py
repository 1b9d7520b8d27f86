"""Feedback emails and reminders (audits.feedback); the reminders are scheduled in config/schedule.py."""

import logging

from celery import shared_task
from django.utils import timezone

from audits.feedback import feedback_email_send, feedback_reminders_send

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3)
def feedback_email_task(feedback_id: int) -> int:
    """Emails one feedback's worker and team manager. Safe to rerun: the emails go once."""
    return feedback_email_send(feedback_id=feedback_id)


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3)
def feedback_reminders_send_task() -> dict:
    """Sends today's feedback reminders (Europe/London). Safe to rerun: each feedback gets one reminder."""
    outcome = feedback_reminders_send(today=timezone.localdate())
    logger.info(
        "Feedback reminders: %d sent, %d with no email address", len(outcome.sent), len(outcome.no_address)
    )
    return {"sent": len(outcome.sent), "no_address": len(outcome.no_address), "failed": len(outcome.failed)}
