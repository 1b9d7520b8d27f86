"""The compliance metrics of DOMAIN.md ("Metrics"), defined once: name, definition, numerator, denominator.

Every figure on the dashboard, in the API and in the drill-down lists comes from these definitions, and
the conditions are the expressions of `cases.standards`, so a record marked "met" in a drill-down is
counted as met in the figure above it.

A population metric counts records of one model whose `period_field` falls in the month (the period);
`denominator` narrows those records, and `numerator` picks the ones that meet the standard. A metric may
carry one more count beside it (`related`), reported but not part of the percentage.

A record whose sources never held the fields a metric reads (`need`, cases.standards.SOURCE_NEEDS: an
Annex A List 5 enquiry has no consent) is unknown for that metric: it is in neither the numerator nor the
denominator, and the figure says what it covers ("from 120 of 180 S47 enquiries started whose record
holds the consent decision"). docs/metrics.md, "What a source does not hold".

The keys and names are `cases.standards.MetricKey`, the keys an audit question measures too
(`audits.models.Question.measures`), so an audit question and a population metric that measure the same
thing are shown side by side.
"""

import dataclasses
import datetime

from django.db.models import F, Model, Q

from cases import standards
from cases.models import (
    ICPC_TARGET_WORKING_DAYS,
    S47_TARGET_WORKING_DAYS,
    Referral,
    S47Enquiry,
    StrategyDiscussion,
)
from cases.standards import AUDIT_KEYS, COUNT_KEYS, PERCENT_KEYS, MetricKey

# The stored `target_date` is 15 working days after the start: it is also the ICPC's target date, as long
# as both timescales are 15 working days (Working Together; the local S47 standard).
assert ICPC_TARGET_WORKING_DAYS == S47_TARGET_WORKING_DAYS, "ICPC_WITHIN_TARGET compares with target_date"
ICPC_HELD = Q(icpc_date__isnull=False)
ICPC_WITHIN_TARGET = ICPC_HELD & Q(icpc_date__lte=F("target_date"))


def s47_open_and_overdue_at(day: datetime.date) -> Q:
    """Open at the end of `day` and past the target by then: what `standards.s47_open_and_overdue` gave on
    the morning after, for enquiries as they stood then (completed later, or still open). An enquiry
    whose sources held no end date is not known to be open, so it is never counted."""
    return (
        Q(target_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gt=day)) & standards.HOLDS_END_DATE
    )


def s47_overdue_at_period_end(last_day: datetime.date, today: datetime.date) -> Q:
    """Open and overdue at the end of a month; for a month not yet over, as of today."""
    if last_day >= today:
        return standards.s47_open_and_overdue(today)
    return s47_open_and_overdue_at(last_day)


@dataclasses.dataclass(frozen=True)
class Related:
    """A count reported beside a metric: within its denominator (`condition`) or at the period end."""

    label: str
    condition: Q | None = None  # counted among the denominator's records
    at_period_end: bool = False  # counted with `s47_open_and_overdue_at(the period's last day)`
    covers: str = ""  # what the count leaves out, where that is not the figure's own coverage


@dataclasses.dataclass(frozen=True)
class Metric:
    key: MetricKey
    definition: str
    model: type[Model]
    period_field: str
    period_label: str  # "completed", "started", ...: how a record falls in a month
    denominator: Q
    numerator: Q
    records: str  # what the denominator counts, in the plural
    short_name: str  # the column heading of a drill-down list
    related: Related | None = None

    @property
    def name(self) -> str:
        return self.key.label

    @property
    def audit_question(self) -> bool:
        return self.key in AUDIT_KEYS

    @property
    def need(self) -> standards.SourceNeed:
        return standards.SOURCE_NEEDS[self.key]

    @property
    def held(self) -> Q:
        """Records whose sources held what the metric reads: the only ones it counts."""
        return self.need.condition

    def in_period(self, first: datetime.date, last: datetime.date, *, held_only: bool = True) -> Q:
        """Records of the denominator whose period date falls from `first` to `last`, inclusive; with
        `held_only=False`, those whose sources did not hold the metric's fields too."""
        condition = (
            Q(**{f"{self.period_field}__gte": first, f"{self.period_field}__lte": last}) & self.denominator
        )
        return condition & self.held if held_only else condition

    @property
    def covers(self) -> str:
        """What every figure of the metric covers, in a sentence."""
        return (
            f"Counted only from {self.records} whose record holds {self.need.holds_what}: a record whose "
            "source does not hold it is left out, not counted as not met."
        )

    def coverage(self, covered: int, unknown: int) -> str:
        """What a figure covers, where some records were left out: "" when it covers them all."""
        if not unknown:
            return ""
        return (
            f"from {covered} of {covered + unknown} {self.records} whose record holds {self.need.holds_what}"
        )


S47 = "s47"

METRICS = (
    Metric(
        key=MetricKey.S47_WITHIN_15_DAYS,
        definition="Of the S47 enquiries completed in the month, those completed within 15 working days of "
        "the strategy discussion that started them (bank holidays are not working days). Beside it: "
        "enquiries still open at the end of the month and already past their 15 working days.",
        model=S47Enquiry,
        period_field="end_date",
        period_label="completed",
        denominator=standards.S47_COMPLETED,
        numerator=standards.S47_WITHIN_TARGET,
        records="S47 enquiries completed",
        short_name="Within 15 working days",
        related=Related(
            label="Open and overdue at the end of the month",
            at_period_end=True,
            covers="Counts only enquiries whose record holds an end date: one imported from a source that "
            "has none (Annex A List 5) is not known to be open.",
        ),
    ),
    Metric(
        key=MetricKey.ICPC_WITHIN_15_DAYS,
        definition="Of the initial child protection conferences held in the month, those held within 15 "
        "working days of the strategy discussion that started the S47 enquiry.",
        model=S47Enquiry,
        period_field="icpc_date",
        period_label="conference held",
        denominator=ICPC_HELD,
        numerator=ICPC_WITHIN_TARGET,
        records="initial child protection conferences held",
        short_name="ICPC within 15 working days",
    ),
    Metric(
        key=MetricKey.CONSENT_RECORDED,
        definition="Of the S47 enquiries started in the month, those with the consent decision recorded: "
        "consent sought and given; sought and refused, with the manager's decision to proceed; or not "
        "sought, with the reason and the manager's decision. Beside it: enquiries where consent was sought "
        "only after information had been shared (retrospective consent).",
        model=S47Enquiry,
        period_field="start_date",
        period_label="started",
        denominator=Q(),
        numerator=standards.CONSENT_RECORDED,
        records="S47 enquiries started",
        short_name="Consent decision recorded",
        related=Related(label="Retrospective consent", condition=standards.CONSENT_RETROSPECTIVE),
    ),
    Metric(
        key=MetricKey.CHRONOLOGY_ON_FILE,
        definition="Of the S47 enquiries completed in the month, those with a chronology on the child's file "
        "at completion.",
        model=S47Enquiry,
        period_field="end_date",
        period_label="completed",
        denominator=standards.S47_COMPLETED,
        numerator=standards.CHRONOLOGY_ON_FILE,
        records="S47 enquiries completed",
        short_name="Chronology on file",
    ),
    Metric(
        key=MetricKey.MANAGEMENT_OVERSIGHT,
        definition="Of the S47 enquiries completed in the month, those with a manager's oversight recorded "
        "between the start of the enquiry and its completion.",
        model=S47Enquiry,
        period_field="end_date",
        period_label="completed",
        denominator=standards.S47_COMPLETED,
        numerator=standards.OVERSIGHT_RECORDED,
        records="S47 enquiries completed",
        short_name="Oversight recorded",
    ),
    Metric(
        key=MetricKey.STRATEGY_AGENCIES,
        definition="Of the strategy discussions held in the month, those attended by police, health and "
        "children's social care (Working Together).",
        model=StrategyDiscussion,
        period_field="date",
        period_label="held",
        denominator=Q(),
        numerator=standards.CORE_AGENCIES_ATTENDED,
        records="strategy discussions held",
        short_name="Police, health and social care",
    ),
    Metric(
        key=MetricKey.REFERRER_ACKNOWLEDGED,
        definition="Of the referrals received in the month, those where the referrer's acknowledgement "
        "(letter, email or telephone) is recorded.",
        model=Referral,
        period_field="received_date",
        period_label="received",
        denominator=Q(),
        numerator=standards.REFERRER_ACKNOWLEDGED,
        records="referrals received",
        short_name="Referrer acknowledged",
    ),
)
BY_KEY: dict[str, Metric] = {metric.key: metric for metric in METRICS}
assert tuple(BY_KEY) == PERCENT_KEYS, "one metric for each percentage measure, in MetricKey's order"
assert all(metric.need.model is metric.model for metric in METRICS)


@dataclasses.dataclass(frozen=True)
class CountMeasure:
    """A count over time, not a percentage: stored as a snapshot's numerator, with denominator 0."""

    key: MetricKey
    definition: str

    @property
    def name(self) -> str:
        return self.key.label


CP_PLANS = CountMeasure(
    key=MetricKey.CHILDREN_ON_CP_PLANS,
    definition="Children with a child protection plan in force on the first day of the month (a plan "
    "ending on that day is not counted).",
)
LOOKED_AFTER = CountMeasure(
    key=MetricKey.CHILDREN_LOOKED_AFTER,
    definition="Children looked after on the first day of the month (an episode ending on that day is "
    "not counted).",
)
LEAVING_CARE = CountMeasure(
    key=MetricKey.TURNING_18_LOOKED_AFTER,
    definition="Young people looked after on the day the figures were computed, by the month of their "
    "18th birthday: they cease to be looked after then.",
)
COUNT_MEASURES = (CP_PLANS, LOOKED_AFTER, LEAVING_CARE)
assert tuple(c.key for c in COUNT_MEASURES) == COUNT_KEYS
LEAVING_CARE_MONTHS_STORED = 24  # months of 18th birthdays kept; the dashboard asks for up to this many


def get(key: str) -> Metric:
    return BY_KEY[key]
