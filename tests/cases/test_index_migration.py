"""cases 0005 builds its indexes on a populated table: concurrently on PostgreSQL (outside a transaction),
plainly on SQLite, and back again (common.migration_operations)."""

import datetime

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Index

from cases.models import S47Enquiry
from common.migration_operations import AddIndexConcurrently
from tests.factories import S47EnquiryFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("cases", "0004_child_name_match_keys")]
AFTER = [("cases", "0005_keyset_and_late_or_open_indexes")]
NEW = {
    "s47_start_date_keyset",
    "s47_end_date_keyset",
    "s47_icpc_date_keyset",
    "s47_late_or_open",
    "referral_received_keyset",
    "strategy_date_keyset",
}


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _indexes() -> set[str]:
    with connection.cursor() as cursor:
        names = set()
        for table in ("cases_s47enquiry", "cases_referral", "cases_strategydiscussion"):
            names |= set(connection.introspection.get_constraints(cursor, table))
    return names


def _invalid_indexes() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexrelid::regclass::text FROM pg_index WHERE NOT indisvalid OR NOT indisready"
        )
        return [row[0] for row in cursor.fetchall()]


def test_the_indexes_are_built_on_a_populated_table_and_dropped_going_back():
    _migrate(BEFORE)
    assert not NEW & _indexes()
    day = datetime.date(2024, 3, 4)
    for number in range(30):
        S47EnquiryFactory.create(
            start_date=day + datetime.timedelta(days=number),
            end_date=None if number % 3 else day + datetime.timedelta(days=number + 40),
        )

    _migrate(AFTER)

    assert _indexes() >= NEW
    assert S47Enquiry.objects.count() == 30
    if connection.vendor == "postgresql":
        assert not _invalid_indexes()
    _migrate(BEFORE)
    assert not NEW & _indexes()
    _migrate(AFTER)
    assert _indexes() >= NEW


def test_postgresql_builds_an_index_concurrently_only_outside_a_transaction_and_sqlite_anywhere():
    """Inside a transaction, PostgreSQL would refuse CREATE INDEX CONCURRENTLY: the operation says what
    the migration needs instead. SQLite builds the index plainly there too."""
    from django.apps import apps
    from django.db.migrations.state import ProjectState

    operation = AddIndexConcurrently("s47enquiry", Index(fields=["outcome"], name="s47_outcome_test"))
    state = ProjectState.from_apps(apps)
    after = state.clone()
    operation.state_forwards("cases", after)
    if connection.vendor == "postgresql":
        with (
            transaction.atomic(),
            connection.schema_editor(atomic=False) as editor,
            pytest.raises(RuntimeError, match="atomic = False"),
        ):
            operation.database_forwards("cases", editor, state, after)
        assert "s47_outcome_test" not in _indexes()
    else:
        with connection.schema_editor() as editor:  # SQLite's is a transaction of its own
            operation.database_forwards("cases", editor, state, after)
        assert "s47_outcome_test" in _indexes()
        with connection.schema_editor() as editor:
            operation.database_backwards("cases", editor, after, state)
        assert "s47_outcome_test" not in _indexes()
