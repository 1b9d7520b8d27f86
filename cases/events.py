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

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from django.db import models, transaction

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


# Per model written ("cases.s47enquiry"), the earliest date any of its written rows held, before or after
# the change (None: rows were written, none holding a date). A figure for a month before that date cannot
# have changed: a record counts in months on or after its dates (started, due, completed, in force).
Earliest = dict[str, datetime.date | None]


def earliest_dates(rows: Iterable[models.Model]) -> Earliest:
    """The earliest date (not date and time) each model's rows hold in any field; a model whose rows hold
    none is left out."""
    found: Earliest = {}
    for row in rows:
        label = row._meta.label_lower
        for f in row._meta.concrete_fields:
            if not isinstance(f, models.DateField) or isinstance(f, models.DateTimeField):
                continue
            day = getattr(row, f.attname)
            if isinstance(day, datetime.date):
                known = found.get(label)
                found[label] = day if known is None else min(known, day)
    return found


@dataclass(frozen=True)
class RecordsImported:
    """An import of case records committed: its batches (cases.models.ImportBatch), who ran it, and the
    earliest date per model it wrote (`Earliest`: what a subscriber's figures must refresh)."""

    batch_ids: tuple[int, ...]
    file_names: tuple[str, ...]
    user_id: int | None
    since: Earliest = field(default_factory=dict)


# Sent by cases.importing.services.cases_import_files (the import page and `manage.py import_cases`).
records_imported: Event[RecordsImported] = Event("records_imported")
