"""`make restore-check`: a backup taken with pg_dump restores into an identical database.

1. The source: the database at --database-url (read only), or by default a scratch database
   (restore_check_source) that this script fills with migrations and the demo set.
2. `pg_dump --format=custom` of the source, as docs/operations.md says to take backups.
3. `pg_restore` into a second scratch database (restore_check_copy, or <name>_restore_copy).
4. Compares the row count of every table in both, and the restored copy's migrations with the source's.

Prints each table that differs, then `restore_check: ok` (exit 0) or `restore_check: failed` (exit 1).
Both scratch databases are dropped afterwards; a source given by --database-url is never changed.

    python scripts/restore_check.py [--database-url postgres://.../casetrack] [--children 300]
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
SERVER = os.environ.get("RESTORE_CHECK_SERVER", "postgres://postgres@127.0.0.1:5432")
SOURCE_NAME, COPY_NAME = "restore_check_source", "restore_check_copy"


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="Check a backup of this database instead of a demo one.")
    parser.add_argument("--children", type=int, default=300, help="Size of the demo set (default source).")
    return parser.parse_args()


def _with_name(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def _admin(url: str):
    import psycopg

    return psycopg.connect(_with_name(url, "postgres"), autocommit=True)


def _recreate(url: str, *, create: bool = True) -> None:
    from psycopg import sql

    name = urlsplit(url).path.lstrip("/")
    assert name in (SOURCE_NAME, COPY_NAME) or name.endswith("_restore_copy"), name  # only the scratch ones
    with _admin(url) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if create:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _fill(url: str, children: int) -> None:
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "true", "DEMO_MODE": "false", "CELERY_BROKER_URL": ""}
    for command in (["migrate", "--noinput", "-v0"], ["load_demo", f"--children={children}"]):
        subprocess.run(  # noqa: S603 (fixed command)
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
        )


def _libpq(url: str) -> dict:
    """pg_dump and pg_restore take the connection from the environment (no password on the command line)."""
    parts = urlsplit(url)
    env = {**os.environ, "PGHOST": parts.hostname or "127.0.0.1", "PGPORT": str(parts.port or 5432)}
    env["PGUSER"] = parts.username or "postgres"
    if parts.password:
        env["PGPASSWORD"] = parts.password
    return env


def _dump(url: str, path: Path) -> None:
    name = urlsplit(url).path.lstrip("/")
    subprocess.run(  # noqa: S603
        ["pg_dump", "--format=custom", "--no-owner", f"--file={path}", name],  # noqa: S607 (PATH's pg_dump)
        env=_libpq(url),
        check=True,
    )


def _restore(url: str, path: Path) -> None:
    name = urlsplit(url).path.lstrip("/")
    subprocess.run(  # noqa: S603
        ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={name}", str(path)],  # noqa: S607
        env=_libpq(url),
        check=True,
    )


def _counts(url: str) -> dict[str, int]:
    import psycopg
    from psycopg import sql

    with psycopg.connect(url) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        return {
            table: connection.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            ).fetchall()[0][0]
            for table in tables
        }


def main() -> int:
    arguments = _arguments()
    made_source = arguments.database_url is None
    source = arguments.database_url or _with_name(SERVER, SOURCE_NAME)
    copy = (
        _with_name(source, urlsplit(source).path.lstrip("/")[:40] + "_restore_copy")
        if arguments.database_url
        else _with_name(SERVER, COPY_NAME)
    )
    work = Path(tempfile.mkdtemp(prefix="restore-check-"))
    try:
        if made_source:
            _recreate(source)
            _fill(source, arguments.children)
        _recreate(copy)
        backup = work / "backup.dump"
        _dump(source, backup)
        print(f"restore_check_backup_bytes: {backup.stat().st_size}")
        _restore(copy, backup)
        before, after = _counts(source), _counts(copy)
        differences = [
            f"  {table}: {before.get(table)} rows in the source, {after.get(table)} in the restored copy"
            for table in sorted(set(before) | set(after))
            if before.get(table) != after.get(table)
        ]
        print(f"restore_check_tables: {len(before)}")
        print(f"restore_check_rows: {sum(before.values())}")
        for line in differences:
            print(line)
        ok = not differences and len(before) > 0 and sum(before.values()) > 0
        print(f"restore_check: {'ok' if ok else 'failed'}")
        return 0 if ok else 1
    finally:
        _recreate(copy, create=False)
        if made_source:
            _recreate(source, create=False)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
