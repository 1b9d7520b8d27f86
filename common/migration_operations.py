"""Schema operations for migrations that must run on a populated database.

`AddIndexConcurrently` / `RemoveIndexConcurrently`: on PostgreSQL, CREATE (DROP) INDEX CONCURRENTLY, which
builds the index without locking the table against writes (an import or a recomputation goes on while
an index over ten million enquiries is built, a minute or so); elsewhere (SQLite, the demo) a plain
CREATE INDEX, which on a demo-sized table takes no time. Django's own operations of these names
(django.contrib.postgres.operations) refuse to run on anything but PostgreSQL.

A migration using them sets `atomic = False`: PostgreSQL builds an index concurrently only outside a
transaction. A build that fails (a server restart) leaves an INVALID index behind: `DROP INDEX` it and
migrate again (docs/operations.md, "Indexes over ten million enquiries").
"""

from django.db import migrations


def _concurrently(schema_editor) -> bool:
    if schema_editor.connection.vendor != "postgresql":
        return False
    if schema_editor.connection.in_atomic_block:
        raise RuntimeError("Building an index concurrently needs a migration with atomic = False.")
    return True


class AddIndexConcurrently(migrations.AddIndex):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            if _concurrently(schema_editor):
                schema_editor.add_index(model, self.index, concurrently=True)
            else:
                schema_editor.add_index(model, self.index)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            if _concurrently(schema_editor):
                schema_editor.remove_index(model, self.index, concurrently=True)
            else:
                schema_editor.remove_index(model, self.index)


class RemoveIndexConcurrently(migrations.RemoveIndex):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            index = from_state.models[app_label, self.model_name_lower].get_index_by_name(self.name)
            if _concurrently(schema_editor):
                schema_editor.remove_index(model, index, concurrently=True)
            else:
                schema_editor.remove_index(model, index)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            index = to_state.models[app_label, self.model_name_lower].get_index_by_name(self.name)
            if _concurrently(schema_editor):
                schema_editor.add_index(model, index, concurrently=True)
            else:
                schema_editor.add_index(model, index)
