"""Celery's queues and the queue of every task (docs/operations.md, "Running more workers").

Each kind of work has its own queue, so a slow recomputation never holds up an email and each queue can
have workers sized for it: `celery -A config worker -Q metrics --concurrency 1`. A worker started with no
-Q consumes every queue (development, `make worker`); with no broker at all tasks run in-process.

Every task is named here, by its full name: no pattern, no fall-through to the default queue. A task
added without a line here fails tests/common/test_queues.py, which walks every task the app registers.

Why the recomputation queued by an import (`metrics_recompute_on_import`, on cases' `records_imported`)
goes to `metrics`, not `imports`: a route belongs to a task, not to whoever queued it, and it is the same
recomputation as the nightly one and the Recalculate button's, with the same run and scope locks and the
same load (three database connections, minutes on a big council). On `metrics` the recomputations
share the workers sized for them (concurrency 1) and queue behind each other; on `imports` they would run
beside the nightly one on workers sized for something else and only wait on each other's locks. The
import itself has committed before the recomputation is queued, so nothing on `imports` waits for it.
"""

from kombu import Queue

DEFAULT = "celery"  # housekeeping; Celery's own name, so messages queued before this file still run
METRICS = "metrics"  # recomputing the compliance figures: heavy, few, one at a time per worker
REPORTS = "reports"  # panel report PDFs: seconds each, CPU-bound
EMAIL = "email"  # emails to people: quick, waiting on the mail server
IMPORTS = "imports"  # writes to the case records outside a request (the nightly S47 target refresh)

QUEUES = [Queue(DEFAULT), Queue(METRICS), Queue(REPORTS), Queue(EMAIL), Queue(IMPORTS)]
QUEUE_NAMES = frozenset(queue.name for queue in QUEUES)

# Task name -> queue. Celery's own tasks (celery.*: chords, groups) stay on the default queue.
TASK_QUEUES = {
    "metrics.tasks.metrics_recompute_task": METRICS,
    "reporting.tasks.report_version_generate": REPORTS,
    "actions.tasks.reminders_send_task": EMAIL,
    "audits.tasks.feedback_email_task": EMAIL,
    "audits.tasks.feedback_reminders_send_task": EMAIL,
    "cases.tasks.s47_targets_refresh_task": IMPORTS,
    "common.tasks.access_log_purge_task": DEFAULT,
}

ROUTES = {name: {"queue": queue} for name, queue in TASK_QUEUES.items()}
