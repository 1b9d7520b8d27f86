"""Small-number suppression for the benchmark packs councils exchange (metrics.benchmark), the way
official statistics do it (DfE's Children in Need and Looked-after children releases): a count from 1 to
4 is shown as "fewer than 5", and no figure published beside it may give it away by subtraction.

Pure functions, no ORM. Hidden values are `None` in a pack. The rules, per kind of figure:

- A compliance figure (met of total, one measure and month) is hidden as a whole when its met, its not
  met or its total is from 1 to 4: publishing the total alone would give "not met" away from the met
  count of a measure with the same denominator (three S47 measures share "enquiries completed").
- A count (children on plans, looked after) is hidden when it is from 1 to 4.
- An audit question's answer counts (Yes, Partly, No, Not applicable over the pack's months) are hidden
  as a whole row when any of them is from 1 to 4: its total is known from the other questions every case
  is asked, so hiding one cell alone would let it be worked out by subtraction. A question asked only
  where an earlier one's answer holds (`applies_if`) has the count of those answers as its total, so the
  rows of its dependants are hidden with it (`hide_with_gates`).

tests/metrics/test_suppression.py attacks each rule with hypothesis: every original consistent with
what was published leaves each hidden count at least two possible values.
"""

from collections.abc import Mapping, Sequence

THRESHOLD = 5  # counts from 1 to THRESHOLD - 1 are hidden
ANSWER_KEYS = ("yes", "partly", "no", "na")
FEWER_THAN = f"fewer than {THRESHOLD}"


def is_small(count: int) -> bool:
    return 0 < count < THRESHOLD


def compliance(met: int, total: int) -> tuple[int, int] | None:
    """(met, total) as published, or None where it is hidden."""
    if is_small(met) or is_small(total) or is_small(total - met):
        return None
    return met, total


def count(value: int) -> int | None:
    return None if is_small(value) else value


def answer_row(counts: Mapping[str, int]) -> dict[str, int] | None:
    """One question's answer counts as published, or None where the row is hidden."""
    row = {key: int(counts.get(key, 0)) for key in ANSWER_KEYS}
    if any(is_small(value) for value in row.values()):
        return None
    return row


def hide_with_gates(rows: Sequence[dict | None], gates: Sequence[int | None]) -> list[dict | None]:
    """Rows with each question's dependants hidden where its own row is hidden: `gates[i]` is the index
    of the question question i is asked after (`applies_if`), or None. Repeated until nothing changes,
    so chains of any depth are hidden whatever order the questions come in."""
    published = list(rows)
    changed = True
    while changed:
        changed = False
        for index, gate in enumerate(gates):
            if gate is not None and published[gate] is None and published[index] is not None:
                published[index] = None
                changed = True
    return published


def display(value: int | None) -> str:
    return FEWER_THAN if value is None else str(value)
