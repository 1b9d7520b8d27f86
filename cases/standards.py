"""The standards a case record is checked against (DOMAIN.md), as database expressions.

The same expressions filter the case list and (later) compute the compliance metrics, so a record
shown as "met" on a page is counted as met in every figure. Each has a Python twin on the model
(`S47Enquiry.consent_recorded` etc.); tests hold the two to the same answers.
"""

from django.db.models import F, Q

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
    return Q(end_date__isnull=True, target_date__lt=on_date)
