"""The metric models move here from reporting, keeping every row: this migration only tells Django's state
that metrics owns the tables reporting created (still named reporting_*), and reporting 0004 drops them from
reporting's state. No SQL runs. 0002 then renames the tables and moves the content types."""

import django.db.models.deletion
import simple_history.models
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('cases', '0001_initial'),
        ('reporting', '0003_snapshot_unknown_count'),  # the tables exist
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='HistoricalMetricTarget',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('metric', models.CharField(choices=[('s47_within_15_days', 'S47 enquiries completed within 15 working days'), ('icpc_within_15_days', 'Initial child protection conferences within 15 working days'), ('consent_recorded', 'Consent decision recorded'), ('chronology_on_file', 'Chronology on file'), ('management_oversight', 'Management oversight recorded'), ('strategy_agencies', 'Strategy discussions with police, health and social care'), ('referrer_acknowledged', 'Referrer acknowledged')], db_index=True, max_length=40)),
                        ('target_percent', models.PositiveSmallIntegerField(help_text='Green at or above this percentage.')),
                        ('amber_percent', models.PositiveSmallIntegerField(help_text='Amber at or above this percentage (and below the target); red below it.')),
                        ('updated_at', models.DateTimeField(blank=True, editable=False)),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('updated_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'reporting_historicalmetrictarget',
                        'verbose_name': 'historical metric target',
                        'verbose_name_plural': 'historical metric targets',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='MetricRun',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('status', models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('done', 'Done'), ('failed', 'Failed')], default='queued', max_length=10)),
                        ('trigger', models.CharField(choices=[('manual', 'Recalculate button'), ('import', 'After an import'), ('nightly', 'Nightly')], max_length=10)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('started_at', models.DateTimeField(blank=True, null=True)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('steps_done', models.PositiveSmallIntegerField(default=0)),
                        ('steps_total', models.PositiveSmallIntegerField(default=0)),
                        ('snapshot_count', models.PositiveIntegerField(default=0)),
                        ('error', models.TextField(blank=True)),
                        ('requested_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'reporting_metricrun',
                        'ordering': ['-created_at'],
                        'indexes': [models.Index(fields=['status', 'created_at'], name='metric_run_status_created')],
                    },
                ),
                migrations.CreateModel(
                    name='MetricSnapshot',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('metric', models.CharField(choices=[('s47_within_15_days', 'S47 enquiries completed within 15 working days'), ('icpc_within_15_days', 'Initial child protection conferences within 15 working days'), ('consent_recorded', 'Consent decision recorded'), ('chronology_on_file', 'Chronology on file'), ('management_oversight', 'Management oversight recorded'), ('strategy_agencies', 'Strategy discussions with police, health and social care'), ('referrer_acknowledged', 'Referrer acknowledged'), ('children_on_cp_plans', 'Children on child protection plans'), ('children_looked_after', 'Looked-after children'), ('turning_18_looked_after', 'Young people leaving care at 18')], max_length=40)),
                        ('source', models.CharField(choices=[('records', 'Case records'), ('audit', "Auditors' findings")], default='records', max_length=10)),
                        ('period', models.DateField(help_text='The first day of the month.')),
                        ('numerator', models.DecimalField(decimal_places=1, max_digits=12)),
                        ('denominator', models.PositiveIntegerField()),
                        ('related_count', models.PositiveIntegerField(blank=True, help_text='The count reported beside the metric (e.g. open and overdue).', null=True)),
                        ('unknown_count', models.PositiveIntegerField(default=0, help_text='Records of the month left out of the denominator: their sources did not hold the fields the metric reads (e.g. consent, for an enquiry imported from Annex A List 5 alone).')),
                        ('computed_at', models.DateTimeField()),
                        ('team', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='cases.team')),
                    ],
                    options={
                        'db_table': 'reporting_metricsnapshot',
                        'ordering': ['metric', 'source', 'period'],
                        'indexes': [models.Index(fields=['period', 'team'], name='metric_snapshot_period_team')],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('team__isnull', False)), fields=('metric', 'source', 'period', 'team'), name='metric_snapshot_unique_per_team'), models.UniqueConstraint(condition=models.Q(('team__isnull', True)), fields=('metric', 'source', 'period'), name='metric_snapshot_unique_all_teams')],
                    },
                ),
                migrations.CreateModel(
                    name='MetricTarget',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('metric', models.CharField(choices=[('s47_within_15_days', 'S47 enquiries completed within 15 working days'), ('icpc_within_15_days', 'Initial child protection conferences within 15 working days'), ('consent_recorded', 'Consent decision recorded'), ('chronology_on_file', 'Chronology on file'), ('management_oversight', 'Management oversight recorded'), ('strategy_agencies', 'Strategy discussions with police, health and social care'), ('referrer_acknowledged', 'Referrer acknowledged')], max_length=40, unique=True)),
                        ('target_percent', models.PositiveSmallIntegerField(help_text='Green at or above this percentage.')),
                        ('amber_percent', models.PositiveSmallIntegerField(help_text='Amber at or above this percentage (and below the target); red below it.')),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'reporting_metrictarget',
                        'ordering': ['metric'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('target_percent__lte', 100)), name='metric_target_at_most_100'), models.CheckConstraint(condition=models.Q(('amber_percent__lte', models.F('target_percent'))), name='metric_target_amber_not_above')],
                    },
                ),
            ],
        ),
    ]
