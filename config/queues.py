"""Celery's queues and which tasks go to each (docs/operations.md).

Each kind of work has its own queue, so a slow recomputation never holds up an email and each queue can
have workers sized for it: `celery -A config worker -Q metrics --concurrency 1`. A worker started with no
-Q consumes every queue (development, `make worker`); with no broker at all tasks run in-process.
"""

from kombu import Queue

DEFAULT = "celery"
METRICS = "metrics"
REPORTS = "reports"
EMAIL = "email"

QUEUES = [Queue(DEFAULT), Queue(METRICS), Queue(REPORTS), Queue(EMAIL)]

# Glob patterns on task names, tried in this order; anything else goes to the default queue.
ROUTES = {
    "metrics.tasks.metrics_*": {"queue": METRICS},
    "*.tasks.*report*": {"queue": REPORTS},
    "*.tasks.*email*": {"queue": EMAIL},
    "*.tasks.*remind*": {"queue": EMAIL},
    "*.tasks.*notif*": {"queue": EMAIL},
    "actions.tasks.*": {"queue": EMAIL},
}
