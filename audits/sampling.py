"""Drawing a reproducible random sample from a sampling frame of case records.

The same parameters and seed give the same sample: the frame is read in a stable order (record id),
and every random choice comes from `random.Random` seeded from the recorded seed.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.db.models import Model, QuerySet

from cases.models import Referral, S47Enquiry, StrategyDiscussion
from common.figures import round_half_away

FRAME_MODELS: dict[str, tuple[type[Model], str]] = {
    "s47": (S47Enquiry, "start_date"),
    "strategy": (StrategyDiscussion, "date"),
    "referral": (Referral, "received_date"),
}
RECENT_AUDIT_DAYS = 365


@dataclass(frozen=True)
class FrameRecord:
    record_id: int
    child_id: int
    team_id: int | None
    record_date: datetime.date


@dataclass(frozen=True)
class SampleParameters:
    frame_type: str = "s47"
    frame_start: datetime.date | None = None
    frame_end: datetime.date | None = None
    team_ids: tuple[int, ...] = ()
    outcome: str = ""
    size: int | None = None
    percent: int | None = None
    stratify_by_team: bool = False
    exclude_child_ids: frozenset[int] = field(default_factory=frozenset)
    subsample_percent: int | None = None
    double_percent: int | None = None
    double_count: int | None = None
    seed: int = 0


@dataclass(frozen=True)
class DrawnCase:
    record: FrameRecord
    in_subsample: bool
    double_scored: bool = False


def frame_queryset(params: SampleParameters) -> QuerySet:
    model, date_field = FRAME_MODELS[params.frame_type]
    queryset = model._default_manager.all()
    if params.frame_start:
        queryset = queryset.filter(**{f"{date_field}__gte": params.frame_start})
    if params.frame_end:
        queryset = queryset.filter(**{f"{date_field}__lte": params.frame_end})
    if params.team_ids:
        queryset = queryset.filter(team_id__in=params.team_ids)
    if params.outcome and params.frame_type == "s47":
        queryset = queryset.filter(outcome=params.outcome)
    if params.exclude_child_ids:
        queryset = queryset.exclude(child_id__in=params.exclude_child_ids)
    return queryset


def frame_records(params: SampleParameters) -> list[FrameRecord]:
    _, date_field = FRAME_MODELS[params.frame_type]
    rows = frame_queryset(params).order_by("pk").values_list("pk", "child_id", "team_id", date_field)
    return [FrameRecord(*row) for row in rows]


def sample_size(frame_size: int, params: SampleParameters) -> int:
    if params.size is not None:
        return min(params.size, frame_size)
    if params.percent is not None:
        return min(frame_size, round_half_away(frame_size * params.percent / 100))
    raise ValueError("Give a sample size or a percentage.")


def _allocate(strata: dict, total: int) -> dict:
    """Proportional allocation by largest remainder, ties broken by stratum key: reproducible."""
    frame_size = sum(len(records) for records in strata.values())
    quotas = {key: total * len(records) / frame_size for key, records in strata.items()}
    allocation = {key: int(quota) for key, quota in quotas.items()}
    by_remainder = sorted(strata, key=lambda key: (-(quotas[key] - allocation[key]), _sort_key(key)))
    for key in by_remainder[: total - sum(allocation.values())]:
        allocation[key] += 1
    return allocation


def _sort_key(team_id: int | None) -> tuple[int, int]:
    return (1, 0) if team_id is None else (0, team_id)


def draw(params: SampleParameters, records: list[FrameRecord] | None = None) -> list[DrawnCase]:
    """The sample, in frame order, each case marked in or out of the sub-sample."""
    records = frame_records(params) if records is None else records
    if not records:
        return []
    total = sample_size(len(records), params)
    rng = random.Random(params.seed)
    if params.stratify_by_team:
        strata: dict[int | None, list[FrameRecord]] = {}
        for record in records:
            strata.setdefault(record.team_id, []).append(record)
        allocation = _allocate(strata, total)
        chosen = []
        for key in sorted(strata, key=_sort_key):
            chosen.extend(rng.sample(strata[key], allocation[key]))
    else:
        chosen = rng.sample(records, total)
    chosen.sort(key=lambda record: record.record_id)
    subsample: set[int] = set()
    if params.subsample_percent:
        size = max(1, round_half_away(len(chosen) * params.subsample_percent / 100))
        sub_rng = random.Random(f"{params.seed}/subsample")
        subsample = {record.record_id for record in sub_rng.sample(chosen, min(size, len(chosen)))}
    double = double_scored(chosen, params)
    return [DrawnCase(record, record.record_id in subsample, record.record_id in double) for record in chosen]


def double_size(sample: int, params: SampleParameters) -> int:
    """How many of the sample's cases are scored twice: a count (at most the sample), or a percentage
    rounded half away from zero and at least one case."""
    if params.double_count:
        return min(params.double_count, sample)
    if params.double_percent:
        return min(sample, max(1, round_half_away(sample * params.double_percent / 100)))
    return 0


def double_scored(chosen: list[FrameRecord], params: SampleParameters) -> set[int]:
    """The record ids of the double-scoring sub-sample, from a random stream of its own (seeded from the
    recorded seed), so adding or changing it leaves the sample and the question sub-sample as they were."""
    size = double_size(len(chosen), params)
    if not size:
        return set()
    rng = random.Random(f"{params.seed}/double")
    return {record.record_id for record in rng.sample(chosen, size)}
