"""The capacity benchmark (`make capacity`): how many requests a second each main page carries on this
machine, and what a request costs in CPU.

For each scale (the demo data, and about a million S47 enquiries):

1. A scratch PostgreSQL database (capacity_demo, capacity_1m): migrated, filled and the metrics
   recomputed. The demo scale is `manage.py load_demo` (as `make demo`); the million is the metrics
   benchmark's generator (bench/metrics.py, `generate_demo_data --children 400000`), then `load_demo`
   for the demo users, audit, action plan and report on top of it. Each demo user of the roles the
   pages need gets an authenticator device (two-factor is on, as shipped).
2. gunicorn as in production (the Dockerfile's command: sync workers, WEB_CONCURRENCY of them, default 3,
   access log on; production settings less HTTPS-only cookies, bench/load_settings.py).
3. locust (bench/capacity_locustfile.py): one sign-in per role, then 10 users with no think time against
   each page in turn for DURATION seconds.
4. Prints, per page, `capacity_<page>_rps`, `capacity_<page>_p95_ms` and `capacity_<page>_cpu_ms` (the
   gunicorn workers' CPU milliseconds per request; the database's own CPU is not in it), each as
   `name: value (scale, goal ...: met|not met)`.

Goals (issue #17): at least 100 requests a second with p95 under 200 ms on the demo data, at least 50 a
second on the million. The CPU goal follows from the requests: two cores serve 100 requests a second
only if a request costs under 20 ms of CPU (40 ms for 50 a second), less what the database takes.

Environment: SCALE (demo, 1m or both; default both), DURATION (seconds per page, default 20), USERS
(default 10), WEB_CONCURRENCY (gunicorn workers, default 3), REUSE=1 (keep the scratch databases and use
them again next time instead of refilling them), PAGES (a comma-separated subset, e.g.
PAGES=case_list,autosave), CAPACITY_DATABASE_SERVER (default
postgres://postgres@127.0.0.1:5432). Exits non-zero if any request failed (a page that redirects to the
sign-in page is a broken benchmark, not a figure). Not part of `make test`.

    SCALE=demo DURATION=10 python bench/capacity.py
"""

import json
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script, bench/ is on the path and the project is not
BIN = Path(sys.executable).parent
PREFIX = "capacity"
SCALES = ("demo", "1m")
MILLION_CHILDREN = 400_000  # about 2.5 S47 enquiries each: about a million
DRILLDOWN_METRIC = "s47_within_15_days"
QUESTIONS_PER_CASE = 5


@dataclass(frozen=True)
class Goal:
    rps: float
    p95_ms: int | None
    cpu_ms: float


GOALS = {"demo": Goal(rps=100, p95_ms=200, cpu_ms=20), "1m": Goal(rps=50, p95_ms=None, cpu_ms=40)}


def _say(line: str) -> None:
    print(line, flush=True)


def _database_url(scale: str) -> str:
    server = os.environ.get("CAPACITY_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    return f"{server}/{PREFIX}_{scale}"


# Filling a database ---------------------------------------------------------------------------------------


def fill(scale: str, *, children: int | None = None) -> None:
    """Migrates the (set-up) database and fills it for `scale`; `children` overrides the demo set's size
    (the fast test uses a dozen)."""
    from django.core.management import call_command

    from bench import metrics

    quiet = open(os.devnull, "w")  # noqa: SIM115
    started = time.monotonic()
    if scale == "1m":
        metrics._fill(seed=2014, children=children or MILLION_CHILDREN)  # migrates, generates, analyses
    else:
        call_command("migrate", verbosity=0)
    # Into an empty database the demo set; over the million, only the demo users, audit, plan and report.
    demo_options = {"children": children} if children and scale == "demo" else {}
    call_command("load_demo", force=True, stdout=quiet, **demo_options)
    call_command("recompute_metrics", stdout=quiet)
    _say(f"capacity_{scale}_setup_s: {time.monotonic() - started:.1f}")


def plan(users: int) -> dict[str, Any]:
    """The accounts and pages of the run, from the demo objects of the filled database."""
    from django.urls import reverse
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from actions.models import ActionPlan
    from audits.models import Answer, Audit, CaseAudit
    from bench.load import autosave_questions
    from common import roles
    from demo.audit import DEMO_AUDIT_TITLE
    from demo.plan import DEMO_PLAN_TITLE
    from demo.report import DEMO_REPORT_TITLE
    from demo.users import DEMO_PASSWORD, demo_users
    from metrics.periods import last_complete_month, month_param
    from reporting.models import PanelReport

    people = demo_users()
    accounts = {}
    for role in (roles.MANAGER, roles.AUDITOR, roles.REPORT_OFFICER):
        device, _ = TOTPDevice.objects.get_or_create(
            user=people[role], name="Capacity benchmark", defaults={"confirmed": True}
        )
        accounts[role] = {"username": people[role].username, "password": DEMO_PASSWORD, "otp_key": device.key}

    audit = Audit.objects.get(title=DEMO_AUDIT_TITLE)
    # Cases still to score: the demo moderates some (their feedback), and a moderated answer is refused.
    case_audits = list(
        audit.case_audits.filter(
            auditor=people[roles.AUDITOR],
            status__in=[CaseAudit.Status.NOT_STARTED, CaseAudit.Status.IN_PROGRESS],
        ).order_by("pk")
    )
    # One answer per user, at its current revision (an earlier run, REUSE=1, left some at a later one).
    questions = autosave_questions(audit, QUESTIONS_PER_CASE)
    answers = {
        (a.case_audit_id, a.question_id): a.revision
        for a in Answer.objects.filter(case_audit__in=case_audits)
    }
    targets = [
        {
            "path": reverse("audits-answer", args=[case_audit.uuid, question]),
            "revision": answers.get((case_audit.pk, question), 0),
        }
        for case_audit in case_audits
        for question in questions
    ]
    if len(targets) < users:
        sys.exit(f"The demo audit has {len(targets)} answers to autosave, fewer than {users} users.")
    case_audit = case_audits[0]
    month = month_param(last_complete_month(timezone.localdate()))
    manager, auditor, officer = roles.MANAGER, roles.AUDITOR, roles.REPORT_OFFICER
    drilldown = reverse("metrics-drilldown", args=[DRILLDOWN_METRIC])
    pages = [
        {"name": "case_list", "role": manager, "path": reverse("cases-s47-list")},
        {"name": "child_list", "role": manager, "path": reverse("cases-child-list")},
        {
            "name": "child_page",
            "role": manager,
            "path": reverse("cases-child-detail", args=[case_audit.child.uuid]),
        },
        {"name": "scoring_page", "role": auditor, "path": reverse("audits-score", args=[case_audit.uuid])},
        {"name": "autosave", "role": auditor, "path": "", "targets": targets[:users]},
        {"name": "dashboard", "role": manager, "path": reverse("metrics-dashboard")},
        {"name": "metric_page", "role": manager, "path": reverse("metrics-measure", args=[DRILLDOWN_METRIC])},
        {"name": "drilldown", "role": manager, "path": f"{drilldown}?start={month}&end={month}"},
        {
            "name": "action_plan",
            "role": manager,
            "path": reverse("actions-plan-detail", args=[ActionPlan.objects.get(title=DEMO_PLAN_TITLE).uuid]),
        },
        {"name": "my_actions", "role": auditor, "path": reverse("actions-mine")},
        {
            "name": "report_page",
            "role": officer,
            "path": reverse("reporting-report", args=[PanelReport.objects.get(title=DEMO_REPORT_TITLE).uuid]),
        },
    ]
    return {"accounts": accounts, "pages": pages, "users": users}


# Measuring ------------------------------------------------------------------------------------------------


def run_locust(config: dict[str, Any], *, host: str, server_pid: int, seconds: float, work: Path) -> dict:
    """The locust run of bench/capacity_locustfile.py against `host`; returns its results."""
    config = {**config, "seconds": seconds, "server_pid": server_pid}
    (work / "capacity.json").write_text(json.dumps(config))
    results = work / "capacity_results.json"
    results.unlink(missing_ok=True)
    pages = len(config["pages"])
    subprocess.run(  # noqa: S603 (a fixed command)
        [
            str(BIN / "locust"),
            "--locustfile",
            str(ROOT / "bench" / "capacity_locustfile.py"),
            "--headless",
            "--users",
            str(config["users"]),
            "--spawn-rate",
            str(config["users"]),
            "--run-time",  # a bound only: the locustfile stops the run after the last page
            f"{math.ceil(pages * (seconds + 35) + 60)}s",
            "--host",
            host,
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--stop-timeout",
            "10",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "CAPACITY_CONFIG": str(work / "capacity.json"),
            "CAPACITY_RESULTS": str(results),
            "PYTHONPATH": str(ROOT),
        },
        stdout=(work / "locust.log").open("wb"),
        stderr=subprocess.STDOUT,
        check=False,  # locust exits 1 on any failed request: the figures say so
    )
    if not results.exists():
        sys.exit(f"locust wrote no results:\n{(work / 'locust.log').read_text()[-3000:]}")
    return json.loads(results.read_text())


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _figure(name: str, value: str, scale: str, goal: str, met: bool | None) -> str:
    verdict = "no goal" if met is None else f"goal {goal}: {'met' if met else 'not met'}"
    return f"{name}: {value} ({scale}, {verdict})"


def figures(scale: str, results: dict) -> tuple[list[str], int]:
    """The figure lines of a run, and how many requests failed."""
    goal = GOALS[scale]
    lines, failures = [], 0
    for page, result in results["pages"].items():
        times, seconds = result["times"], result.get("seconds") or 0.0
        rps = len(times) / seconds if seconds else 0.0
        p95 = percentile(times, 0.95)
        cpu_ms = 1000 * result.get("cpu_seconds", 0.0) / len(times) if times else 0.0
        client_ms, database_ms = (
            1000 * result.get(f"{part}_cpu_seconds", 0.0) / len(times) if times else 0.0
            for part in ("client", "database")
        )

        p95_met = None if goal.p95_ms is None else p95 < goal.p95_ms
        lines += [
            _figure(f"capacity_{page}_rps", f"{rps:.1f}", scale, f">= {goal.rps:g}", rps >= goal.rps),
            _figure(f"capacity_{page}_p95_ms", f"{p95:.0f}", scale, f"< {goal.p95_ms}", p95_met),
            _figure(
                f"capacity_{page}_cpu_ms", f"{cpu_ms:.1f}", scale, f"< {goal.cpu_ms:g}", cpu_ms < goal.cpu_ms
            ),
            # Where the rest of the two cores went: locust itself, and PostgreSQL (no goal: for reading).
            _figure(f"capacity_{page}_client_cpu_ms", f"{client_ms:.1f}", scale, "", None),
            _figure(f"capacity_{page}_database_cpu_ms", f"{database_ms:.1f}", scale, "", None),
        ]
        if result["failures"]:
            lines.append(
                f"capacity_{page}_failures: {result['failures']} ({scale}, of {len(times)} requests)"
            )
        failures += result["failures"]
    return lines, failures


def measure(
    database_url: str,
    config: dict[str, Any],
    *,
    workers: int,
    seconds: float,
    work: Path,
    static_root: Path | None = None,
) -> dict[str, Any]:
    """gunicorn on the database, as production starts it, and the locust run against it. The static files
    are collected into `work` unless `static_root` holds them already."""
    from bench import load

    port = load._free_port()
    # No broker: none of the pages sends a task.
    env = load._server_env(database_url, "", static_root or work / "static")
    production = ("--access-logfile=-",)  # the Dockerfile's command; gunicorn's other settings as it ships
    server = load._start_gunicorn(
        env, port, workers, work / "gunicorn.log", production, collect_static=static_root is None
    )
    try:
        return run_locust(
            config, host=f"http://127.0.0.1:{port}", server_pid=server.pid, seconds=seconds, work=work
        )
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def run_scale(
    scale: str, *, seconds: float, users: int, workers: int, reuse: bool, pages: list[str] | None = None
) -> int:
    from bench import load, scratch

    url = _database_url(scale)
    label = f"capacity benchmark: {scale} data"
    reusing = reuse and scratch.filled(url, PREFIX) == label
    if not reusing:
        scratch.create(url, PREFIX)
    work = Path(tempfile.mkdtemp(prefix="capacity-"))
    try:
        load._setup_django(url)
        if not reusing:
            fill(scale)
            scratch.mark_filled(url, PREFIX, label)
        config = plan(users)
        if pages:
            config["pages"] = [page for page in config["pages"] if page["name"] in pages]
        from django.db import connections

        connections.close_all()
        _say(f"capacity_{scale}_gunicorn_workers: {workers}")
        results = measure(url, config, workers=workers, seconds=seconds, work=work)
        if results["sign_in_problem"]:
            _say(f"capacity_{scale}: could not sign in: {results['sign_in_problem']}")
            return 1
        lines, failures = figures(scale, results)
        for line in lines:
            _say(line)
        unmeasured = [name for name, result in results["pages"].items() if not result["times"]]
        if failures or unmeasured or len(results["pages"]) < len(config["pages"]):
            print(f"locust's log:\n{(work / 'locust.log').read_text()[-3000:]}", file=sys.stderr)
            return 1
        return 0
    finally:
        from django.db import connections

        connections.close_all()
        if not reuse:
            scratch.drop(url, PREFIX)
        shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    scale = os.environ.get("SCALE", "both")
    if scale not in (*SCALES, "both"):
        sys.exit(f"SCALE is {scale!r}: use demo, 1m or both.")
    if scale == "both":  # one process per database: Django is set up once per process
        statuses = []
        for one in SCALES:
            command = [sys.executable, str(Path(__file__).resolve())]  # this script, for one scale
            run = subprocess.run(command, env={**os.environ, "SCALE": one}, check=False)  # noqa: S603
            statuses.append(run.returncode)
        return max(statuses)
    return run_scale(
        scale,
        seconds=float(os.environ.get("DURATION", "20")),
        users=int(os.environ.get("USERS", "10")),
        workers=int(os.environ.get("WEB_CONCURRENCY", "3")),
        reuse=os.environ.get("REUSE") == "1",
        pages=os.environ["PAGES"].split(",") if os.environ.get("PAGES") else None,
    )


if __name__ == "__main__":
    sys.exit(main())
