import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from metrics.models import MetricRun, MetricSnapshot
from tests.factories import S47EnquiryFactory

# Committed transactions, as under `make run`: the run is enqueued on commit and, with no broker, runs at once.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_command_recomputes_the_snapshots_in_process_without_a_broker():
    S47EnquiryFactory.create(start_date=datetime.date(2024, 3, 4), end_date=datetime.date(2024, 3, 8))
    out = StringIO()
    call_command("recompute_metrics", stdout=out)
    run = MetricRun.objects.get()
    assert run.status == MetricRun.Status.DONE
    assert MetricSnapshot.objects.count() == run.snapshot_count > 0
    assert f"Metrics recomputed: {run.snapshot_count} snapshots." in out.getvalue()
