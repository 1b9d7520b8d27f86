"""Who the demo set is about and how often things happen: the demo teams and their compliance
profiles (DOMAIN.md's standards), the weights each record's values are drawn by, and the name pools.

Everything here is made up: names are Faker's generated first and last names combined at random.
"""

import dataclasses
import functools
from collections.abc import Callable

from faker import Faker

from cases.models import CPPlan, Gender, Referral, S47Enquiry

CHILD_PREFIX = "DEMO"
DEFAULT_SEED = 2014
DEFAULT_START_YEAR = 2019
S47_PER_CHILD = 2.5  # the mean of S47_COUNT_WEIGHTS; documented in generate_demo_data's help

# How many S47 enquiries a child has (1 to 5): mean 2.5.
S47_COUNT_WEIGHTS = (30, 25, 20, 15, 10)
# Referrals that led to no S47 (some of them to a strategy discussion that decided against one).
EXTRA_REFERRAL_WEIGHTS = (50, 35, 15)


@dataclasses.dataclass(frozen=True)
class TeamProfile:
    code: str
    name: str
    weight: float  # share of the children allocated to the team
    offset: float  # points above or below the standard's base rate in the first year
    improvement: float  # points gained per year
    bias: dict[str, float] = dataclasses.field(default_factory=dict)  # per-standard strengths and gaps


# Base rates in the first year (start year), before the team's offset: the share of records that meet
# each standard of DOMAIN.md.
STANDARD_BASE = {
    "s47_in_time": 0.55,
    "icpc_in_time": 0.66,
    "consent": 0.58,
    "chronology": 0.62,
    "oversight": 0.64,
    "core_agencies": 0.60,
    "acknowledged": 0.72,
}

TEAMS = (
    TeamProfile("DEMO-FR", "First Response", 0.22, 0.08, 0.03, {"acknowledged": 0.12}),
    TeamProfile("DEMO-AN", "Assessment North", 0.18, 0.04, 0.04, {"chronology": 0.06}),
    TeamProfile("DEMO-AS", "Assessment South", 0.18, -0.03, 0.05, {"consent": -0.08}),
    TeamProfile("DEMO-SSN", "Safeguarding and Support North", 0.16, 0.0, 0.035, {"oversight": 0.08}),
    TeamProfile("DEMO-SSS", "Safeguarding and Support South", 0.16, -0.12, 0.06, {"s47_in_time": -0.05}),
    TeamProfile("DEMO-CWD", "Children with Disabilities", 0.10, -0.05, 0.025, {"core_agencies": -0.10}),
)

GENDER_WEIGHTS = (
    (Gender.MALE, 49),
    (Gender.FEMALE, 49),
    (Gender.UNKNOWN, 1.5),
    (Gender.INDETERMINATE, 0.5),
)
ETHNICITY_WEIGHTS = (
    ("WBRI", 60),
    ("WIRI", 1),
    ("WOTH", 6),
    ("WIRT", 0.5),
    ("WROM", 1),
    ("MWBC", 3),
    ("MWBA", 1.5),
    ("MWAS", 2),
    ("MOTH", 3),
    ("AIND", 2),
    ("APKN", 4),
    ("ABAN", 2),
    ("AOTH", 2),
    ("BCRB", 2),
    ("BAFR", 5),
    ("BOTH", 1.5),
    ("CHNE", 0.5),
    ("OOTH", 2),
    ("REFU", 0.5),
    ("NOBT", 1.5),
)
REFERRAL_SOURCE_WEIGHTS = (
    (Referral.Source.POLICE, 30),
    (Referral.Source.SCHOOL, 20),
    (Referral.Source.HEALTH, 15),
    (Referral.Source.LA, 10),
    (Referral.Source.INDIVIDUAL, 10),
    (Referral.Source.ANONYMOUS, 5),
    (Referral.Source.OTHER, 10),
)
ACK_METHODS = (
    Referral.AcknowledgementMethod.EMAIL,
    Referral.AcknowledgementMethod.EMAIL,
    Referral.AcknowledgementMethod.LETTER,
    Referral.AcknowledgementMethod.TELEPHONE,
)
OTHER_AGENCIES = ("Probation", "Housing", "Youth Justice Service", "Adult mental health services")
NOT_SOUGHT_REASONS = (
    "Seeking consent would place the child at increased risk of significant harm.",
    "Seeking consent could prejudice a police investigation.",
    "The alleged perpetrator lives in the household.",
    "Parents could not be contacted and the risk required information to be shared at once.",
)
CP_CATEGORY_WEIGHTS = (
    (CPPlan.Category.NEGLECT, 50),
    (CPPlan.Category.EMOTIONAL, 37),
    (CPPlan.Category.PHYSICAL, 7),
    (CPPlan.Category.SEXUAL, 4),
    (CPPlan.Category.MULTIPLE, 2),
)
S47_OUTCOME_WEIGHTS = (
    (S47Enquiry.Outcome.NFA, 42),
    (S47Enquiry.Outcome.CIN, 28),
    (S47Enquiry.Outcome.ICPC, 30),
)


@functools.lru_cache(maxsize=4)
def name_pools(seed: int) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Faker's generated first names (male, female) and last names, to be combined at random."""
    fake = Faker("en_GB")
    fake.seed_instance(seed)

    def unique(draw: Callable[[], str], count: int) -> tuple[str, ...]:
        return tuple(dict.fromkeys(draw() for _ in range(count)))

    return (
        unique(fake.first_name_male, 400),
        unique(fake.first_name_female, 400),
        unique(fake.last_name, 1000),
    )
