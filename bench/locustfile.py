"""The load test's users (locust), run by bench/load.py (`make load`).

Two kinds of signed-in user, in the proportion of their weights: auditors (their audits, the case list,
their child's page, the scoring page and answer autosaves) and managers (dashboard, case lists, a child's
page and any extra pages bench/load.py found, such as action plan pages). To load another page, add a
`Page` to AUDITOR_PAGES or MANAGER_PAGES (or have bench/load.py put its URL in the config's `extra_pages`).

Each auditor edits only its own case audit's answers, sending the revision it started from as the page
does (optimistic locking), and records the last value the server accepted for each; bench/load.py then
checks every one of them is in the database. Reads its accounts from LOAD_CONFIG (JSON) and writes the
autosaves to LOAD_RESULTS (JSON).

Users sign in as production has them do, two-factor authentication included: the password, then the
code of their authenticator app (each account's TOTP key is in the config; bench/sign_in.py). With `"walk": true` in the
config each user instead opens each of its pages once (and autosaves once), then stops, and the run ends
when all have: the fast test of this path (tests/bench/test_benchmarks_run.py).
"""

import itertools
import json
import os
import random
import re
import time
from dataclasses import dataclass
from pathlib import Path

import gevent
from locust import HttpUser, between, events, task
from locust.exception import StopUser

from bench.sign_in import sign_in

CONFIG = json.loads(Path(os.environ["LOAD_CONFIG"]).read_text())
RATINGS = ("yes", "partly", "no")
SAVED: dict[tuple[str, int], str] = {}  # (case audit UUID, question id) -> the value last saved
TIMES: list[tuple[str, float, bool, bool]] = []  # (name, milliseconds, failed, all signed in) per request
LIVE = re.compile(r"Question \S+ (?:not )?saved[^<]*")
REVISION = re.compile(r'name="revision" value="(\d+)"')


# The measured minute starts once every user has signed in (the sign-ins, each a deliberately slow
# password hash, come in a burst as the users spawn) and lasts CONFIG["seconds"]; then the test stops.
@dataclass
class Steady:
    signed_in: int = 0
    since: float | None = None  # time.monotonic() once every user has signed in
    walked: int = 0


STEADY = Steady()
_accounts = {role: iter(CONFIG[role]) for role in ("auditors", "managers")}


@dataclass(frozen=True)
class Page:
    name: str  # the name locust reports it under
    path: str  # may use {case_audit} and {child} from the user's account
    weight: int = 1


AUDITOR_PAGES = [
    Page("my audits", "/audits/mine/"),
    Page("case list", "/cases/", 2),
    Page("child page", "/cases/children/{child}/"),
    Page("scoring page", "/audits/case/{case_audit}/", 2),
]
MANAGER_PAGES = [
    Page("dashboard", "/dashboard/", 3),
    Page("case list", "/cases/", 2),
    Page("children list", "/cases/children/"),
    Page("child page", "/cases/children/{child}/"),
    *(Page(page["name"], page["path"]) for page in CONFIG.get("extra_pages", [])),
]


class SignedInUser(HttpUser):
    abstract = True
    # People read a page, then answer or click: a few seconds between requests (autosave fires on change).
    wait_time = between(2.0, 6.0)
    role = ""
    pages: list[Page] = []

    def on_start(self) -> None:
        self.account = next(_accounts[self.role])
        self._weighted = [page for page in self.pages for _ in range(page.weight)]
        self._sign_in()
        if CONFIG.get("walk"):
            self.walk()
            STEADY.walked += 1
            if STEADY.walked == CONFIG["users"]:
                gevent.spawn_later(0.1, self.environment.runner.quit)
            raise StopUser()
        STEADY.signed_in += 1
        if STEADY.signed_in == CONFIG["users"]:
            STEADY.since = time.monotonic()
            gevent.spawn_later(CONFIG["seconds"], self.environment.runner.quit)

    def _sign_in(self) -> None:
        sign_in(
            self.client,
            username=self.account["username"],
            password=CONFIG["password"],
            otp_key=self.account["otp_key"],
        )

    def walk(self) -> None:
        for page in self.pages:
            self._get(page)

    def _get(self, page: Page) -> None:
        with self.client.get(
            page.path.format(**self.account), name=page.name, catch_response=True
        ) as response:
            if response.history:  # a page sent elsewhere (the sign-in or code page) was not the page timed
                response.failure(f"{page.name} redirected to {response.url}")

    @task(4)
    def browse(self) -> None:
        self._get(random.choice(self._weighted))  # noqa: S311 (not security)


class Auditor(SignedInUser):
    weight = 4
    role = "auditors"
    pages = AUDITOR_PAGES

    def on_start(self) -> None:
        self.revisions: dict[int, int] = {}
        self.values = itertools.cycle(RATINGS)
        super().on_start()

    def walk(self) -> None:
        super().walk()
        self.autosave()

    @task(5)
    def autosave(self) -> None:
        question = random.choice(self.account["questions"])  # noqa: S311
        self.revisions.setdefault(question, 0)
        value = next(self.values)
        with self.client.post(
            f"/audits/case/{self.account['case_audit']}/answer/{question}/",
            {
                "value": value,
                "text": "",
                "evidence": "",
                # Any answer the case record holds differently needs a reason; ignored where it does not.
                "override_reason": "Load test: checked against the case file",
                "revision": self.revisions[question],
            },
            headers={"HX-Request": "true", "X-CSRFToken": self.client.cookies.get("csrftoken", "")},
            name="autosave",
            catch_response=True,
        ) as response:
            if response.status_code == 200 and "saved at" in response.text:
                # As the page does: the fragment htmx swaps in carries the answer's new revision.
                revision = REVISION.search(response.text)
                self.revisions[question] = int(revision[1]) if revision else self.revisions[question] + 1
                SAVED[(self.account["case_audit"], question)] = value
            else:
                said = LIVE.search(response.text or "")
                response.failure(f"autosave answered {response.status_code}: {said[0] if said else '?'}")


class Manager(SignedInUser):
    weight = 1
    role = "managers"
    pages = MANAGER_PAGES


@events.request.add_listener
def _time(name, response_time, exception, **_kwargs) -> None:
    since = STEADY.since
    steady = since is not None and time.monotonic() - response_time / 1000 >= since
    TIMES.append((name, response_time, exception is not None, steady))


@events.test_stop.add_listener
def _write_results(**_kwargs) -> None:
    saved = [{"case_audit": ca, "question": q, "value": value} for (ca, q), value in SAVED.items()]
    Path(os.environ["LOAD_RESULTS"]).write_text(json.dumps({"saved": saved, "requests": TIMES}))
