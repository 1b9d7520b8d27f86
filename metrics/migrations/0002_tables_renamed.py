"""The metric tables take the metrics app's names (reporting_* -> metrics_*), and their content types move
with them, so permissions, group grants and the admin's log keep pointing at the same models.

A rename is safe here: nothing holds a foreign key to these tables, their indexes and constraints have
names of their own, and PostgreSQL renames a table in place (rows, indexes and sequences stay)."""

from django.db import migrations

MODELS = ("metricsnapshot", "metrictarget", "metricrun", "historicalmetrictarget")


def _move_content_types(apps, schema_editor, *, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        moving = ContentType.objects.using(db).filter(app_label=old, model=model).first()
        if moving is None:
            continue  # a fresh database: post_migrate makes the new ones
        # Made by an earlier partial migrate's post_migrate, so it holds only its default permissions;
        # the moving row keeps the real ones (and every grant and log entry pointing at them).
        ContentType.objects.using(db).filter(app_label=new, model=model).delete()
        moving.app_label = new
        moving.save(update_fields=["app_label"])


def forwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, old="reporting", new="metrics")


def backwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, old="metrics", new="reporting")


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('metrics', '0001_initial'),
        ('reporting', '0004_metrics_moved_to_metrics_app'),
    ]

    operations = [
        migrations.AlterModelTable(name='historicalmetrictarget', table=None),
        migrations.AlterModelTable(name='metricrun', table=None),
        migrations.AlterModelTable(name='metricsnapshot', table=None),
        migrations.AlterModelTable(name='metrictarget', table=None),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
