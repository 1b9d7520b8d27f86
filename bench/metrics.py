"""The metrics benchmark (`make bench`, `make bench SCALE=10m`): a million or ten million S47 enquiries on
PostgreSQL.

Creates a scratch database, fills it with the demo generator (`generate_demo_data --children N`, about 2.5
S47 enquiries a child: SCALE=1m is 400,000 children, 10m is 4,000,000), then times:

- a full recomputation of every metric for every month and team (`metrics.services.metrics_recompute`);
- the refresh after an import of the 1,000 most recent enquiries (`metrics.services.metrics_refresh`);
- the dashboard page, and a drill-down's first page and a late page of it (keyset pagination: the page
  after the cursor of the record a page from the end), with Django's test client: server time, no
  network; and the consent drill-down's records not met over twelve months;
- the database's size, and that size per million S47 enquiries.

Each figure is printed on a line of its own as `name: value`, and a timed figure with its goal at that
scale, `name: value (10m, goal <= 20: met)`. Timings are medians (RECOMPUTE_RUNS, PAGE_RUNS). The scratch
database is dropped at the end unless --keep is given; --reuse times an existing one without
regenerating it (apply new migrations first: `DATABASE_URL=... manage.py migrate`).

    python bench/metrics.py [--scale 1m|10m|small] [--children N] [--seed 2014] [--database-url postgres://...]
        [--keep|--reuse]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script, bench/ is on the path and the project is not
SERVER = "postgres://postgres@127.0.0.1:5432/"
RECOMPUTE_RUNS = 3
REFRESH_ROWS = 1000
PAGE_RUNS = 15
BENCH_USER = "bench-admin"
# SCALE: demo children, the scratch database's name, and each timed figure's goal (at most) there.
SCALES = {
    "small": (40, "bench_small", {}),
    "1m": (
        400_000,
        "bench_metrics",
        {
            "metrics_recompute_s": 5,
            "metrics_refresh_1000_rows_ms": 300,
            "dashboard_ms": 50,
            "drilldown_first_page_ms": 150,
            "drilldown_late_page_ms": 150,
        },
    ),
    "10m": (
        4_000_000,
        "bench_10m",
        {
            "metrics_recompute_s": 20,
            "metrics_refresh_1000_rows_ms": 300,
            "dashboard_ms": 20,
            "drilldown_first_page_ms": 100,
            "drilldown_late_page_ms": 100,
            "drilldown_not_met_12_months_ms": 100,
        },
    ),
}


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=SCALES, default="1m", help="Default: %(default)s.")
    parser.add_argument(
        "--children", type=int, help="Demo children (2.5 S47 enquiries each); default: the scale's."
    )
    parser.add_argument("--seed", type=int, default=2014)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL"),
        help="Default: the scale's scratch database on 127.0.0.1 (bench_metrics, bench_10m).",
    )
    parser.add_argument("--keep", action="store_true", help="Keep the scratch database afterwards.")
    parser.add_argument("--reuse", action="store_true", help="Time an existing database; implies --keep.")
    return parser.parse_args()


def _create(url: str) -> None:
    from bench import scratch

    scratch.create(url, "bench")


def _drop(url: str) -> None:
    from bench import scratch

    scratch.drop(url, "bench")


def _setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DEMO_MODE"] = "false"
    os.environ.setdefault("ALLOWED_HOSTS", "localhost,127.0.0.1,testserver")
    os.environ["CELERY_BROKER_URL"] = ""  # tasks in-process: nothing here needs a worker
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False  # no query log kept in memory while timing


def _say(name: str, value) -> None:
    print(f"{name}: {value}", flush=True)


def _fill(seed: int, children: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    started = time.monotonic()
    call_command("generate_demo_data", seed=seed, children=children, stdout=open(os.devnull, "w"))  # noqa: SIM115
    _say("generate_demo_data_s", round(time.monotonic() - started, 1))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as autovacuum would after a bulk load: statistics, visibility map


def _time_recompute(runs: int = RECOMPUTE_RUNS) -> dict:
    from cases.models import S47Enquiry
    from metrics.services import metrics_recompute

    figures: dict[str, float] = {"s47_enquiries": S47Enquiry.objects.count()}
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        written = metrics_recompute()
        seconds.append(time.perf_counter() - started)
    figures["snapshots"] = written
    figures["metrics_recompute_s"] = round(statistics.median(seconds), 2)
    figures["metrics_recompute_first_s"] = round(seconds[0], 2)
    return figures


def _time_refresh(rows: int = REFRESH_ROWS, runs: int = RECOMPUTE_RUNS) -> dict:
    """An import of the `rows` most recent S47 enquiries, each completed a day later than it was (or
    completed, if open): the refresh after it (metrics.services.metrics_refresh), from the earliest date
    those rows held before and after, as the import names it (cases.events.earliest_dates)."""
    import copy
    import datetime

    from cases.events import earliest_dates
    from cases.models import S47Enquiry
    from metrics.services import metrics_refresh, refresh_plan

    recent = list(S47Enquiry.objects.order_by("-start_date", "-pk")[:rows])
    written = [copy.copy(row) for row in recent]
    for row in recent:
        row.end_date = (row.end_date or row.start_date) + datetime.timedelta(days=1)
    S47Enquiry.objects.bulk_update(recent, ["end_date"], batch_size=1000)
    since = earliest_dates(written + recent)
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        metrics_refresh(since=since)
        seconds.append(time.perf_counter() - started)
    first = min(first for _, first in refresh_plan(since) if first)
    return {
        "metrics_refresh_rows": len(recent),
        "metrics_refresh_from_month": first.isoformat(),
        f"metrics_refresh_{rows}_rows_ms": round(statistics.median(seconds) * 1000),
    }


def _time_page(client, url: str, data: dict | None = None, *, runs: int = PAGE_RUNS) -> float:
    def get():
        response = client.get(url, data)
        if response.status_code != 200:
            # A redirect here is a sign-in the benchmark no longer satisfies (two-factor, a new role rule).
            raise RuntimeError(
                f"{url} answered {response.status_code} {response.get('Location', '')}".strip()
            )
        return response

    for _ in range(min(2, runs)):  # warm: the first request of a process compiles templates and URL patterns
        get()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        get()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def signed_in_client():
    """A test client signed in as production signs a QA lead in: password, then a verified two-factor
    device (two-factor is on by default, so a session without one is sent to the code page)."""
    from django.contrib.auth.models import User
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user, _ = User.objects.get_or_create(
        username=BENCH_USER, defaults={"is_superuser": True, "is_staff": True}
    )
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="Bench", defaults={"confirmed": True})
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id  # as django_otp.login() records a verified code
    session.save()
    return client


def late_page_cursor(username: str, metric_key: str, month) -> str | None:
    """The cursor (`?after=`) of a drill-down's record a page and one from the end: the page after it is
    the list's last, read from the cursor as any page is. None where the list is shorter than that."""
    from django.contrib.auth.models import User
    from django.utils import timezone

    from common.pagination import PAGE_SIZE, cursor_of
    from metrics import measures, selectors

    records = selectors.drilldown_records(
        User.objects.get(username=username),
        measures.get(metric_key),
        first=month,
        last=month,
        met=None,
        today=timezone.localdate(),
    )
    parts, keys = selectors.drilldown_pages(records, met=None)
    last = len(parts) - 1
    row = parts[last].order_by(*[f"-{key}" for key in keys])[PAGE_SIZE : PAGE_SIZE + 1].first()
    return cursor_of(last, row, keys) if row else None


def time_pages(runs: int = PAGE_RUNS) -> dict:
    """The dashboard and the drill-downs, each the median of `runs` requests after a warm-up, in ms."""
    from django.urls import reverse
    from django.utils import timezone

    from metrics.periods import add_months, last_complete_month, month_param

    client = signed_in_client()
    last_month = last_complete_month(timezone.localdate())
    month = month_param(last_month)
    year_ago = month_param(add_months(last_month, -11))
    one_month = {"start": month, "end": month}
    within_15_days = reverse("metrics-drilldown", args=["s47_within_15_days"])
    cursor = late_page_cursor(BENCH_USER, "s47_within_15_days", last_month)
    late = {**one_month, "after": cursor} if cursor else one_month
    if cursor and 'rel="prev"' not in client.get(within_15_days, late).content.decode():
        raise RuntimeError(f"{within_15_days} after {cursor} did not answer with a late page.")
    pages = {
        "dashboard_ms": (reverse("metrics-dashboard"), None),
        "drilldown_first_page_ms": (within_15_days, one_month),
        "drilldown_late_page_ms": (within_15_days, late),
        "drilldown_not_met_12_months_ms": (
            reverse("metrics-drilldown", args=["consent_recorded"]),
            {"start": year_ago, "end": month, "met": "missed"},
        ),
    }
    return {name: round(_time_page(client, url, data, runs=runs)) for name, (url, data) in pages.items()}


def database_size() -> dict:
    """The database's size on disk, and that size per million S47 enquiries (PostgreSQL only)."""
    from django.db import connection

    from cases.models import S47Enquiry

    if connection.vendor != "postgresql":
        return {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        megabytes = cursor.fetchone()[0] / 1024**2
    enquiries = S47Enquiry.objects.count()
    return {
        "database_size_mb": round(megabytes),
        "database_mb_per_million_enquiries": round(megabytes / (enquiries / 1e6)) if enquiries else None,
    }


def _with_goal(name: str, value, scale: str) -> str:
    goal = SCALES[scale][2].get(name)
    if goal is None:
        return str(value)
    return f"{value} ({scale}, goal <= {goal}: {'met' if value <= goal else 'not met'})"


def main() -> None:
    arguments = _arguments()
    children, name, _goals = SCALES[arguments.scale]
    url = arguments.database_url or SERVER + name
    if not arguments.reuse:
        _create(url)
    try:
        _setup_django(url)
        _say("scale", arguments.scale)
        if not arguments.reuse:
            _fill(arguments.seed, arguments.children or children)
        figures = {**_time_recompute(), **_time_refresh(), **time_pages(), **database_size()}
        for figure, value in figures.items():
            _say(figure, _with_goal(figure, value, arguments.scale))
    finally:
        if not (arguments.keep or arguments.reuse):
            from django.db import connections

            connections.close_all()
            _drop(url)


if __name__ == "__main__":
    main()
