"""The capacity benchmark's client (locust), run by bench/capacity.py (`make capacity`).

A closed loop with no think time: every simulated user sends its next request as soon as the last one
answers, so the requests a second are what the server carries, not what people would ask for. The pages
are measured one after another, all users on the same page at once:

1. Before any user starts, one session per role signs in (bench/sign_in.py: the login form, then a TOTP
   code, two-factor on as shipped); each user copies the cookies of every role it needs. A TOTP code is
   accepted once, so the users of a role share one sign-in rather than each making their own.
2. For each page of the config: a short warm-up (each worker compiles the page's templates once), then
   `seconds` measured. The gunicorn workers' CPU time (user + system, from psutil) is read when the
   measured part starts and again once its last request has answered, so the CPU a request costs is
   that difference over the requests it served.
3. Writes, per page: the requests started in the measured part and answered, the failures among them
   (any answer other than 200, or a redirect), their response times in ms, the measured seconds and the
   workers' CPU seconds, to CAPACITY_RESULTS (JSON); then stops locust.

Reads CAPACITY_CONFIG (JSON): `accounts` by role (username, password, otp_key), `pages` (name, role,
path; the autosave page has `targets` instead, one answer per user with its current revision, so no
two users edit the same answer and none meets an edit conflict), `seconds`, `users` and `server_pid`
(gunicorn's master).
"""

import itertools
import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gevent
import psutil
from locust import HttpUser, constant, events, task
from locust.clients import HttpSession
from locust.env import Environment
from requests.cookies import RequestsCookieJar

from bench.sign_in import sign_in

CONFIG: dict[str, Any] = json.loads(Path(os.environ["CAPACITY_CONFIG"]).read_text())
RATINGS = ("yes", "partly", "no")
REVISION = re.compile(r'name="revision" value="(\d+)"')
PAGE_NAMES = {page["name"] for page in CONFIG["pages"]}
DRAIN_TIMEOUT_S = 30


@dataclass
class Run:
    # Role -> its signed-in session's cookies, with their domains (a copy without them would make the
    # server's next Set-Cookie a second cookie of the same name).
    cookies: dict[str, RequestsCookieJar] = field(default_factory=dict)
    sign_in_problem: str = ""
    started_users: int = 0
    page: dict | None = None  # the page the users load now; None between pages
    measured_from: float | None = None  # time.monotonic() the measured part of the page started
    in_flight: int = 0
    results: dict[str, dict[str, Any]] = field(default_factory=dict)


RUN = Run()
_user_numbers = itertools.count()


def worker_cpu_seconds(server_pid: int) -> float:
    """User and system CPU seconds of gunicorn's workers so far (its master's child processes)."""
    total = 0.0
    for worker in psutil.Process(server_pid).children(recursive=True):
        try:
            times = worker.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def database_cpu_times() -> dict[int, float]:
    """User and system CPU seconds so far of each PostgreSQL server process this machine runs (none where it
    cannot see them), by process id: the database's share of a request."""
    times = {}
    for process in psutil.process_iter(["name"]):
        if not (process.info["name"] or "").startswith("postgres"):
            continue
        try:
            cpu = process.cpu_times()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        times[process.pid] = cpu.user + cpu.system
    return times


def database_cpu_since(before: dict[int, float]) -> float:
    """The CPU seconds PostgreSQL's processes spent since `before` (database_cpu_times): each process's
    own increase, a new one's whole; one that ended in between is not counted (an undercount, never a
    negative figure)."""
    return sum(max(0.0, now - before.get(pid, 0.0)) for pid, now in database_cpu_times().items())


class CapacityUser(HttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        self.number = next(_user_numbers)
        self.clients: dict[str, HttpSession] = {}
        for role, cookies in RUN.cookies.items():
            client = HttpSession(base_url=self.host, request_event=self.environment.events.request, user=self)
            client.cookies.update(cookies)
            self.clients[role] = client
        self.values = itertools.cycle(RATINGS)
        self.revision: int | None = None  # the revision of this user's answer, from the config at first
        RUN.started_users += 1

    @task
    def load_page(self) -> None:
        page = RUN.page
        if page is None:
            gevent.sleep(0.01)
            return
        RUN.in_flight += 1
        try:
            if "targets" in page:
                self._autosave(page)
            else:
                self._get(page)
        finally:
            RUN.in_flight -= 1

    def _get(self, page: dict) -> None:
        with self.clients[page["role"]].get(page["path"], name=page["name"], catch_response=True) as response:
            if response.history:  # sent elsewhere (the sign-in or code page): not the page timed
                response.failure(f"{page['name']} redirected to {response.url}")
            elif response.status_code != 200:
                response.failure(f"{page['name']} answered {response.status_code}")

    def _autosave(self, page: dict) -> None:
        """As the scoring page does: one answer, with the revision the last save gave back."""
        target = page["targets"][self.number % len(page["targets"])]
        if self.revision is None:
            self.revision = int(target["revision"])
        client = self.clients[page["role"]]
        with client.post(
            target["path"],
            {
                "value": next(self.values),
                "text": "",
                "evidence": "",
                # An answer that differs from the case record needs a reason; ignored where it does not.
                "override_reason": "Capacity benchmark: checked against the case file",
                "revision": self.revision,
            },
            headers={"HX-Request": "true", "X-CSRFToken": client.cookies.get("csrftoken", "")},
            name=page["name"],
            catch_response=True,
        ) as response:
            if response.status_code == 200 and "saved at" in response.text:
                revision = REVISION.search(response.text)
                self.revision = int(revision[1]) if revision else self.revision + 1
            else:
                response.failure(f"autosave answered {response.status_code}")


@events.test_start.add_listener
def _sign_in_and_conduct(environment: Environment, **_kwargs) -> None:
    """Runs before any user starts: one sign-in per role, then the pages in turn in the background."""
    for role, account in CONFIG["accounts"].items():
        session = HttpSession(base_url=environment.host, request_event=environment.events.request, user=None)
        problem = sign_in(
            session, username=account["username"], password=account["password"], otp_key=account["otp_key"]
        )
        if problem:
            RUN.sign_in_problem = problem
            break
        RUN.cookies[role] = session.cookies
    gevent.spawn(_conduct, environment)


def _conduct(environment: Environment) -> None:
    try:
        if not RUN.sign_in_problem:
            while RUN.started_users < CONFIG["users"]:
                gevent.sleep(0.05)
            for page in CONFIG["pages"]:
                _measure(page)
    finally:
        _write_results()
        assert environment.runner is not None
        environment.runner.quit()


def _measure(page: dict) -> None:
    seconds = float(CONFIG["seconds"])
    RUN.results[page["name"]] = {"times": [], "failures": 0}
    RUN.page = page
    gevent.sleep(min(1.0, seconds / 4))  # warm-up, not measured
    cpu_before = worker_cpu_seconds(CONFIG["server_pid"])
    client_before, database_before = time.process_time(), database_cpu_times()
    RUN.measured_from = started = time.monotonic()
    gevent.sleep(seconds)
    RUN.page = None
    deadline = time.monotonic() + DRAIN_TIMEOUT_S
    while RUN.in_flight and time.monotonic() < deadline:
        gevent.sleep(0.005)
    answered = time.monotonic()
    RUN.results[page["name"]] |= {
        "seconds": answered - started,
        "cpu_seconds": worker_cpu_seconds(CONFIG["server_pid"]) - cpu_before,
        # locust's own process (this one), and the database, over the same window
        "client_cpu_seconds": time.process_time() - client_before,
        "database_cpu_seconds": database_cpu_since(database_before),
    }
    RUN.measured_from = None


@events.request.add_listener
def _record(name: str, response_time: float, exception: BaseException | None, **_kwargs) -> None:
    since = RUN.measured_from
    if name not in PAGE_NAMES or since is None or time.monotonic() - response_time / 1000 < since:
        return  # a sign-in, a warm-up request, or one sent before the measured part began
    result = RUN.results[name]
    result["times"].append(response_time)
    result["failures"] += exception is not None


def _write_results() -> None:
    Path(os.environ["CAPACITY_RESULTS"]).write_text(
        json.dumps({"sign_in_problem": RUN.sign_in_problem, "pages": RUN.results})
    )
