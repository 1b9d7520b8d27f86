"""Events that cases sends to the apps above it: a small hook registry, so cases imports none of them.

cases stands below audits, metrics and reporting (docs/architecture.md), so it may not call them. When
something here changes what a higher app has worked out (an import makes the compliance figures stale),
cases sends an event and the higher app, which subscribed at start-up in its AppConfig.ready(), acts:

    from cases.events import records_imported

    records_imported.subscribe(metrics_recompute_on_import, uid="metrics-recompute")

An event is sent once the transaction that made the change has committed (`send_on_commit`), so a
subscriber sees the new rows, and a rolled-back import sends nothing. Subscribers run in the order they
subscribed; one that raises stops the rest and reaches the caller, as `transaction.on_commit` would.
This module imports no model, so an AppConfig module may import it at the top.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.db import transaction

Payload = TypeVar("Payload")


class Event(Generic[Payload]):
    """One kind of event: subscribers are called with its typed payload."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._subscribers: dict[str, Callable[[Payload], None]] = {}

    def subscribe(self, receiver: Callable[[Payload], None], *, uid: str) -> None:
        """Call `receiver(payload)` on each send; subscribing again under the same uid replaces it."""
        self._subscribers[uid] = receiver

    @property
    def subscribers(self) -> dict[str, Callable[[Payload], None]]:
        return dict(self._subscribers)

    def send(self, payload: Payload) -> None:
        for receiver in list(self._subscribers.values()):
            receiver(payload)

    def send_on_commit(self, payload: Payload) -> None:
        """Send once the current transaction commits (at once outside a transaction)."""
        transaction.on_commit(lambda: self.send(payload))


@dataclass(frozen=True)
class RecordsImported:
    """An import of case records committed: its batches (cases.models.ImportBatch) and who ran it."""

    batch_ids: tuple[int, ...]
    file_names: tuple[str, ...]
    user_id: int | None


# Sent by cases.importing.services.cases_import_files (the import page and `manage.py import_cases`).
records_imported: Event[RecordsImported] = Event("records_imported")
