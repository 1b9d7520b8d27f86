"""Personas as fixtures (STYLE.md): one user per role, plus an outsider with no role; and the rows the data
migrations made (roles, audit tools, ...) put back after every test that empties the tables."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connections, transaction
from psycopg import sql

from common import roles
from tests.browser_fixtures import assert_accessible, axe, browser, page  # noqa: F401  (fixtures)
from tests.factories import UserFactory
from tests.static_files import production_static  # noqa: F401  (fixture)

# A transactional test (live server, real worker, transaction=True) ends by emptying every table, rows of the
# data migrations too. pytest-django runs those tests last, but under pytest-xdist a worker may still run
# other tests after one, so each test that empties the tables is followed here by the database as migrated:
# no test depends on where it falls in the order. (`serialized_rollback=True` restores only before its own
# test.) After the last test it is restored too, for the next run with --reuse-db (`make test-fast`).
_MIGRATED = pytest.StashKey[dict]()


def _empties_tables(item: pytest.Item) -> bool:
    """The test ran as a TransactionTestCase (pytest-django's own rule), so its teardown flushed every table."""
    marker = item.get_closest_marker("django_db")
    if marker is not None:
        transaction = marker.kwargs.get("transaction", marker.args[0] if marker.args else False)
        if transaction or marker.kwargs.get("reset_sequences"):
            return True
    fixtures = getattr(item, "fixturenames", ())
    return any(name in fixtures for name in ("transactional_db", "live_server", "django_db_reset_sequences"))


def _copy_of(connection) -> dict:
    """PostgreSQL: the rows of every table holding any, as COPY gives them, and the id sequences of those."""
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    rows, sequences = {}, []
    with connection.cursor() as cursor:
        for table in tables:
            with cursor.copy(sql.SQL("COPY {} TO STDOUT").format(sql.Identifier(table))) as copy:
                data = b"".join(bytes(block) for block in copy)
            if data:
                rows[table] = data
                sequences += connection.introspection.get_sequences(cursor, table)
    return {"tables": tables, "rows": rows, "sequences": sequences}


def _put_back(connection, copy: dict) -> None:
    """PostgreSQL: the tables holding any row emptied, then the copied rows put back, in one transaction (the
    foreign-key checks deferred to its commit)."""
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        tables = copy["tables"]
        exists = sql.SQL("EXISTS (SELECT 1 FROM {})")
        cursor.execute(
            sql.SQL("SELECT {}").format(sql.SQL(", ").join(exists.format(sql.Identifier(t)) for t in tables))
        )
        for table, holds_rows in zip(tables, cursor.fetchone(), strict=True):
            if holds_rows:
                cursor.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(table)))
        for table, data in copy["rows"].items():
            with cursor.copy(sql.SQL("COPY {} FROM STDIN").format(sql.Identifier(table))) as stream:
                stream.write(data)
        # Each put-back table's next id follows its last row, as after loaddata. (Flushing with the sequences
        # reset and deserializing, as this did before, left them at 1: below the rows put back.)
        if copy["sequences"]:
            setval = sql.SQL("setval({}, (SELECT MAX({}) FROM {}))")
            cursor.execute(
                sql.SQL("SELECT {}").format(
                    sql.SQL(", ").join(
                        setval.format(
                            sql.Literal(connection.ops.quote_name(s["name"])),
                            sql.Identifier(s["column"]),
                            sql.Identifier(s["table"]),
                        )
                        for s in copy["sequences"]
                    )
                )
            )


def _sequences_follow_rows(connection) -> None:
    """Each table's id sequence set past its highest id. Restoring the rows with their ids does not move the
    sequences (the flush before it restarts them at 1), so the next row a test adds to a table the data
    migrations fill (an audit tool, a section, a question) would otherwise take a restored row's id."""
    statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models())
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def _restore_if_emptied(config: pytest.Config) -> None:
    state = config.stash.get(_MIGRATED, None)
    if not state or not state["emptied"]:
        return
    with state["blocker"].unblock():
        for alias, copy in state["copies"].items():
            _put_back(connections[alias], copy)
        for alias, snapshot in state["snapshots"].items():
            # Emptied again without post_migrate (a flush without serialized_rollback re-creates content types
            # and permissions under new ids), then loaded exactly as migrated.
            call_command("flush", verbosity=0, interactive=False, database=alias, inhibit_post_migrate=True)
            connections[alias].creation.deserialize_db_from_string(snapshot)
            _sequences_follow_rows(connections[alias])
    state["emptied"] = False


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, request):
    """pytest-django's test databases, and a snapshot of each as migrated: taken here, as Django takes one only
    when a collected test asks for serialized_rollback, and kept apart from the connection objects, which
    Playwright's greenlet replaces. On PostgreSQL the snapshot is a COPY of each table holding rows, put
    back in a few statements rather than object by object (elsewhere, Django's serialization).

    As the rows are put back after every test that empties the tables, each test starts from the database
    as migrated: serialized_rollback's own copy, which Django would save again over the same rows before
    each such test, is left empty (it still spares its test's flush the post_migrate signal)."""
    with django_db_blocker.unblock():
        for connection in connections.all():
            _sequences_follow_rows(connection)  # a database reused from a run that left them behind
        copies = {
            connection.alias: _copy_of(connection)
            for connection in connections.all()
            if connection.vendor == "postgresql"
        }
        snapshots = {
            connection.alias: getattr(connection, "_test_serialized_contents", None)
            or connection.creation.serialize_db_to_string()
            for connection in connections.all()
            if connection.alias not in copies
        }
        for connection in connections.all():
            # Django's test-database snapshot is private: django-stubs leave it out
            connection._test_serialized_contents = "[]"  # type: ignore[attr-defined]
    request.config.stash[_MIGRATED] = {
        "blocker": django_db_blocker,
        "snapshots": snapshots,
        "copies": copies,
        "emptied": False,
    }
    yield
    # Before pytest-django drops (or, with --reuse-db, keeps) the databases.
    _restore_if_emptied(request.config)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    if _MIGRATED in item.config.stash and _empties_tables(item):
        item.config.stash[_MIGRATED]["emptied"] = True
    result = yield
    # Without a next test the session fixtures have just been torn down, restoring first (above).
    if nextitem is not None:
        _restore_if_emptied(item.config)
    return result


@pytest.fixture
def administrator(db):
    return UserFactory(username="admin-alex", roles=[roles.ADMINISTRATOR])


@pytest.fixture
def manager(db):
    return UserFactory(username="manager-mo", roles=[roles.MANAGER])


@pytest.fixture
def auditor(db):
    return UserFactory(username="auditor-ash", roles=[roles.AUDITOR])


@pytest.fixture
def moderator(db):
    return UserFactory(username="moderator-max", roles=[roles.MODERATOR])


@pytest.fixture
def report_officer(db):
    return UserFactory(username="reports-rae", roles=[roles.REPORT_OFFICER])


@pytest.fixture
def partner_auditor(db):
    return UserFactory(username="partner-pat", roles=[roles.PARTNER_AUDITOR])


@pytest.fixture
def panel_member(db):
    return UserFactory(username="panel-pip", roles=[roles.PANEL_MEMBER])


@pytest.fixture
def practitioner(db):
    return UserFactory(username="practitioner-pia", roles=[roles.PRACTITIONER])


@pytest.fixture
def outsider(db):
    return UserFactory(username="outsider-oz")


@pytest.fixture
def persona(request, db):
    """Indirect parametrisation by persona name: @pytest.mark.parametrize("persona", [...], indirect=True)."""
    return request.getfixturevalue(request.param)
