"""Each benchmark's timing path, run once on a tiny database with the settings it ships with, so a change
that breaks `make bench` (a page that now redirects, a renamed service) fails here instead of on the night.

The suite turns two-factor off (config/settings_test.py); the benchmarks run with the shipped default, on.
"""

import re

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from bench import answers_import, metrics, name_guard
from metrics.models import MetricSnapshot
from metrics.services import metrics_recompute
from tests.factories import S47EnquiryFactory


@pytest.fixture
def shipped_settings(settings):
    settings.TWO_FACTOR_REQUIRED = True  # config/settings.py's default, which `make bench` runs with


def _figures() -> set[tuple]:
    return set(MetricSnapshot.objects.values_list("metric", "period", "team_id", "numerator", "denominator"))


@pytest.mark.django_db
def test_the_metrics_benchmark_times_the_dashboard_and_drilldowns_signed_in_as_shipped(shipped_settings):
    call_command("generate_demo_data", seed=2014, children=12, stdout=open("/dev/null", "w"))  # noqa: SIM115

    recomputed = metrics._time_recompute(runs=1)
    refreshed = metrics._time_refresh(rows=5, runs=1)
    after_refresh = _figures()
    pages = metrics.time_pages(runs=1)

    assert recomputed["s47_enquiries"] > 0 and recomputed["snapshots"] > 0
    assert refreshed["metrics_refresh_rows"] == 5 and refreshed["metrics_refresh_5_rows_ms"] >= 0
    metrics_recompute()  # the refresh left what counting everything again gives
    assert _figures() == after_refresh
    assert set(pages) == {
        "dashboard_ms",
        "drilldown_first_page_ms",
        "drilldown_late_page_ms",
        "drilldown_not_met_12_months_ms",
    }
    assert all(milliseconds >= 0 for milliseconds in pages.values())


@pytest.mark.django_db
def test_the_late_page_is_the_drilldowns_last_read_after_a_cursor(shipped_settings):
    """Enough enquiries completed last month for three pages: the late page timed is read after the cursor
    of the record a page and one from the end (time_pages checks it has a Previous link): the last page."""
    import datetime

    from django.urls import reverse
    from django.utils import timezone

    from common.pagination import PAGE_SIZE
    from metrics.periods import last_complete_month, month_param

    month = last_complete_month(timezone.localdate())
    for number in range(2 * PAGE_SIZE + 7):
        S47EnquiryFactory.create(
            start_date=month + datetime.timedelta(days=number % 9),
            end_date=month + datetime.timedelta(days=number % 9 + 12),
        )
    client = metrics.signed_in_client()  # the benchmark's user, signed in with two-factor

    cursor = metrics.late_page_cursor(metrics.BENCH_USER, "s47_within_15_days", month)
    pages = metrics.time_pages(runs=1)

    assert cursor is not None and pages["drilldown_late_page_ms"] >= 0
    query = {"start": month_param(month), "end": month_param(month)}
    late = client.get(reverse("metrics-drilldown", args=["s47_within_15_days"]), {**query, "after": cursor})
    assert len(late.context["rows"]) == PAGE_SIZE and not late.context["page"].has_next


@pytest.mark.django_db
def test_the_metrics_benchmark_gives_each_timed_figure_its_goal_and_the_database_size():
    from django.db import connection

    S47EnquiryFactory.create()

    sizes = metrics.database_size()

    assert metrics._with_goal("drilldown_late_page_ms", 99, "10m") == "99 (10m, goal <= 100: met)"
    assert metrics._with_goal("metrics_recompute_s", 21.5, "10m") == "21.5 (10m, goal <= 20: not met)"
    assert metrics._with_goal("snapshots", 1200, "10m") == "1200"
    if connection.vendor == "postgresql":
        assert sizes["database_size_mb"] > 0 and sizes["database_mb_per_million_enquiries"] > 0
    else:
        assert sizes == {}


@pytest.mark.django_db
def test_the_metrics_benchmark_says_which_page_did_not_answer(shipped_settings, monkeypatch):
    from django_otp import DEVICE_ID_SESSION_KEY

    signed_in = metrics.signed_in_client

    def without_two_factor():
        client = signed_in()
        session = client.session
        del session[DEVICE_ID_SESSION_KEY]
        session.save()
        return client

    monkeypatch.setattr(metrics, "signed_in_client", without_two_factor)
    with pytest.raises(RuntimeError, match=r"/dashboard/ answered 302 /account/two-factor/"):
        metrics.time_pages(runs=1)


@pytest.mark.django_db
def test_the_answers_import_benchmark_saves_a_small_workbook(shipped_settings):
    figures = answers_import.time_import(*answers_import.audit_and_workbook(cases=2), runs=1)

    assert set(figures) == {"answers_import_50x30_s", "answers_import_50x30_cpu_s"}


@pytest.mark.django_db
def test_the_name_guard_benchmark_finds_its_disguised_name_among_a_few_children():
    figures = name_guard.time_guard(name_guard.report_texts(name_guard.children(200)), runs=1)

    assert set(figures) == {"name_guard_100k_ms"} and figures["name_guard_100k_ms"] >= 0


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_load_test_users_sign_in_with_two_factor_and_open_each_of_their_pages(
    shipped_settings, live_server, tmp_path
):
    """The locust users of `make load`, four auditors and a manager, against a live server: every page
    and an autosave answer, and the autosaved answer is in the database."""
    import argparse
    from urllib.parse import urlsplit

    from bench import load

    config = {**load._fill(children=12, users=5), "walk": True}  # locust: 4 auditors to 1 manager
    arguments = argparse.Namespace(users=5, spawn_rate=5, run_time="30s")

    stats, results = load._run_locust(arguments, urlsplit(live_server.url).port, tmp_path, config)

    requests = results["requests"]
    failed = [(name, ms) for name, ms, is_failed, _steady in requests if is_failed]
    assert not failed, (failed, (tmp_path / "load_failures.csv").read_text()[:2000])
    names = {name for name, _ms, _failed, _steady in requests}
    pages = {"my audits", "case list", "child page", "scoring page", "dashboard", "children list"}
    assert {"log in", "log in (two-factor code)", "autosave"} | pages <= names
    assert results["saved"] and load._check_autosaves(results["saved"]) == 0


CAPACITY_FIGURE = re.compile(
    r"(capacity_[a-z0-9_]+): (\d+(?:\.\d+)?) \(demo, (?:goal (?:>=|<) \d+: (?:met|not met)|no goal)\)"
)


CAPACITY_PAGES = (
    "case_list",
    "child_list",
    "child_page",
    "scoring_page",
    "autosave",
    "dashboard",
    "metric_page",
    "drilldown",
    "action_plan",
    "my_actions",
    "report_page",
)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_capacity_benchmark_prints_each_figure_of_each_page_served_by_gunicorn(
    tmp_path, production_static
):
    """`make capacity` on a dozen children for a second a page: gunicorn with production settings, one
    two-factor sign-in per role, every page answered without a failure, and five figure lines a page."""
    from django.conf import settings
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from bench import capacity

    database = settings.DATABASES["default"]
    if "postgresql" not in database["ENGINE"] and "fast_flush_postgresql" not in database["ENGINE"]:
        pytest.skip("gunicorn shares the test database only on PostgreSQL")
    capacity.fill("demo", children=40)  # enough cases that some are still to score beside the moderated
    config = capacity.plan(users=4)
    # The suite's MD5 hasher is unknown to the production settings gunicorn runs with: a PBKDF2 hash
    # (few iterations, to stay fast) that they verify.
    for account in config["accounts"].values():
        encoded = PBKDF2PasswordHasher().encode(account["password"], "capacitysalt", iterations=1000)
        User.objects.filter(username=account["username"]).update(password=encoded)
    url = (
        f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )

    pages = [page["name"] for page in config["pages"]]
    assert pages == list(CAPACITY_PAGES)
    # One page of each role's session (manager, auditor, report officer) keeps the suite quick; `make
    # capacity` runs them all.
    measured = ("case_list", "autosave", "report_page")
    config["pages"] = [page for page in config["pages"] if page["name"] in measured]
    # The static files as production collects them, once for the run (tests/static_files.py).
    results = capacity.measure(
        url, config, workers=1, seconds=1, work=tmp_path, static_root=production_static
    )
    lines, failures = capacity.figures("demo", results)

    assert not results["sign_in_problem"] and failures == 0, (
        lines,
        (tmp_path / "locust.log").read_text()[-3000:],
    )
    parsed = [CAPACITY_FIGURE.fullmatch(line) for line in lines]
    assert all(parsed), lines
    kinds = ("rps", "p95_ms", "cpu_ms", "client_cpu_ms", "database_cpu_ms")
    expected = {f"capacity_{page}_{figure}" for page in measured for figure in kinds}
    figures = {match[1]: float(match[2]) for match in parsed if match}
    assert set(figures) == expected and len(lines) == len(expected)
    assert all(
        figures[f"capacity_{page}_rps"] > 0
        and figures[f"capacity_{page}_cpu_ms"] > 0
        and figures[f"capacity_{page}_client_cpu_ms"] > 0  # locust spent CPU sending the requests
        for page in measured
    )
    if (database["HOST"] or "127.0.0.1") in ("127.0.0.1", "localhost"):  # its processes are on this machine
        assert all(figures[f"capacity_{page}_database_cpu_ms"] > 0 for page in measured)
