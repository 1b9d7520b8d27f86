"""Tests that need a real service (PostgreSQL, pg_dump, Redis).

On a developer machine without the service such a test is skipped, saying why and how to start it. In CI
(`CI` set, as `.ci/run` runs) the services are always provided, so a missing one fails the test instead:
a test that needs PostgreSQL can never pass there as a skip.
"""

import os
import shutil

import pytest
import redis
from django.db import connection
from kombu.utils.url import maybe_sanitize_url


def unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def needs_postgresql(why: str) -> None:
    if connection.vendor != "postgresql":
        unavailable(f"needs PostgreSQL ({why}); the suite runs on it when DATABASE_URL points at one")


def needs_pg_dump() -> None:
    needs_postgresql("a pg_dump backup of the test database")
    if not shutil.which("pg_dump"):
        unavailable("needs PostgreSQL's pg_dump on the PATH")


def needs_redis(url: str) -> None:
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except redis.RedisError as error:
        unavailable(
            f"Redis is not reachable at {maybe_sanitize_url(url)} ({error}). "
            "Start it with scripts/services.sh, or point CELERY_BROKER_URL at one."
        )
