"""The suite's PostgreSQL backend (config/settings_test.py): Django's own, except in how it empties the tables
and how it makes the test databases (copies of a migrated template: creation.py).

Every live-server, real-worker and transaction=True test ends with Django emptying every table. Django's
PostgreSQL backend does it with one TRUNCATE of all of them, which gives each of the ~80 tables and their
indexes new files: over a second a time here. Deleting the rows of tables that hold a handful each takes a
tenth of that. The foreign keys Django makes are deferrable, so with the checks deferred to the commit the
tables may be emptied in any order, as TRUNCATE allows. A flush that resets the sequences or cascades beyond
the tables named (neither used by the suite) is still Django's TRUNCATE.
"""

from django.db.backends.postgresql import base, operations

from tests.fast_flush_postgresql.creation import DatabaseCreation


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if not tables or reset_sequences or allow_cascade:
            return super().sql_flush(
                style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        return [
            f"{style.SQL_KEYWORD('SET CONSTRAINTS ALL DEFERRED')};",
            *(
                f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};"
                for table in tables
            ),
        ]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
    creation_class = DatabaseCreation
