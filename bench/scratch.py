"""Scratch PostgreSQL databases for the benchmarks: created, dropped and marked as filled.

Each benchmark names its own prefix (`load`, `bench`, `capacity`) and refuses to create or drop a database
whose name does not start with it, so a DATABASE_URL pointing at a real database is never wiped.
"""

import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql


def database_name(url: str, prefix: str) -> str:
    name = urlsplit(url).path.lstrip("/")
    if not name.startswith(prefix):
        sys.exit(
            f"Refusing to create or drop {name!r}: the scratch database's name must start with {prefix!r}."
        )
    return name


def admin_connection(url: str) -> psycopg.Connection:
    """A connection to the server's `postgres` database, to create and drop the scratch one."""
    return psycopg.connect(urlunsplit(urlsplit(url)._replace(path="/postgres")), autocommit=True)


def drop(url: str, prefix: str) -> None:
    name = database_name(url, prefix)
    with admin_connection(url) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def create(url: str, prefix: str) -> None:
    """A new, empty database (any earlier one of that name dropped first)."""
    name = database_name(url, prefix)
    drop(url, prefix)
    with admin_connection(url) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def mark_filled(url: str, prefix: str, label: str) -> None:
    """Records on the database itself that filling it finished, so a later run may reuse it (an
    interrupted fill leaves no mark, and the next run starts again)."""
    name = database_name(url, prefix)
    with admin_connection(url) as admin:
        admin.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(name), sql.Literal(label))
        )


def filled(url: str, prefix: str) -> str | None:
    """The label `mark_filled` left, or None (no such database, or not filled to the end)."""
    name = database_name(url, prefix)
    with admin_connection(url) as admin:
        row = admin.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
    return row[0] if row else None
