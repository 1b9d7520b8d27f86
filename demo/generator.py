"""The seeded generator of synthetic demo case records: `generate` builds children (demo.children)
and writes them.

Speed: a chunk of children at a time is built in memory as plain rows (dicts of column values; a row
that points to another row of the chunk holds that row until it is written), in a second thread
while the chunk before is written by cases.bulk (COPY on PostgreSQL, bulk_create elsewhere).
About 2.5 S47 enquiries per child: 400,000 children give about a million enquiries.
"""

import dataclasses
import datetime
import random
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

from django.db import connection, transaction

from cases.bulk import insert_rows
from cases.models import (
    Child,
    CPPlan,
    LookedAfterEpisode,
    Referral,
    S47Enquiry,
    StrategyDiscussion,
    Team,
    Worker,
    match_keys,
)
from demo.children import ChunkRecords, DemoGenerator, TeamStaff
from demo.profiles import CHILD_PREFIX, DEFAULT_SEED, DEFAULT_START_YEAR, TEAMS, name_pools

BATCH_SIZE = 5000
CHUNK_CHILDREN = 5000

# In the order they are written: each table after the tables its rows point to.
TABLES = (
    ("children", Child),
    ("referrals", Referral),
    ("discussions", StrategyDiscussion),
    ("enquiries", S47Enquiry),
    ("cp_plans", CPPlan),
    ("episodes", LookedAfterEpisode),
)


@dataclasses.dataclass
class DemoCounts:
    teams: int = 0
    workers: int = 0
    children: int = 0
    referrals: int = 0
    strategy_discussions: int = 0
    s47_enquiries: int = 0
    cp_plans: int = 0
    looked_after_episodes: int = 0
    seconds: float = 0.0

    def add(self, chunk: ChunkRecords) -> None:
        self.children += len(chunk.children)
        self.referrals += len(chunk.referrals)
        self.strategy_discussions += len(chunk.discussions)
        self.s47_enquiries += len(chunk.enquiries)
        self.cp_plans += len(chunk.cp_plans)
        self.looked_after_episodes += len(chunk.episodes)

    def lines(self) -> list[str]:
        return [
            f"Teams: {self.teams}",
            f"Workers and managers: {self.workers}",
            f"Children: {self.children}",
            f"Referrals: {self.referrals}",
            f"Strategy discussions: {self.strategy_discussions}",
            f"S47 enquiries: {self.s47_enquiries}",
            f"CP plans: {self.cp_plans}",
            f"Looked-after episodes: {self.looked_after_episodes}",
        ]


def ensure_teams_and_workers(*, seed: int, children: int) -> list[TeamStaff]:
    """The demo teams with their social workers and managers; ones already in the database are reused."""
    male, female, last = name_pools(seed)
    first = male + female
    per_team = min(40, max(8, children // 250))
    staff = []
    for profile in TEAMS:
        team, _ = Team.objects.get_or_create(code=profile.code, defaults={"name": profile.name})
        worker_prefix, manager_prefix = f"{profile.code}-W", f"{profile.code}-M"
        if not Worker.objects.filter(code__startswith=f"{profile.code}-").exists():
            r = random.Random(f"demo-staff:{seed}:{profile.code}")
            rows = [
                Worker(code=f"{worker_prefix}{i:03d}", name=f"{r.choice(first)} {r.choice(last)}", team=team)
                for i in range(1, per_team + 1)
            ]
            rows += [
                Worker(code=f"{manager_prefix}{i:02d}", name=f"{r.choice(first)} {r.choice(last)}", team=team)
                for i in range(1, max(2, per_team // 5) + 1)
            ]
            Worker.objects.bulk_create(rows)

        def ids(prefix: str) -> list[int]:
            return list(
                Worker.objects.filter(code__startswith=prefix).order_by("code").values_list("pk", flat=True)
            )

        staff.append(
            TeamStaff(
                team_id=team.pk,
                profile=profile,
                worker_ids=ids(worker_prefix),
                manager_ids=ids(manager_prefix),
            )
        )
    return staff


def save_chunk(chunk: ChunkRecords, *, batch_size: int = BATCH_SIZE) -> None:
    """Writes a chunk, table by table; a row that points to another row of the chunk gets its id."""
    for attribute, model in TABLES:
        rows = getattr(chunk, attribute)
        for attname in _chunk_references(model):
            for row in rows:
                row[attname] = row[attname]["id"]
        if model is Child:  # COPY skips Child.save(), which makes the name guard's keys
            for row in rows:
                row.update(match_keys(row["name"], row["child_id"]))
        unique_key = {Child: "child_id", StrategyDiscussion: "discussion_id"}.get(model, "")
        insert_rows(model, rows, batch_size=batch_size, unique_key=unique_key)


def _chunk_references(model) -> list[str]:
    """The columns that point to a row of the same chunk (a child or a strategy discussion)."""
    return [
        field.attname
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model in (Child, StrategyDiscussion)
    ]


def demo_children_exist() -> bool:
    return Child.objects.filter(child_id__startswith=CHILD_PREFIX).exists()


def next_child_number() -> int:
    """The number after the highest demo child in the database (1 when there is none)."""
    last = (
        Child.objects.filter(child_id__startswith=CHILD_PREFIX)
        .order_by("-child_id")
        .values_list("child_id", flat=True)
        .first()
    )
    return int(last[len(CHILD_PREFIX) :]) + 1 if last else 1


def chunks(first: int, count: int, size: int) -> Iterator[tuple[int, int]]:
    end = first + count
    for start in range(first, end, size):
        yield start, min(size, end - start)


@transaction.atomic
def generate(
    *,
    seed: int = DEFAULT_SEED,
    children: int = 2000,
    start_year: int = DEFAULT_START_YEAR,
    first_number: int = 1,
    today: datetime.date | None = None,
    batch_size: int = BATCH_SIZE,
    chunk_children: int = CHUNK_CHILDREN,
    progress: Callable[[DemoCounts], None] | None = None,
) -> DemoCounts:
    """Generates and saves `children` demo children, numbered from `first_number`, with their records.

    On PostgreSQL, foreign keys are checked as each chunk is written (SET CONSTRAINTS ALL IMMEDIATE)
    for the rest of the enclosing transaction.
    """
    started = time.monotonic()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Demo data is disposable: a crash loses the run, which is all this risks.
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
            # Foreign keys checked as each COPY ends, not all at commit: a million deferred checks queued
            # for the commit cost more than the same checks made a chunk at a time.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    staff = ensure_teams_and_workers(seed=seed, children=children)
    generator = DemoGenerator(seed=seed, staff=staff, start_year=start_year, today=today)
    counts = DemoCounts(teams=len(staff), workers=sum(len(s.worker_ids) + len(s.manager_ids) for s in staff))
    # The next chunk is built in a second thread while this one is written: building is pure Python
    # with no database access, and the writer spends much of its time waiting for the database.
    todo = list(chunks(first_number, children, chunk_children))
    with ThreadPoolExecutor(max_workers=1) as builder:
        pending = builder.submit(generator.build, *todo[0]) if todo else None
        for following in range(1, len(todo) + 1):
            assert pending is not None  # the loop runs only when there is a chunk to build
            chunk = pending.result()
            if following < len(todo):
                pending = builder.submit(generator.build, *todo[following])
            save_chunk(chunk, batch_size=batch_size)
            counts.add(chunk)
            if progress:
                counts.seconds = time.monotonic() - started
                progress(counts)
    counts.seconds = time.monotonic() - started
    return counts
