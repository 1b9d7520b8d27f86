"""`make restore-check` (scripts/restore_check.py) on the test database: dump, restore, same row counts."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.factories import S47EnquiryFactory
from tests.needs import needs_pg_dump

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _url() -> str:
    params = connection.settings_dict
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    host, port = params["HOST"] or "127.0.0.1", params["PORT"] or 5432
    return f"postgres://{params['USER']}{password}@{host}:{port}/{params['NAME']}"


def test_a_backup_of_the_database_restores_with_every_row():
    needs_pg_dump()
    S47EnquiryFactory.create_batch(3)

    result = subprocess.run(  # noqa: S603
        [sys.executable, "scripts/restore_check.py", "--database-url", _url()],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == "restore_check: ok"
    assert int(next(line for line in lines if line.startswith("restore_check_rows:")).split(": ")[1]) > 3
