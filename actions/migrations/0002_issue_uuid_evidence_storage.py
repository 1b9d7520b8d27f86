# Issues are named in URLs by a UUID; evidence files go to their own storage (outside the web root).
# The UUID is added in three steps (Django's "migrations that add unique fields") so existing issues each
# get their own value.

import uuid

from django.db import migrations, models

import actions.storage


def fill_uuids(apps, schema_editor):
    PlanIssue = apps.get_model("actions", "PlanIssue")
    for issue in PlanIssue.objects.filter(uuid__isnull=True).only("pk"):
        issue.uuid = uuid.uuid4()
        issue.save(update_fields=["uuid"])


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalplanissue",
            name="uuid",
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AddField(
            model_name="planissue",
            name="uuid",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.RunPython(fill_uuids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="planissue",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name="evidence",
            name="file",
            field=models.FileField(max_length=300, storage=actions.storage.evidence_storage, upload_to=""),
        ),
    ]
