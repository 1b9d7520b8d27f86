"""The suite's test databases are copies of a template migrated once and named by what the migrations are
made of (tests/fast_flush_postgresql/creation.py)."""

import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.fast_flush_postgresql import creation
from tests.needs import needs_postgresql

ROOT = Path(settings.BASE_DIR).resolve()


def test_the_digest_follows_the_project_modules_a_migration_imports_and_what_they_import(tmp_path):
    # audits/0002 seeds the tool library from audits.tool_library: a change there must make a new template
    migration = ROOT / "audits" / "migrations" / "0002_tool_library.py"
    found = creation._project_modules_imported_by([migration], ROOT)
    assert ROOT / "audits" / "tool_library.py" in found
    assert all(ROOT in path.parents and ".venv" not in path.parts for path in found)

    # followed from import to import, and nothing outside the project
    (tmp_path / "first.py").write_text("import django\nfrom second import THING\n")
    (tmp_path / "second.py").write_text("from third import *\n")
    (tmp_path / "third.py").write_text("THING = 1\n")
    (tmp_path / "migration.py").write_text("from first import x\n")
    sys.path.insert(0, str(tmp_path))
    try:
        chain = creation._project_modules_imported_by([tmp_path / "migration.py"], tmp_path)
    finally:
        sys.path.remove(str(tmp_path))
    assert {path.name for path in chain} == {"first.py", "second.py", "third.py"}


def test_the_digest_changes_with_a_migration_file(monkeypatch):
    before = creation.migrations_digest()
    migration = ROOT / "cases" / "migrations" / "0001_initial.py"
    real_read_bytes = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        content = real_read_bytes(path)
        return content + b"\n# changed" if path == migration else content

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    assert creation.migrations_digest() != before


@pytest.mark.django_db
def test_this_runs_test_database_was_copied_from_the_current_template():
    needs_postgresql("the test databases are copied from a PostgreSQL template")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", [f"%{creation.TEMPLATE_MARK}%"]
        )
        templates = {row[0] for row in cursor.fetchall()}
    digest = creation.migrations_digest()
    assert any(template.endswith(f"{creation.TEMPLATE_MARK}{digest}") for template in templates), templates
