"""The recomputation task moved from reporting.tasks to metrics.tasks: periodic tasks stored by
django_celery_beat's database scheduler (set up in the admin, or synced from config/schedule.py) take the
new name, so beat does not queue a task no worker knows."""

from django.db import migrations

OLD = "reporting.tasks.metrics_recompute_task"
NEW = "metrics.tasks.metrics_recompute_task"


def _rename(apps, schema_editor, *, old: str, new: str) -> None:
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.using(schema_editor.connection.alias).filter(task=old).update(task=new)


def forwards(apps, schema_editor):
    _rename(apps, schema_editor, old=OLD, new=NEW)


def backwards(apps, schema_editor):
    _rename(apps, schema_editor, old=NEW, new=OLD)


class Migration(migrations.Migration):

    dependencies = [
        ('django_celery_beat', '0019_alter_periodictasks_options'),
        ('metrics', '0002_tables_renamed'),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
