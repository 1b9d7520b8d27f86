"""Reads of case records, always through what the user may see.

One place per object type decides visibility: `*_visible_to(user)` for lists and `access_*` for a
single object (a 404 for anything the user may not see, so existence is not disclosed).
"""

import uuid

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet
from django.http import Http404

from cases.grants import child_sight_grants
from cases.models import Child, CPPlan, LookedAfterEpisode, Referral, S47Enquiry, StrategyDiscussion
from common import roles


def _sees_all_cases(user: User | AnonymousUser) -> bool:
    return roles.has_role(user, *roles.ALL_CASES_ROLES)


def children_visible_to(user: User | AnonymousUser) -> QuerySet[Child]:
    if _sees_all_cases(user):
        return Child.objects.all()
    # Any other role sees only the children a higher app grants it (cases/grants.py): an auditor, the
    # children whose cases are assigned to them (audits.access.children_assigned_to).
    granted = Q()
    for role, children in child_sight_grants().items():
        if roles.has_role(user, role):
            granted |= Q(pk__in=children(user))
    return Child.objects.filter(granted) if granted else Child.objects.none()


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
