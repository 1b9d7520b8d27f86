"""Every periodic job, declared in one place (celery beat reads this)."""

from celery.schedules import crontab

CELERY_BEAT_SCHEDULE = {
    # Bank holidays can be announced after records were saved (e.g. 8 May 2023): recompute targets nightly.
    "s47-targets-refresh": {
        "task": "cases.tasks.s47_targets_refresh_task",
        "schedule": crontab(hour=2, minute=0),
    },
    # After the targets are refreshed: the metrics compare end dates with the stored targets.
    "metrics-recompute": {
        "task": "metrics.tasks.metrics_recompute_task",
        "schedule": crontab(hour=2, minute=30),
        "kwargs": {"trigger": "nightly"},
    },
    # Access log entries older than ACCESS_LOG_RETENTION_DAYS are deleted (settings.py says why 6 years).
    "access-log-purge": {
        "task": "common.tasks.access_log_purge_task",
        "schedule": crontab(hour=3, minute=15),
    },
    # Action reminders each morning (CELERY_TIMEZONE is Europe/London); managers' digest on Mondays.
    "action-reminders": {
        "task": "actions.tasks.reminders_send_task",
        "schedule": crontab(hour=7, minute=0),
    },
    # Feedback to practitioners: one reminder, the morning it falls due (audits.feedback).
    "feedback-reminders": {
        "task": "audits.tasks.feedback_reminders_send_task",
        "schedule": crontab(hour=7, minute=10),
    },
}
