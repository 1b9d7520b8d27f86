"""The standards a case record is checked against (DOMAIN.md), as database expressions.

The same expressions filter the case list and (later) compute the compliance metrics, so a record
shown as "met" on a page is counted as met in every figure. Each has a Python twin on the model
(`S47Enquiry.consent_recorded` etc.); tests hold the two to the same answers.
"""

import dataclasses

from django.db.models import F, Q
from django.db.models.lookups import Exact

from cases.models import Referral, S47Enquiry, SourceHeldFields, StrategyDiscussion


def holds(model: type[SourceHeldFields], *fields: str) -> Q:
    """Records whose sources held every one of `fields` (`SourceHeldFields.holds` is its twin)."""
    mask = model.source_mask(fields)
    if not mask:
        return Q()
    return Q(Exact(F("unknown_fields").bitand(mask), 0))


@dataclasses.dataclass(frozen=True)
class SourceNeed:
    """The fields of a record a measure reads: a record whose sources did not hold them all is left out
    of the measure (not counted as "not met"), and the measure says how many records it was counted from.
    Keyed by the measure's key (metrics.measures, audits.models.Question.measures)."""

    name: str  # the measure's name, as the import preview lists the measures a file cannot feed
    model: type[SourceHeldFields]
    fields: tuple[str, ...]
    holds_what: str  # "an end date": shown as "... whose record holds an end date"

    @property
    def condition(self) -> Q:
        return holds(self.model, *self.fields)


_CONSENT_FIELDS = ("consent", "consent_manager_decision", "consent_not_sought_reason")
SOURCE_NEEDS = {
    "s47_within_15_days": SourceNeed(
        "S47 enquiries completed within 15 working days", S47Enquiry, ("end_date",), "an end date"
    ),
    "icpc_within_15_days": SourceNeed(
        "Initial child protection conferences within 15 working days",
        S47Enquiry,
        ("icpc_date",),
        "an ICPC date",
    ),
    "consent_recorded": SourceNeed(
        "Consent decision recorded", S47Enquiry, _CONSENT_FIELDS, "the consent decision"
    ),
    "chronology_on_file": SourceNeed(
        "Chronology on file", S47Enquiry, ("end_date", "chronology_on_file"), "an end date and the chronology"
    ),
    "management_oversight": SourceNeed(
        "Management oversight recorded",
        S47Enquiry,
        ("end_date", "management_oversight_date"),
        "an end date and the management oversight",
    ),
    "strategy_agencies": SourceNeed(
        "Strategy discussions with police, health and social care",
        StrategyDiscussion,
        ("social_care_attended", "police_attended", "health_attended"),
        "who attended",
    ),
    "referrer_acknowledged": SourceNeed(
        "Referrer acknowledged", Referral, ("acknowledgement_date",), "the acknowledgement"
    ),
}
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
