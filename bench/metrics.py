"""The metrics benchmark (`make bench`): a million S47 enquiries on PostgreSQL.

Creates a scratch database, fills it with the demo generator (`generate_demo_data --children 400000` gives
about a million S47 enquiries), then times:

- a full recomputation of every metric for every month and team (`metrics.services.metrics_recompute`);
- the refresh after an import of the 1,000 most recent enquiries (`metrics.services.metrics_refresh`):
  `metrics_refresh_1000_rows_ms`, goal at most 300 ms;
- the dashboard page, and the first page of a drill-down (Django's test client: server time, no network).

Each figure is printed on a line of its own as `name: value`. Targets on the 2-core reference machine:
recomputation under 5 s, dashboard under 50 ms, drill-down's first page under 150 ms. The scratch database
is dropped at the end unless --keep is given; --reuse times an existing one without regenerating it.

    python bench/metrics.py [--children 400000] [--seed 2014] [--database-url postgres://...] [--keep|--reuse]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script, bench/ is on the path and the project is not
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_metrics"
RECOMPUTE_RUNS = 3
REFRESH_ROWS = 1000
PAGE_RUNS = 15


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--children", type=int, default=400_000, help="Demo children (2.5 S47 enquiries each)."
    )
    parser.add_argument("--seed", type=int, default=2014)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
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
    figures["metrics_recompute_1m_s"] = round(statistics.median(seconds), 2)
    figures["metrics_recompute_1m_first_s"] = round(seconds[0], 2)
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
        username="bench-admin", defaults={"is_superuser": True, "is_staff": True}
    )
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="Bench", defaults={"confirmed": True})
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id  # as django_otp.login() records a verified code
    session.save()
    return client


def time_pages(runs: int = PAGE_RUNS) -> dict:
    """The dashboard and two drill-downs, each the median of `runs` requests after a warm-up, in ms."""
    from django.urls import reverse
    from django.utils import timezone

    from metrics.periods import add_months, last_complete_month, month_param

    client = signed_in_client()
    month = month_param(last_complete_month(timezone.localdate()))
    year_ago = month_param(add_months(last_complete_month(timezone.localdate()), -11))
    pages = {
        "dashboard_ms": (reverse("metrics-dashboard"), None),
        "drilldown_first_page_ms": (
            reverse("metrics-drilldown", args=["s47_within_15_days"]),
            {"start": month, "end": month},
        ),
        "drilldown_not_met_12_months_ms": (
            reverse("metrics-drilldown", args=["consent_recorded"]),
            {"start": year_ago, "end": month, "met": "missed"},
        ),
    }
    return {name: round(_time_page(client, url, data, runs=runs)) for name, (url, data) in pages.items()}


def main() -> None:
    arguments = _arguments()
    url = arguments.database_url
    if not arguments.reuse:
        _create(url)
    try:
        _setup_django(url)
        if not arguments.reuse:
            _fill(arguments.seed, arguments.children)
        for name, value in {**_time_recompute(), **_time_refresh(), **time_pages()}.items():
            _say(name, value)
    finally:
        if not (arguments.keep or arguments.reuse):
            from django.db import connections

            connections.close_all()
            _drop(url)


if __name__ == "__main__":
    main()
