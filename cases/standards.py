"""The standards a case record is checked against (DOMAIN.md), as database expressions.

The same expressions filter the case list and (later) compute the compliance metrics, so a record
shown as "met" on a page is counted as met in every figure. Each has a Python twin on the model
(`S47Enquiry.consent_recorded` etc.); tests hold the two to the same answers.
"""

import dataclasses
from collections.abc import Iterable

from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import Exact

from cases.models import Referral, S47Enquiry, SourceHeldFields, StrategyDiscussion


class MetricKey(models.TextChoices):
    """Every compliance measure's key and name, listed once: metrics computes them (metrics.measures), an
    audit question may measure one too (audits.models.Question.measures), and action plan issues, targets
    and panel reports name them by these keys."""

    S47_WITHIN_15_DAYS = "s47_within_15_days", "S47 enquiries completed within 15 working days"
    ICPC_WITHIN_15_DAYS = "icpc_within_15_days", "Initial child protection conferences within 15 working days"
    CONSENT_RECORDED = "consent_recorded", "Consent decision recorded"
    CHRONOLOGY_ON_FILE = "chronology_on_file", "Chronology on file"
    MANAGEMENT_OVERSIGHT = "management_oversight", "Management oversight recorded"
    STRATEGY_AGENCIES = "strategy_agencies", "Strategy discussions with police, health and social care"
    REFERRER_ACKNOWLEDGED = "referrer_acknowledged", "Referrer acknowledged"
    CHILDREN_ON_CP_PLANS = "children_on_cp_plans", "Children on child protection plans"
    CHILDREN_LOOKED_AFTER = "children_looked_after", "Looked-after children"
    TURNING_18_LOOKED_AFTER = "turning_18_looked_after", "Young people leaving care at 18"


# The measures that are a percentage of records, in the dashboard's order; the rest are counts over time.
PERCENT_KEYS = tuple(MetricKey)[:7]
COUNT_KEYS = tuple(MetricKey)[7:]
# The percentage measures an audit question can measure too, so recorded data and findings are compared.
AUDIT_KEYS = (
    MetricKey.S47_WITHIN_15_DAYS,
    MetricKey.CONSENT_RECORDED,
    MetricKey.CHRONOLOGY_ON_FILE,
    MetricKey.MANAGEMENT_OVERSIGHT,
    MetricKey.STRATEGY_AGENCIES,
    MetricKey.REFERRER_ACKNOWLEDGED,
)


def metric_choices(keys: Iterable[MetricKey]) -> list[tuple[str, str]]:
    """(key, name) choices of some measures: `MetricKey.choices` is all of them."""
    return [(key.value, key.label) for key in keys]


def holds(model: type[SourceHeldFields], *fields: str) -> Q:
    """Records whose sources held every one of `fields` (`SourceHeldFields.holds` is its twin)."""
    mask = model.source_mask(fields)
    if not mask:
        return Q()
    # `unknown_fields = 0` first, though the bit test alone says the same: PostgreSQL estimates the share
    # of rows an equality on a column matches from its statistics (nearly all records hold every field),
    # but guesses half a percent for a test on an expression such as `unknown_fields & 1`; that guess
    # once made it read every record of a month to show a drill-down's 50, not the first 50 by the index.
    return Q(unknown_fields=0) | Q(Exact(F("unknown_fields").bitand(mask), 0))


@dataclasses.dataclass(frozen=True)
class SourceNeed:
    """The fields of a record a measure reads: a record whose sources did not hold them all is left out
    of the measure (not counted as "not met"), and the measure says how many records it was counted from.
    Keyed by the measure's key (`MetricKey`)."""

    model: type[SourceHeldFields]
    fields: tuple[str, ...]
    holds_what: str  # "an end date": shown as "... whose record holds an end date"

    @property
    def condition(self) -> Q:
        return holds(self.model, *self.fields)


_CONSENT_FIELDS = ("consent", "consent_manager_decision", "consent_not_sought_reason")
SOURCE_NEEDS = {
    MetricKey.S47_WITHIN_15_DAYS: SourceNeed(S47Enquiry, ("end_date",), "an end date"),
    MetricKey.ICPC_WITHIN_15_DAYS: SourceNeed(S47Enquiry, ("icpc_date",), "an ICPC date"),
    MetricKey.CONSENT_RECORDED: SourceNeed(S47Enquiry, _CONSENT_FIELDS, "the consent decision"),
    MetricKey.CHRONOLOGY_ON_FILE: SourceNeed(
        S47Enquiry, ("end_date", "chronology_on_file"), "an end date and the chronology"
    ),
    MetricKey.MANAGEMENT_OVERSIGHT: SourceNeed(
        S47Enquiry, ("end_date", "management_oversight_date"), "an end date and the management oversight"
    ),
    MetricKey.STRATEGY_AGENCIES: SourceNeed(
        StrategyDiscussion, ("social_care_attended", "police_attended", "health_attended"), "who attended"
    ),
    MetricKey.REFERRER_ACKNOWLEDGED: SourceNeed(Referral, ("acknowledgement_date",), "the acknowledgement"),
}
assert set(SOURCE_NEEDS) == set(PERCENT_KEYS)
HOLDS_END_DATE = holds(S47Enquiry, "end_date")

S47_COMPLETED = Q(end_date__isnull=False)
S47_WITHIN_TARGET = S47_COMPLETED & Q(end_date__lte=F("target_date"))
S47_OUTSIDE_TARGET = S47_COMPLETED & Q(end_date__gt=F("target_date"))

CONSENT_RECORDED = (
    Q(consent="given")
    | Q(consent="refused", consent_manager_decision=True)
    | (Q(consent="not_sought", consent_manager_decision=True) & ~Q(consent_not_sought_reason__regex=r"^\s*$"))
)
CONSENT_RETROSPECTIVE = Q(
    consent_date__isnull=False,
    information_shared_date__isnull=False,
    consent_date__gt=F("information_shared_date"),
)
CHRONOLOGY_ON_FILE = Q(chronology_on_file=True)
OVERSIGHT_RECORDED = Q(
    management_oversight_date__isnull=False, management_oversight_date__gte=F("start_date")
) & (Q(end_date__isnull=True) | Q(management_oversight_date__lte=F("end_date")))
CORE_AGENCIES_ATTENDED = Q(social_care_attended=True, police_attended=True, health_attended=True)
REFERRER_ACKNOWLEDGED = Q(acknowledgement_date__isnull=False)


def s47_open_and_overdue(on_date) -> Q:
    """Open and past the target; an enquiry whose sources held no end date is not known to be open."""
    return Q(end_date__isnull=True, target_date__lt=on_date) & HOLDS_END_DATE
