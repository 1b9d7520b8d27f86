"""cases' hook registry (cases/events.py): an import tells the apps above it, once it has committed."""

from unittest import mock

import pytest
from django.db import transaction

from cases import events
from cases.importing import cases_import, cases_import_files
from cases.models import ImportBatch
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
        )
    ]


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
    delay.assert_called_once_with(trigger="import")
