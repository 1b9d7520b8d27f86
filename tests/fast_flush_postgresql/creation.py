"""Test databases copied from a migrated template that outlives the run.

Each pytest-xdist worker used to make its test database by running every migration (about 9 s here, on
both cores at once). Now the first run makes a template database, migrated once, named by a digest of
everything the migrations are made of: every installed app's migration files, the project modules those
import (followed from import to import), and the versions of Django and psycopg. Each worker copies it
(`CREATE DATABASE ... TEMPLATE`, a fraction of a second) and Django's own `migrate` then finds nothing to
apply. A change to any migration, or to a module one imports, gives a new digest and so a new template; the
old ones are dropped when it is made. Workers take a PostgreSQL advisory lock while one of them makes it.

`--reuse-db` keeps its meaning: an existing test database is used as it is.
"""

import ast
import hashlib
import importlib.metadata
import importlib.util
import sys
from contextlib import contextmanager, suppress
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError
from django.db.backends.base.creation import TEST_DATABASE_PREFIX
from django.db.backends.postgresql import creation

TEMPLATE_MARK = "_migrated_"
LOCK_KEY = 7_204_113  # any fixed number: the advisory lock the workers share while the template is made


def _project_modules_imported_by(sources: list[Path], root: Path) -> set[Path]:
    """The project's own module files that `sources` import, directly or through each other."""
    found: set[Path] = set()
    pending = list(sources)
    while pending:
        tree = ast.parse(pending.pop().read_text(encoding="utf-8"))
        names = [
            alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
        ]
        names += [
            node.module
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module and not node.level
        ]
        for name in names:
            top = name.split(".")[0]
            if not (root / top).is_dir() and not (root / f"{top}.py").is_file():
                continue  # not the project's
            spec = importlib.util.find_spec(name)
            origin = Path(spec.origin) if spec and spec.origin else None
            if origin and origin.suffix == ".py" and root in origin.parents and origin not in found:
                found.add(origin)
                pending.append(origin)
    return found


def migrations_digest() -> str:
    root = Path(settings.BASE_DIR).resolve()
    files: list[Path] = []
    for app in apps.get_app_configs():
        folder = Path(app.path) / "migrations"
        if folder.is_dir():
            files += sorted(folder.glob("*.py"))
    own = [path for path in files if root in path.resolve().parents and ".venv" not in path.parts]
    files += sorted(_project_modules_imported_by(own, root) - set(files))
    digest = hashlib.sha256()
    for package in ("django", "psycopg"):
        digest.update(f"{package} {importlib.metadata.version(package)}\n".encode())
    digest.update(f"python {sys.version_info[:2]}\n".encode())
    for path in files:
        digest.update(str(path.relative_to(root) if root in path.parents else path.name).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _database_exists(cursor, name: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
    return cursor.fetchone() is not None


class DatabaseCreation(creation.DatabaseCreation):
    def _test_database_name(self) -> str:
        """As Django names it (BaseDatabaseCreation._get_test_db_name)."""
        settings_dict = self.connection.settings_dict
        return settings_dict["TEST"].get("NAME") or TEST_DATABASE_PREFIX + settings_dict["NAME"]

    def create_test_db(self, verbosity=1, autoclobber=False, serialize=True, keepdb=False):
        test_name = self._test_database_name()
        with self.connection._nodb_cursor() as cursor:
            if keepdb and _database_exists(cursor, test_name):
                return super().create_test_db(verbosity, autoclobber, serialize, keepdb=True)
        # PostgreSQL cuts names at 63 bytes: the database's name is cut first, so the digest always counts.
        prefix = f"{self.connection.settings_dict['NAME'][:32]}{TEMPLATE_MARK}"
        template = f"{prefix}{migrations_digest()}"
        with self._template_lock():
            with self.connection._nodb_cursor() as cursor:
                ready = _database_exists(cursor, template)
            if not ready:
                self._make_template(template, prefix, verbosity)
            with self.connection._nodb_cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {self.connection.ops.quote_name(test_name)}")
                cursor.execute(
                    f"CREATE DATABASE {self.connection.ops.quote_name(test_name)} TEMPLATE {self.connection.ops.quote_name(template)}"
                )
        # Django's own steps on the copy: `migrate` finds every migration applied, then the snapshot.
        return super().create_test_db(verbosity, autoclobber, serialize, keepdb=True)

    @contextmanager
    def _template_lock(self):
        with self.connection._nodb_cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
            try:
                yield
            finally:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])

    def _make_template(self, template: str, prefix: str, verbosity: int) -> None:
        """Migrates a new database and renames it `template` once it is complete (an interrupted run leaves
        only the half-made one, dropped next time); older templates are dropped."""
        building = f"{template}_making"
        settings_dict = self.connection.settings_dict
        alias_settings = settings.DATABASES[self.connection.alias]
        name, test_name = settings_dict["NAME"], settings_dict["TEST"].get("NAME")
        settings_dict["TEST"]["NAME"] = building
        try:
            super().create_test_db(verbosity=max(verbosity - 1, 0), autoclobber=True, serialize=False)
        finally:
            self.connection.close()
            settings_dict["TEST"]["NAME"] = test_name
            settings_dict["NAME"] = alias_settings["NAME"] = name
        with self.connection._nodb_cursor() as cursor:
            cursor.execute(
                f"ALTER DATABASE {self.connection.ops.quote_name(building)} RENAME TO {self.connection.ops.quote_name(template)}"
            )
            cursor.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s AND datname <> %s",
                [prefix.replace("_", r"\_") + "%", template],
            )
            for (stale,) in cursor.fetchall():
                # another checkout's run copying it keeps it: it goes when a later template is made
                with suppress(DatabaseError):
                    cursor.execute(f"DROP DATABASE IF EXISTS {self.connection.ops.quote_name(stale)}")
