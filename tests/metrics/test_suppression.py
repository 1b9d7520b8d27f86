"""Small-number suppression in benchmark packs, attacked: for what a pack publishes, an attacker lists
every original that would have published the same, and each hidden count from 1 to 4 must keep at least
two possible values (so no combination of published figures gives it away)."""

import functools
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from metrics import suppression
from metrics.suppression import ANSWER_KEYS


def test_a_count_from_1_to_4_is_hidden_and_0_or_5_is_not():
    assert [suppression.count(n) for n in range(7)] == [0, None, None, None, None, 5, 6]
    assert suppression.display(None) == "fewer than 5"


def test_a_compliance_figure_is_hidden_where_met_not_met_or_total_is_small():
    """13 of 18 published; 3 of 18 (3 met), 15 of 18 (3 not met) and 2 of 2 hidden; 0 of 7 published."""
    assert suppression.compliance(13, 18) == (13, 18)
    assert suppression.compliance(3, 18) is None
    assert suppression.compliance(15, 18) is None
    assert suppression.compliance(2, 2) is None
    assert suppression.compliance(0, 7) == (0, 7)
    assert suppression.compliance(0, 0) == (0, 0)


def test_an_answer_row_with_one_small_cell_is_hidden_whole():
    assert suppression.answer_row({"yes": 12, "partly": 0, "no": 6, "na": 5}) == {
        "yes": 12,
        "partly": 0,
        "no": 6,
        "na": 5,
    }
    assert suppression.answer_row({"yes": 12, "partly": 2, "no": 6, "na": 5}) is None


def test_a_question_asked_after_a_hidden_one_is_hidden_too_down_the_chain():
    """Q2 is asked after Q1 and Q3 after Q2: Q1 hidden hides both; Q4 (no gate) stays."""
    row = {"yes": 5, "partly": 0, "no": 0, "na": 0}
    published = suppression.hide_with_gates([None, row, row, row], [None, 0, 1, None])
    assert published == [None, None, None, row]


@given(met=st.integers(0, 40), extra=st.integers(0, 40))
def test_no_hidden_compliance_count_is_pinned_even_when_the_total_is_known(met, extra):
    """The worst case: the total is published by another measure of the same denominator (three S47
    measures count the same enquiries), so the attacker knows it and tries every met count."""
    total = met + extra
    if suppression.compliance(met, total) is not None:
        return
    candidates = [m for m in range(total + 1) if suppression.compliance(m, total) is None]
    if suppression.is_small(met):
        assert len(set(candidates)) >= 2
    if suppression.is_small(total - met):
        assert len({total - m for m in candidates}) >= 2


@functools.cache
def _rows_summing_to(total: int) -> tuple[tuple[int, ...], ...]:
    return tuple(
        row for row in itertools.product(range(total + 1), repeat=len(ANSWER_KEYS)) if sum(row) == total
    )


def _publish(parent: tuple[int, ...], child: tuple[int, ...]) -> list:
    rows = [suppression.answer_row(dict(zip(ANSWER_KEYS, row, strict=True))) for row in (parent, child)]
    return suppression.hide_with_gates(rows, [None, 0])


@settings(max_examples=60, deadline=None)
@given(
    parent=st.tuples(*[st.integers(0, 7)] * 4).filter(lambda row: sum(row) <= 9),
    gate=st.sets(st.sampled_from(range(4)), min_size=1),
    child_split=st.lists(st.integers(0, 3), min_size=12, max_size=12),
)
def test_no_hidden_answer_count_is_pinned_by_the_row_totals_or_a_conditional_question(
    parent, gate, child_split
):
    """A tool of two questions: the first asked of every case, the second only where the first's answer
    is one of `gate` (so its total is those answers' count). The attacker knows the first's total (every
    other unconditional question has it), the gate, and what was published; every pair of rows that sum
    and publish the same is a candidate original."""
    asked = sum(parent[i] for i in gate)
    child = [0, 0, 0, 0]
    for step in range(asked):  # spread the child's answers over its cells, as hypothesis chose
        child[child_split[step % len(child_split)]] += 1
    child_row = tuple(child)
    published = _publish(parent, child_row)

    candidates = [
        (p, c)
        for p in _rows_summing_to(sum(parent))
        for c in _rows_summing_to(sum(p[i] for i in gate))
        if _publish(p, c) == published
    ]
    for which, (true_row, row_published) in enumerate(zip((parent, child_row), published, strict=True)):
        if row_published is not None:
            continue
        for cell, value in enumerate(true_row):
            if suppression.is_small(value):
                possible = {candidate[which][cell] for candidate in candidates}
                assert len(possible) >= 2, (which, cell, value, possible)
