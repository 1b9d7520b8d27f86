"""Writes to case records."""

import logging

from django.db.models import F, Q, QuerySet

from cases.models import MATCH_KEY_FIELDS, Child, S47Enquiry, match_keys, s47_target_date

logger = logging.getLogger(__name__)


def s47_targets_refresh() -> int:
    """Bring every stored S47 target date in line with the working-day calendar; return the rows changed.

    Targets are stored so metrics can compare dates in the database, and a bank holiday announced after
    records were saved (8 May 2023) moves the targets of enquiries started in the weeks before it.

    One query reads the distinct (start date, stored target) pairs; each start date's target is computed
    once, and only start dates with a wrong target get an UPDATE. Each UPDATE is right on its own
    (it sets the target from the row's own start date), so no transaction wraps the run: a long one would
    hold row locks against imports, and an interrupted run is finished by the next. The target is derived,
    not entered by anyone, so `update()` writes no history rows for it.
    """
    stored = S47Enquiry.objects.order_by().values_list("start_date", "target_date").distinct()
    wrong_starts = {start for start, target in stored if target != s47_target_date(start)}
    changed = 0
    for start in sorted(wrong_starts):
        target = s47_target_date(start)
        changed += (
            S47Enquiry.objects.filter(start_date=start).exclude(target_date=target).update(target_date=target)
        )
    if changed:
        logger.info("S47 targets refreshed: %d enquiries across %d start dates.", changed, len(wrong_starts))
    return changed


KEYS_BATCH = 2000


def children_with_stale_match_keys() -> QuerySet[Child]:
    """Children whose name or ID changed since their match keys were made (a bulk write skips save())."""
    return Child.objects.filter(~Q(keyed_name=F("name")) | ~Q(keyed_child_id=F("child_id")))


def child_match_keys_refresh() -> int:
    """Make the match keys of every child whose name or ID changed without them; return how many.

    Called after bulk writes (an import, the demo's loader); the name guard also reads stale rows
    itself, so a write path that forgets this call leaves the guard right, only slower. The keys are
    derived, not entered by anyone, so no history rows are written for them."""
    changed = 0
    while batch := list(children_with_stale_match_keys().only("pk", "name", "child_id")[:KEYS_BATCH]):
        for child in batch:
            child.__dict__.update(match_keys(child.name, child.child_id))
        Child.objects.bulk_update(batch, MATCH_KEY_FIELDS)
        changed += len(batch)
    if changed:
        logger.info("Match keys made for %d children.", changed)
    return changed
