"""Reads of case records, always through what the user may see.

One place per object type decides visibility: `*_visible_to(user)` for lists and `access_*` for a
single object (a 404 for anything the user may not see, so existence is not disclosed).
"""

import datetime
import uuid

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cases.models import Child, CPPlan, LookedAfterEpisode, Referral, S47Enquiry, StrategyDiscussion
from common import roles


def _sees_all_cases(user: User | AnonymousUser) -> bool:
    return roles.has_role(user, *roles.ALL_CASES_ROLES)


def children_visible_to(user: User | AnonymousUser) -> QuerySet[Child]:
    if _sees_all_cases(user):
        return Child.objects.all()
    if roles.has_role(user, roles.AUDITOR):
        # An auditor sees only the children whose cases are assigned to them.
        from audits.models import CaseAudit  # audits builds on cases; the import stays local to avoid a cycle

        assigned = current_assignments(CaseAudit.objects.filter(auditor=user))
        return Child.objects.filter(pk__in=assigned.values("child_id"))
    return Child.objects.none()


def current_assignments(case_audits: QuerySet) -> QuerySet:
    """The case audits whose assignment still gives sight of the case: need to know ends a set time
    (settings.CASE_AUDIT_ACCESS_DAYS_AFTER_LOCK) after the audit is locked.

    Used for auditors and partner agency auditors only, here and in audits.access; the roles that see
    every case keep seeing them.
    """
    return case_audits.filter(Q(audit__locked_at__isnull=True) | Q(audit__locked_at__gt=assignment_cutoff()))


def assignment_cutoff() -> datetime.datetime:
    """An audit locked at or before this moment no longer gives its auditors sight of its cases."""
    return timezone.now() - datetime.timedelta(days=settings.CASE_AUDIT_ACCESS_DAYS_AFTER_LOCK)


def _by_child(model, user) -> QuerySet:
    if _sees_all_cases(user):
        return model.objects.all()
    return model.objects.filter(child__in=children_visible_to(user))


def s47_enquiries_visible_to(user: User | AnonymousUser) -> QuerySet[S47Enquiry]:
    return _by_child(S47Enquiry, user)


def referrals_visible_to(user: User | AnonymousUser) -> QuerySet[Referral]:
    return _by_child(Referral, user)


def strategy_discussions_visible_to(user: User | AnonymousUser) -> QuerySet[StrategyDiscussion]:
    return _by_child(StrategyDiscussion, user)


def access_child(user: User | AnonymousUser, child_uuid: uuid.UUID) -> Child:
    try:
        return children_visible_to(user).get(uuid=child_uuid)
    except Child.DoesNotExist:
        raise Http404("No such child record, or you may not see it.") from None


def child_timeline(child: Child) -> list[dict]:
    """Every event on the child's file, newest first, for the child page."""
    events: list[dict] = []
    for referral in Referral.objects.filter(child=child).select_related("team"):
        events.append({"date": referral.received_date, "kind": "Referral", "record": referral})
    for discussion in StrategyDiscussion.objects.filter(child=child).select_related("team"):
        events.append({"date": discussion.date, "kind": "Strategy discussion", "record": discussion})
    for enquiry in S47Enquiry.objects.filter(child=child).select_related(
        "team", "worker", "oversight_manager"
    ):
        events.append({"date": enquiry.start_date, "kind": "S47 enquiry", "record": enquiry})
    for plan in CPPlan.objects.filter(child=child):
        events.append({"date": plan.start_date, "kind": "Child protection plan", "record": plan})
    for episode in LookedAfterEpisode.objects.filter(child=child):
        events.append({"date": episode.start_date, "kind": "Looked after", "record": episode})
    events.sort(key=lambda e: (e["date"], e["kind"]), reverse=True)
    return events
