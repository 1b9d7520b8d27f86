"""Writes to case records."""

import logging

from cases.models import S47Enquiry, s47_target_date

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
