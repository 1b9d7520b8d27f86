"""One demo child and everything on their file, built from the child's number alone (no database).

The same seed, size, start year and "today" give the same data: child `DEMO0000042` of seed 2014 is
always the same child, with the same dates and states, however many children are generated around it
(each child draws from its own random.Random, seeded from the run's seed and the child's number).
Compliance tells a story for the dashboards: each team has a base rate per standard (demo.profiles),
and every team gets a few points better each year.

Dates follow the project's one calendar: working days and bank holidays from common.workdays, ages and
birthdays (29 February included) from common.birthdays, the rules the metrics count by.
"""

import bisect
import dataclasses
import datetime
import random
from typing import NotRequired, TypedDict

from cases.models import Gender, S47Enquiry, YesNoUnknown, s47_target_date
from common.birthdays import birthday, born_by
from common.workdays import add_working_days, is_working_day
from demo.profiles import (
    ACK_METHODS,
    CHILD_PREFIX,
    CP_CATEGORY_WEIGHTS,
    DEFAULT_START_YEAR,
    ETHNICITY_WEIGHTS,
    EXTRA_REFERRAL_WEIGHTS,
    GENDER_WEIGHTS,
    NOT_SOUGHT_REASONS,
    OTHER_AGENCIES,
    REFERRAL_SOURCE_WEIGHTS,
    S47_COUNT_WEIGHTS,
    S47_OUTCOME_WEIGHTS,
    STANDARD_BASE,
    TEAMS,
    TeamProfile,
    name_pools,
)

DAY = datetime.timedelta(days=1)


def _weighted(pairs):
    """Values (plain, not enum members) and cumulative weights, for DemoRandom.pick."""
    values = tuple(getattr(value, "value", value) for value, _ in pairs)
    cumulative = []
    total = 0.0
    for _, weight in pairs:
        total += weight
        cumulative.append(total)
    return values, tuple(cumulative)


_GENDERS = _weighted(GENDER_WEIGHTS)
_ETHNICITIES = _weighted(ETHNICITY_WEIGHTS)
_SOURCES = _weighted(REFERRAL_SOURCE_WEIGHTS)
_CATEGORIES = _weighted(CP_CATEGORY_WEIGHTS)
_OUTCOMES = _weighted(S47_OUTCOME_WEIGHTS)
_S47_COUNTS = _weighted(tuple(zip(range(1, 6), S47_COUNT_WEIGHTS, strict=True)))
_EXTRA_REFERRALS = _weighted(tuple(zip(range(3), EXTRA_REFERRAL_WEIGHTS, strict=True)))
_TEAM_WEIGHTS = _weighted(tuple((index, team.weight) for index, team in enumerate(TEAMS)))
_ACK_METHODS = tuple(method.value for method in ACK_METHODS)
_MALE, _FEMALE = Gender.MALE.value, Gender.FEMALE.value
_ICPC, _CIN = S47Enquiry.Outcome.ICPC.value, S47Enquiry.Outcome.CIN.value
_GIVEN, _REFUSED = S47Enquiry.Consent.GIVEN.value, S47Enquiry.Consent.REFUSED.value
_NOT_SOUGHT, _NOT_RECORDED = S47Enquiry.Consent.NOT_SOUGHT.value, S47Enquiry.Consent.NOT_RECORDED.value
_YES, _NO, _UNKNOWN = YesNoUnknown.YES.value, YesNoUnknown.NO.value, YesNoUnknown.UNKNOWN.value


class DemoRandom(random.Random):
    """random.Random with cheaper draws: a million enquiries take tens of millions of them."""

    def pick(self, weighted):
        """A value drawn by weight (as random.choices with cum_weights, one value)."""
        values, cumulative = weighted
        return values[bisect.bisect(cumulative, self.random() * cumulative[-1], 0, len(values) - 1)]

    def between(self, low: int, high: int) -> int:
        """An integer from low to high inclusive."""
        return low + int(self.random() * (high - low + 1))

    def one_of(self, values):
        return values[int(self.random() * len(values))]

    def days(self, low: int, high: int) -> datetime.timedelta:
        return datetime.timedelta(days=low + int(self.random() * (high - low + 1)))


def on_or_after(day: datetime.date) -> datetime.date:
    """The first working day on or after `day` (common.workdays)."""
    return day if is_working_day(day) else add_working_days(day, 1)


def on_or_before(day: datetime.date) -> datetime.date:
    """The last working day on or before `day` (common.workdays)."""
    while not is_working_day(day):
        day -= DAY
    return day


@dataclasses.dataclass
class TeamStaff:
    """A demo team's primary key and profile, and the primary keys of its workers and managers."""

    team_id: int
    profile: TeamProfile
    worker_ids: list[int]
    manager_ids: list[int]


# The rows, by the model's attribute names. A reference holds the row it points to (`child_id` holds the
# child's row) until demo.generator.save_chunk writes that row and puts its id in its place.
class ChildRow(TypedDict):
    child_id: str
    name: str
    date_of_birth: datetime.date
    gender: str
    ethnicity: str
    disability: str


class ReferralRow(TypedDict):
    child_id: ChildRow
    referral_id: NotRequired[str]  # numbered once the child's referrals are sorted
    received_date: datetime.date
    source: str
    acknowledgement_date: datetime.date | None
    acknowledgement_method: str
    team_id: int


class DiscussionRow(TypedDict):
    child_id: ChildRow
    discussion_id: NotRequired[str]
    date: datetime.date
    social_care_attended: bool
    police_attended: bool
    health_attended: bool
    education_attended: bool
    other_attended: str
    team_id: int


class EnquiryRow(TypedDict):
    child_id: ChildRow
    strategy_discussion_id: DiscussionRow
    start_date: datetime.date
    target_date: datetime.date
    end_date: datetime.date | None
    outcome: str
    icpc_not_required: bool | None
    icpc_date: datetime.date | None
    icpc_cp_plan: bool | None
    consent: str
    consent_date: datetime.date | None
    consent_not_sought_reason: str
    consent_manager_decision: bool
    information_shared_date: datetime.date | None
    management_oversight_date: datetime.date | None
    oversight_manager_id: int | None
    chronology_on_file: bool | None
    abe_considered: bool | None
    team_id: int
    worker_id: int


class PlanRow(TypedDict):
    child_id: ChildRow
    plan_id: NotRequired[str]
    start_date: datetime.date
    end_date: datetime.date | None
    category: str
    team_id: int


class EpisodeRow(TypedDict):
    child_id: ChildRow
    episode_id: NotRequired[str]
    start_date: datetime.date
    end_date: datetime.date | None
    legal_status: str
    team_id: int


def _conference_date(enquiry: EnquiryRow) -> datetime.date:
    """The initial conference of an enquiry that led to a plan (such an enquiry always has one)."""
    day = enquiry["icpc_date"]
    assert day is not None
    return day


@dataclasses.dataclass
class ChunkRecords:
    """The rows of a chunk of children, by the model's attribute names (`child_id` holds the child's row)."""

    children: list[ChildRow] = dataclasses.field(default_factory=list)
    referrals: list[ReferralRow] = dataclasses.field(default_factory=list)
    discussions: list[DiscussionRow] = dataclasses.field(default_factory=list)
    enquiries: list[EnquiryRow] = dataclasses.field(default_factory=list)
    cp_plans: list[PlanRow] = dataclasses.field(default_factory=list)
    episodes: list[EpisodeRow] = dataclasses.field(default_factory=list)


class DemoGenerator:
    """Builds each child's records from the child's number alone: no database access."""

    def __init__(
        self,
        *,
        seed: int,
        staff: list[TeamStaff],
        start_year: int = DEFAULT_START_YEAR,
        today: datetime.date | None = None,
    ):
        self.seed = seed
        self.staff = staff
        self.start_year = start_year
        self.today = today or datetime.date.today()
        self.window_start = datetime.date(start_year, 1, 1)
        if self.window_start >= self.today - datetime.timedelta(days=120):
            raise ValueError("The start year must be before this year.")
        self.first_window_day = on_or_after(self.window_start)
        self.male_names, self.female_names, self.last_names = name_pools(seed)
        self._rates: dict[tuple[int, int], dict[str, float]] = {}

    def rates(self, team_index: int, year: int) -> dict[str, float]:
        """The chance that a record of this team, in this year, meets each standard."""
        key = (team_index, year)
        if key not in self._rates:
            profile = self.staff[team_index].profile
            years = max(0, year - self.start_year)
            self._rates[key] = {
                standard: min(
                    0.97,
                    max(
                        0.05,
                        base + profile.offset + profile.bias.get(standard, 0.0) + profile.improvement * years,
                    ),
                )
                for standard, base in STANDARD_BASE.items()
            }
        return self._rates[key]

    def build(self, first: int, count: int) -> ChunkRecords:
        chunk = ChunkRecords()
        for number in range(first, first + count):
            self._child(number, chunk)
        return chunk

    # One child and everything on their file.
    def _child(self, number: int, out: ChunkRecords) -> None:
        r = DemoRandom(f"demo:{self.seed}:{number}")
        today = self.today
        team_index = r.pick(_TEAM_WEIGHTS)
        gender = r.pick(_GENDERS)
        if gender == _MALE:
            first_name = r.one_of(self.male_names)
        elif gender == _FEMALE:
            first_name = r.one_of(self.female_names)
        else:
            first_name = r.one_of(self.male_names if r.random() < 0.5 else self.female_names)
        # Every 40th child turns 18 within the next nine months, looked after (care leavers to come).
        leaving_care = number % 40 == 0

        # The S47 start dates: a cluster of strategy discussions at least four weeks apart, on working days.
        count = r.pick(_S47_COUNTS)
        gaps = [28 + min(1500, int(r.expovariate(1 / 240))) for _ in range(count - 1)]
        earliest = self.window_start
        if leaving_care:
            dob = born_by(today + r.days(10, 270), 18)
            earliest = max(earliest, dob)
        latest_first = today - datetime.timedelta(days=sum(gaps) + 1)
        if latest_first <= earliest:
            gaps, latest_first = [], today - DAY
        dates = [earliest + r.days(0, (latest_first - earliest).days)]
        for gap in gaps:
            dates.append(dates[-1] + datetime.timedelta(days=gap))
        dates = sorted({self._working_day_in_window(day) for day in dates})

        if not leaving_care:
            # Aged 0 to 17 at every enquiry, with a margin so that conferences come before the 18th birthday.
            oldest = born_by(dates[-1], 18) + 200 * DAY
            dob = oldest + r.days(0, max(0, (dates[0] - oldest).days))
        birthday_18 = birthday(dob, 18)

        child: ChildRow = {
            "child_id": f"{CHILD_PREFIX}{number:07d}",
            "name": f"{first_name} {r.one_of(self.last_names)}",
            "date_of_birth": dob,
            "gender": gender,
            "ethnicity": r.pick(_ETHNICITIES),
            "disability": self._disability(r, team_index),
        }
        out.children.append(child)

        referrals: list[ReferralRow] = []
        discussions: list[DiscussionRow] = []
        enquiries: list[EnquiryRow] = []
        for start in dates:
            s47_team = team_index if r.random() < 0.9 else r.between(0, len(self.staff) - 1)
            rates = self.rates(s47_team, start.year)
            received = max(self.window_start, start - r.days(0, 7))
            referrals.append(self._referral(r, child, received, s47_team))
            discussion = self._discussion(r, child, start, s47_team, rates, dob)
            discussions.append(discussion)
            enquiries.append(self._s47(r, child, discussion, s47_team, rates))

        # Referrals that led to no S47; a quarter of them to a strategy discussion that decided against one.
        low = max(self.window_start, dob)
        high = min(today, birthday_18 - DAY)
        for _ in range(r.pick(_EXTRA_REFERRALS)):
            if high <= low:
                break
            received = low + r.days(0, (high - low).days)
            referrals.append(self._referral(r, child, received, team_index))
            if r.random() < 0.25:
                day = on_or_after(received + r.days(0, 3))
                if day <= today and day < birthday_18 and day not in dates:
                    rates = self.rates(team_index, day.year)
                    discussions.append(self._discussion(r, child, day, team_index, rates, dob))

        plans = self._cp_plans(r, child, enquiries, birthday_18)
        episodes = self._episodes(r, child, enquiries, plans, dob, birthday_18, leaving_care)

        referrals.sort(key=lambda row: row["received_date"])
        discussions.sort(key=lambda row: row["date"])
        for i, referral in enumerate(referrals, 1):
            referral["referral_id"] = f"DREF{number:07d}-{i:02d}"
        for i, discussion in enumerate(discussions, 1):
            discussion["discussion_id"] = f"DSD{number:07d}-{i:02d}"
        for i, plan in enumerate(plans, 1):
            plan["plan_id"] = f"DCP{number:07d}-{i:02d}"
        for i, episode in enumerate(episodes, 1):
            episode["episode_id"] = f"DLA{number:07d}-{i:02d}"
        out.referrals += referrals
        out.discussions += discussions
        out.enquiries += enquiries
        out.cp_plans += plans
        out.episodes += episodes

    def _working_day_in_window(self, day: datetime.date) -> datetime.date:
        day = on_or_after(max(day, self.window_start))
        if day > self.today:
            day = on_or_before(self.today)
        return max(day, self.first_window_day)

    def _disability(self, r: DemoRandom, team_index: int) -> str:
        if self.staff[team_index].profile.code == "DEMO-CWD":
            return _YES if r.random() < 0.9 else _UNKNOWN
        roll = r.random()
        return _YES if roll < 0.08 else _UNKNOWN if roll < 0.15 else _NO

    def _referral(
        self, r: DemoRandom, child: ChildRow, received: datetime.date, team_index: int
    ) -> ReferralRow:
        rates = self.rates(team_index, received.year)
        acknowledged = None
        method = ""
        if r.random() < rates["acknowledged"]:
            day = received + datetime.timedelta(days=r.one_of((0, 0, 1, 1, 2, 3, 5)))
            if day <= self.today:
                acknowledged, method = day, r.one_of(_ACK_METHODS)
        return {
            "child_id": child,
            "received_date": received,
            "source": r.pick(_SOURCES),
            "acknowledgement_date": acknowledged,
            "acknowledgement_method": method,
            "team_id": self.staff[team_index].team_id,
        }

    def _discussion(self, r: DemoRandom, child: ChildRow, day, team_index: int, rates, dob) -> DiscussionRow:
        police = health = True
        if r.random() >= rates["core_agencies"]:
            missing = r.random()
            police = missing >= 0.45
            health = missing < 0.45 or missing >= 0.8
        school_age = (day - dob).days >= 5 * 365
        roll = r.random()
        return {
            "child_id": child,
            "date": day,
            "social_care_attended": r.random() < 0.99,
            "police_attended": police,
            "health_attended": health,
            "education_attended": r.random() < (0.7 if school_age else 0.15),
            "other_attended": OTHER_AGENCIES[int(roll / 0.025)] if roll < 0.1 else "",
            "team_id": self.staff[team_index].team_id,
        }

    def _s47(
        self, r: DemoRandom, child: ChildRow, discussion: DiscussionRow, team_index: int, rates
    ) -> EnquiryRow:
        today = self.today
        staff = self.staff[team_index]
        start = discussion["date"]
        if r.random() < rates["s47_in_time"]:
            working_days = int(r.triangular(3, 15.99, 12))
        else:
            working_days = min(120, 16 + int(r.expovariate(1 / 10)))
        end: datetime.date | None
        end = add_working_days(start, working_days)
        outcome = r.pick(_OUTCOMES)
        icpc: datetime.date | None = None
        cp_plan: bool | None = None
        if outcome == _ICPC:
            if r.random() < rates["icpc_in_time"]:
                icpc = add_working_days(start, r.between(7, 15))
            else:
                icpc = add_working_days(start, min(80, 16 + int(r.expovariate(1 / 7))))
            end = min(end, icpc)  # the enquiry concludes by the conference
            cp_plan = r.random() < 0.85
            if icpc > today:  # the conference is still to come
                icpc = cp_plan = None
        # A few enquiries stay open long after their target (the "open and overdue" figure).
        stuck = r.random() < 0.005 and (today - start).days < 365
        if end > today or stuck:
            end = outcome = icpc = cp_plan = None

        shared: datetime.date | None
        shared = start + datetime.timedelta(days=r.one_of((0, 0, 0, 1, 2)))
        if shared > today:
            shared = None
        consent, consent_date, reason, manager_decision = self._consent(r, start, shared, rates)

        oversight: datetime.date | None = None
        manager: int | None = None
        if r.random() < rates["oversight"]:
            oversight = start + r.days(0, min(5, ((end or today) - start).days))
        elif end is not None and r.random() < 0.3:
            late = end + r.days(1, 20)  # recorded only after the enquiry closed: not oversight
            oversight = late if late <= today else None
        if oversight is not None:
            manager = r.one_of(staff.manager_ids)

        chronology = True if r.random() < rates["chronology"] else False if r.random() < 0.85 else None
        roll = r.random()
        return {
            "child_id": child,
            "strategy_discussion_id": discussion,
            "start_date": start,
            "target_date": s47_target_date(start),
            "end_date": end,
            "outcome": outcome or "",
            "icpc_not_required": None if outcome is None else outcome != _ICPC,
            "icpc_date": icpc,
            "icpc_cp_plan": cp_plan,
            "consent": consent,
            "consent_date": consent_date,
            "consent_not_sought_reason": reason,
            "consent_manager_decision": manager_decision,
            "information_shared_date": shared,
            "management_oversight_date": oversight,
            "oversight_manager_id": manager,
            "chronology_on_file": chronology,
            "abe_considered": True if roll < 0.35 else False if roll < 0.45 else None,
            "team_id": staff.team_id,
            "worker_id": r.one_of(staff.worker_ids),
        }

    def _consent(self, r: DemoRandom, start, shared, rates) -> tuple[str, datetime.date | None, str, bool]:
        """The consent state, when it was sought, the reason it was not, and the manager's decision."""
        if r.random() < rates["consent"]:
            roll = r.random()
            if roll < 0.2:
                return _NOT_SOUGHT, None, r.one_of(NOT_SOUGHT_REASONS), True
            state = _GIVEN if roll < 0.9 else _REFUSED
            sought = start
            # Retrospective consent (sought after sharing) becomes rarer as practice improves.
            if shared is not None and r.random() < (1 - rates["consent"]) * 0.35:
                sought = min(self.today, shared + r.days(1, 10))
            return state, sought, "", True
        roll = r.random()
        if roll < 0.6:
            return _NOT_RECORDED, None, "", False
        if roll < 0.8:  # refused, but no manager's decision to proceed
            return _REFUSED, start, "", False
        return _NOT_SOUGHT, None, "", r.random() < 0.5  # no reason given

    def _cp_plans(
        self, r: DemoRandom, child: ChildRow, enquiries: list[EnquiryRow], birthday_18: datetime.date
    ) -> list[PlanRow]:
        plans: list[PlanRow] = []
        # By conference date: a late conference can come after the next enquiry's.
        for enquiry in sorted((e for e in enquiries if e["icpc_cp_plan"]), key=_conference_date):
            start = _conference_date(enquiry)
            if start >= birthday_18:
                continue
            previous_end = plans[-1]["end_date"] if plans else None
            if plans and (previous_end is None or previous_end > start):
                plans[-1]["end_date"] = start  # a new plan replaces the one in force
            end = min(start + datetime.timedelta(days=int(r.triangular(90, 900, 300))), birthday_18)
            plans.append(
                {
                    "child_id": child,
                    "start_date": start,
                    "end_date": end if end <= self.today else None,
                    "category": r.pick(_CATEGORIES),
                    "team_id": enquiry["team_id"],
                }
            )
        return plans

    def _episodes(
        self,
        r: DemoRandom,
        child: ChildRow,
        enquiries: list[EnquiryRow],
        plans: list[PlanRow],
        dob: datetime.date,
        birthday_18: datetime.date,
        leaving_care: bool,
    ) -> list[EpisodeRow]:
        """Looked-after episodes: police protection, accommodation under s20, care and placement orders."""
        episodes: list[EpisodeRow] = []
        today = self.today
        busy_until = datetime.date.min  # no new episode starts while one is in force

        def chain(start: datetime.date, status: str, team_id: int) -> None:
            nonlocal busy_until
            while start <= today and start < birthday_18:
                if status == "L1":  # police protection: at most 72 hours
                    length, following = r.between(0, 3), r.one_of(("V2", "C1", None, None))
                elif status == "V2":
                    length, following = r.between(20, 500), "C1" if r.random() < 0.25 else None
                elif status == "C1":
                    length, following = r.between(90, 300), "C2" if r.random() < 0.85 else None
                elif status == "C2":
                    if (start - dob).days < 5 * 365 and r.random() < 0.4:
                        length, following = r.between(180, 400), "E1"
                    else:  # most stay in care until 18
                        length, following = 10_000 if r.random() < 0.6 else r.between(365, 2500), None
                else:  # E1 placement order, ending in adoption
                    length, following = r.between(200, 500), None
                end = min(start + datetime.timedelta(days=length), birthday_18)
                open_now = end > today
                episodes.append(
                    {
                        "child_id": child,
                        "start_date": start,
                        "end_date": None if open_now else end,
                        "legal_status": status,
                        "team_id": team_id,
                    }
                )
                busy_until = datetime.date.max if open_now else end
                if open_now or following is None or end >= birthday_18:
                    return
                start, status = end, following

        plan_from = {plan["start_date"]: plan for plan in plans}
        for enquiry in enquiries:
            if enquiry["start_date"] <= busy_until:
                continue
            team_id = enquiry["team_id"]
            if r.random() < 0.03:
                chain(enquiry["start_date"], "L1", team_id)
                continue
            plan = plan_from.get(enquiry["icpc_date"]) if enquiry["icpc_date"] else None
            if plan is not None and r.random() < 0.15:
                start = plan["start_date"] + r.days(30, 400)
                if (
                    start <= today
                    and start < birthday_18
                    and (plan["end_date"] is None or start < plan["end_date"])
                ):
                    plan["end_date"] = start  # the child protection plan ends when the child comes into care
                    chain(start, "C1" if r.random() < 0.6 else "V2", team_id)
            elif enquiry["outcome"] == _CIN and r.random() < 0.03:
                ended = enquiry["end_date"]
                assert ended is not None  # an enquiry with an outcome has ended
                chain(ended + r.days(1, 120), "V2", team_id)

        if leaving_care and (not episodes or episodes[-1]["end_date"] is not None):
            last = enquiries[-1]
            last_end = episodes[-1]["end_date"] if episodes else datetime.date.min
            assert last_end is not None  # no episode in force (checked above)
            start = max(
                last["start_date"] + 14 * DAY,
                last_end,
                today - 800 * DAY,
            )
            episodes.append(
                {
                    "child_id": child,
                    "start_date": min(start, today - DAY),
                    "end_date": None,
                    "legal_status": "C2" if r.random() < 0.7 else "V2",
                    "team_id": last["team_id"],
                }
            )
        return episodes
