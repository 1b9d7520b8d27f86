"""audits.sampling: proportional allocation, reproducible draws and the sub-sample (DOMAIN.md "How audits are done")."""

import datetime

import pytest

from audits import sampling
from audits.sampling import FrameRecord, SampleParameters
from tests.factories import S47EnquiryFactory, TeamFactory

D = datetime.date


def records(*team_sizes: tuple[int | None, int]) -> list[FrameRecord]:
    """Frame records in record-id order: `team_sizes` is (team id, how many) per team."""
    rows, record_id = [], 0
    for team_id, count in team_sizes:
        for _ in range(count):
            record_id += 1
            rows.append(FrameRecord(record_id, 1000 + record_id, team_id, D(2014, 3, 3)))
    return rows


def by_team(drawn: list[sampling.DrawnCase]) -> dict[int | None, int]:
    counts: dict[int | None, int] = {}
    for case in drawn:
        counts[case.record.team_id] = counts.get(case.record.team_id, 0) + 1
    return counts


def test_allocation_is_proportional_by_largest_remainder():
    """5 of 10 records in teams of 5, 3 and 2: quotas 2.5, 1.5, 1.0 -> 2, 1, 1 and one more to a .5 team."""
    strata = {1: [None] * 5, 2: [None] * 3, 3: [None] * 2}
    assert sampling._allocate(strata, 5) == {1: 3, 2: 1, 3: 1}


def test_allocation_breaks_ties_by_team_so_it_is_reproducible():
    """3 of 6 in three teams of 2: each quota is exactly 1, nothing left to share.
    2 of 6: quotas 0.67 each; the two lowest team ids get the places, not a random pair."""
    assert sampling._allocate({3: [None] * 2, 1: [None] * 2, 2: [None] * 2}, 3) == {1: 1, 2: 1, 3: 1}
    assert sampling._allocate({3: [None] * 2, 1: [None] * 2, 2: [None] * 2}, 2) == {1: 1, 2: 1, 3: 0}


def test_allocation_puts_records_without_a_team_last_in_ties():
    """1 of 2, one record with no team and one in team 7: equal remainders, team 7 wins the tie."""
    assert sampling._allocate({None: [None], 7: [None]}, 1) == {None: 0, 7: 1}


def test_allocation_always_adds_up_to_the_sample_size():
    strata = {1: [None] * 7, 2: [None] * 11, 3: [None] * 13, None: [None] * 3}
    for total in range(0, 35):
        assert sum(sampling._allocate(strata, total).values()) == total


@pytest.mark.parametrize(
    ("frame", "size", "percent", "expected"),
    [
        (18, 5, None, 5),
        (3, 5, None, 3),  # never more than the frame
        (18, None, 50, 9),
        (10, None, 25, 3),  # 2.5 rounds half away from zero
        (7, None, 100, 7),
    ],
)
def test_sample_size_by_number_or_percentage(frame, size, percent, expected):
    assert sampling.sample_size(frame, SampleParameters(size=size, percent=percent)) == expected


def test_a_sample_size_needs_a_number_or_a_percentage():
    with pytest.raises(ValueError, match="sample size or a percentage"):
        sampling.sample_size(10, SampleParameters())


def test_the_same_seed_draws_the_same_sample():
    frame = records((1, 30), (2, 20))
    params = SampleParameters(size=10, seed=20140303)
    first = [c.record.record_id for c in sampling.draw(params, frame)]
    again = [c.record.record_id for c in sampling.draw(params, list(frame))]
    assert first == again
    assert len(first) == 10 and first == sorted(first)


def test_a_different_seed_draws_a_different_sample():
    frame = records((1, 50))
    one = {c.record.record_id for c in sampling.draw(SampleParameters(size=10, seed=1), frame)}
    two = {c.record.record_id for c in sampling.draw(SampleParameters(size=10, seed=2), frame)}
    assert one != two


def test_a_stratified_draw_takes_each_team_in_proportion():
    """9 of 18 records (North 12, South 6): 6 from North, 3 from South."""
    drawn = sampling.draw(
        SampleParameters(percent=50, stratify_by_team=True, seed=7), records((1, 12), (2, 6))
    )
    assert by_team(drawn) == {1: 6, 2: 3}


def test_the_subsample_is_a_percentage_of_the_sample_and_reproducible():
    """10% of a 20-case sample -> 2 cases."""
    params = SampleParameters(size=20, subsample_percent=10, seed=99)
    drawn = sampling.draw(params, records((1, 40)))
    chosen = {c.record.record_id for c in drawn if c.in_subsample}
    assert len(chosen) == 2
    assert chosen == {c.record.record_id for c in sampling.draw(params, records((1, 40))) if c.in_subsample}


def test_a_small_sample_still_has_one_case_in_its_subsample():
    """10% of 4 cases is 0.4: at least one case gets the sub-sample questions."""
    drawn = sampling.draw(SampleParameters(size=4, subsample_percent=10, seed=3), records((1, 10)))
    assert sum(c.in_subsample for c in drawn) == 1


def test_no_subsample_without_a_percentage():
    drawn = sampling.draw(SampleParameters(size=4, seed=3), records((1, 10)))
    assert not any(c.in_subsample for c in drawn)


def test_an_empty_frame_draws_nothing():
    assert sampling.draw(SampleParameters(size=4), []) == []


@pytest.mark.django_db
def test_the_frame_is_read_from_s47_enquiries_by_date_team_and_outcome():
    north, south = TeamFactory.create(code="N", name="North"), TeamFactory.create(code="S", name="South")
    inside = S47EnquiryFactory.create(team=north, start_date=D(2014, 3, 3), outcome="icpc")
    S47EnquiryFactory.create(team=north, start_date=D(2014, 5, 1), outcome="icpc")  # after the frame
    S47EnquiryFactory.create(team=south, start_date=D(2014, 3, 3), outcome="icpc")  # another team
    S47EnquiryFactory.create(team=north, start_date=D(2014, 3, 4), outcome="nfa")  # another outcome
    params = SampleParameters(
        frame_start=D(2014, 3, 1), frame_end=D(2014, 3, 31), team_ids=(north.pk,), outcome="icpc"
    )
    assert sampling.frame_records(params) == [
        FrameRecord(inside.pk, inside.child_id, north.pk, D(2014, 3, 3))
    ]


@pytest.mark.django_db
def test_the_frame_leaves_out_the_excluded_children():
    kept, left_out = S47EnquiryFactory.create(), S47EnquiryFactory.create()
    params = SampleParameters(exclude_child_ids=frozenset({left_out.child_id}))
    assert [r.record_id for r in sampling.frame_records(params)] == [kept.pk]
