"""cases' hook registry (cases/events.py): an import tells the apps above it, once it has committed."""

import datetime
from unittest import mock

import pytest
from django.apps import apps
from django.db import transaction
from django.db.models import DateField

from cases import events
from cases.importing import cases_import, cases_import_files
from cases.models import Child, ImportBatch
from metrics.models import MetricRun
from tests.cases.test_importing import GOOD_EXAMPLES, _annex_csv, _annex_row, _examples

pytestmark = pytest.mark.django_db


@pytest.fixture
def received(monkeypatch) -> list[events.RecordsImported]:
    """Only this test's subscriber hears the event (the metrics recomputation is tested on its side)."""
    got: list[events.RecordsImported] = []
    monkeypatch.setattr(events.records_imported, "_subscribers", {})
    events.records_imported.subscribe(got.append, uid="test")
    return got


def test_an_import_sends_records_imported_once_after_it_commits(
    received, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = cases_import_files(files=_examples(GOOD_EXAMPLES), user=manager)
        assert received == []  # nothing is sent while the import's transaction is open
    for callback in callbacks:
        callback()
    batches = ImportBatch.objects.order_by("pk")
    assert result.ok and received == [
        events.RecordsImported(
            batch_ids=tuple(batches.values_list("pk", flat=True)),
            file_names=tuple(GOOD_EXAMPLES),
            user_id=manager.pk,
            since=received[0].since,
        )
    ]
    # Every row is new: the earliest date each model's rows hold, read back from the database.
    written = {"cases.child", "cases.referral", "cases.strategydiscussion", "cases.s47enquiry"}
    assert written <= set(received[0].since)
    for label in written:
        model = apps.get_model(label)
        dates = [f.name for f in model._meta.concrete_fields if type(f) is DateField]
        earliest = min(day for row in model.objects.values_list(*dates) for day in row if day is not None)
        assert received[0].since[label] == earliest, label


def test_an_update_names_the_dates_the_rows_held_before_it_too(received, django_capture_on_commit_callbacks):
    """A child's date of birth corrected to a later one stales the months of the old date as well as the
    new one; an import that changes nothing names no model."""
    corrected = {"Date of Birth": "01/05/2013"}
    with django_capture_on_commit_callbacks(execute=True):
        for row in (_annex_row(), _annex_row(**corrected), _annex_row(**corrected)):
            assert cases_import(file_name="list5.csv", content=_annex_csv(row), user=None).ok
    first, update, unchanged = (event.since for event in received)
    assert first["cases.child"] == datetime.date(2012, 5, 1)
    assert Child.objects.get().date_of_birth == datetime.date(2013, 5, 1)
    assert update == {"cases.child": datetime.date(2012, 5, 1)}  # as it was before the update
    assert unchanged == {}


def test_an_import_with_a_bad_row_sends_nothing(received, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        result = cases_import(
            file_name="bad.csv", content=_annex_csv(_annex_row(**{"Date of Birth": "2012/05/01"})), user=None
        )
    assert not result.ok and received == []


def test_a_rolled_back_transaction_sends_nothing(received, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        events.records_imported.send_on_commit(events.RecordsImported((), (), None))
        raise RuntimeError("the import failed")
    assert received == [] and callbacks == []


def test_subscribers_are_called_in_order_and_subscribing_again_replaces():
    event: events.Event[str] = events.Event("test")
    calls = []
    event.subscribe(lambda payload: calls.append(("first", payload)), uid="a")
    event.subscribe(lambda payload: calls.append(("second", payload)), uid="b")
    event.subscribe(lambda payload: calls.append(("first again", payload)), uid="a")
    event.send("x")
    assert calls == [("first again", "x"), ("second", "x")]


def test_the_metrics_recomputation_subscribes_at_start_up():
    """reporting/apps.py (metrics/apps.py once the metrics app lands) subscribes in AppConfig.ready()."""
    assert "metrics-recompute" in events.records_imported.subscribers


def test_the_subscriber_enqueues_the_recomputation_after_an_import(
    manager, django_capture_on_commit_callbacks
):
    with (
        mock.patch("metrics.tasks.metrics_recompute_task.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        cases_import_files(files=_examples(GOOD_EXAMPLES), user=manager)
    (run,) = MetricRun.objects.all()
    delay.assert_called_once_with(run.pk)
    assert (run.trigger, run.requested_by, run.status) == (
        MetricRun.Trigger.IMPORT,
        manager,
        MetricRun.Status.QUEUED,
    )
    assert run.since["cases.s47enquiry"] and run.refresh_from is not None  # a refresh from that month
