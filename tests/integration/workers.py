"""Real Celery worker processes for the integration tests: `celery -A config worker`, as in production,
against a Redis broker and this test's PostgreSQL database; and a private Redis server a test may stop.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import redis
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    """This test's database, for the worker processes."""
    params = connection.settings_dict
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    return (
        f"postgres://{params['USER']}{password}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}"
        f"/{params['NAME']}"
    )


def worker_start(
    name: str,
    log: Path,
    *,
    broker_url: str,
    queues: str,
    visibility_timeout: int,
    result_backend: str = "",
    environment: dict[str, str] | None = None,
) -> subprocess.Popen:
    """A worker named `name@<host>` consuming `queues`, one pool process, its output in `log`."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker_url,
        "CELERY_RESULT_BACKEND": result_backend,
        "CELERY_VISIBILITY_TIMEOUT": str(visibility_timeout),
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "CELERY_UNACKED_RESTORE_THROTTLE": "1",
        "DEBUG": "true",
        "DEMO_MODE": "false",
        **(environment or {}),
    }
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork", "--concurrency=1",
        f"--hostname={name}@%h", f"--queues={queues}", "--without-gossip", "--without-mingle",
        "--without-heartbeat", "--loglevel=INFO",
    ]  # fmt: skip
    # Its own process group, so the test can kill the worker and its pool child together.
    return subprocess.Popen(  # noqa: S603 (a fixed command line)
        command, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True
    )


def worker_kill(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)


def wait_until(condition: Callable[[], bool], seconds: float, what: str, *logs: Path) -> None:
    """Polls `condition` until it holds; fails saying `what` did not happen, with the end of each log."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    shown = "\n".join(f"--- {log.name}:\n{log.read_text()[-4000:]}" for log in logs if log.exists())
    pytest.fail(f"{what} within {seconds} s.\n{shown}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A redis-server of the test's own on a free port, its append-only file in `folder`: stopped with
    SHUTDOWN (which writes the file out) and started again on the same port, it has the data it had."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [
            "redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder),
            "--appendonly", "yes", "--appendfsync", "always", "--save", "", "--protected-mode", "no",
        ]  # fmt: skip
        log = (self.folder / "redis.log").open("ab")
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        wait_until(self._answers, 10, "the private Redis did not start", self.folder / "redis.log")

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_connect_timeout=2, socket_timeout=5)

    def _answers(self) -> bool:
        try:
            return bool(self.client().ping())
        except redis.ConnectionError:
            return False

    def shutdown(self) -> None:
        """SHUTDOWN, as `redis-cli shutdown` or a container stop does: the server ends its connections."""
        assert self.process is not None
        with contextlib.suppress(redis.ConnectionError):  # the server closes the connection as it exits
            self.client().shutdown()
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
