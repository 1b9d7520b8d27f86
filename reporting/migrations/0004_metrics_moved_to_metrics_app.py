"""The metric models now belong to the metrics app (metrics 0001 took them over, rows and all): they leave
reporting's state only. No SQL runs, so the tables and their rows stay."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('reporting', '0003_snapshot_unknown_count'),
        ('metrics', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name='HistoricalMetricTarget'),
                migrations.DeleteModel(name='MetricRun'),
                migrations.DeleteModel(name='MetricSnapshot'),
                migrations.DeleteModel(name='MetricTarget'),
            ],
        ),
    ]
