"""Every periodic job, declared in one place (celery beat reads this)."""

from celery.schedules import crontab

CELERY_BEAT_SCHEDULE = {
    # Bank holidays can be announced after records were saved (e.g. 8 May 2023): recompute targets nightly.
    "s47-targets-refresh": {
        "task": "cases.tasks.s47_targets_refresh_task",
        "schedule": crontab(hour=2, minute=0),
    },
}
