"""Who may see and change action plans: one place (STYLE.md `access_*` guards).

- QA leads (administrators and managers, as for audits) create and edit plans, issues and actions, and
  cancel actions.
- Managers and administrators sign actions off, but never an action they own themselves, marked complete
  themselves or added evidence to: sign-off is a second person's check of the evidence (separation of
  duties). For the same reason an action's owner is not changed while it awaits sign-off.
- An action's owner posts progress updates on it; so may the plan's lead and QA leads.
- Administrators, managers, moderators and report officers read every plan; anyone else reads the plans
  they lead or own an action in, except partner agency auditors, who see only their own actions.
- Panel members see none of it (they read the issued reports).
A single object the user may not see is a 404, so its existence is not disclosed.
"""

import uuid

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from actions.models import Action, ActionPlan, Evidence, PlanIssue, ProgressUpdate
from audits import access as audit_access
from common import roles

User_ = User | AnonymousUser

MANAGE_ROLES = audit_access.LEAD_ROLES  # Administrator, Manager
SIGN_OFF_ROLES = (roles.ADMINISTRATOR, roles.MANAGER)
ALL_PLANS_ROLES = (roles.ADMINISTRATOR, roles.MANAGER, roles.MODERATOR, roles.REPORT_OFFICER)
# Anyone who may own an action, and so open "My actions" and the action's page.
ACTION_ROLES = (*ALL_PLANS_ROLES, roles.AUDITOR, roles.PARTNER_AUDITOR)
# The cross-plan views (overdue actions) are for the roles that see every plan.
REVIEW_ROLES = ALL_PLANS_ROLES


def plans_visible_to(user: User_) -> QuerySet[ActionPlan]:
    if not user.is_authenticated:  # no role
        return ActionPlan.objects.none()
    if roles.has_role(user, *ALL_PLANS_ROLES):
        return ActionPlan.objects.all()
    if roles.has_role(user, *ACTION_ROLES) and not roles.has_role(user, roles.PARTNER_AUDITOR):
        owned = Action.objects.filter(owner=user).values("issue__plan_id")
        return ActionPlan.objects.filter(Q(lead=user) | Q(pk__in=owned))
    return ActionPlan.objects.none()


def actions_visible_to(user: User_) -> QuerySet[Action]:
    if not user.is_authenticated:  # no role
        return Action.objects.none()
    if roles.has_role(user, *ALL_PLANS_ROLES):
        return Action.objects.all()
    if roles.has_role(user, roles.PARTNER_AUDITOR):
        return Action.objects.filter(owner=user)
    if roles.has_role(user, *ACTION_ROLES):
        return Action.objects.filter(issue__plan__in=plans_visible_to(user))
    return Action.objects.none()


def issues_visible_to(user: User_) -> QuerySet[PlanIssue]:
    return PlanIssue.objects.filter(plan__in=plans_visible_to(user))


def may_manage(user: User_) -> bool:
    return roles.has_role(user, *MANAGE_ROLES)


def may_post_update(user: User_, action: Action) -> bool:
    if action.status in Action.CLOSED:
        return False
    return action.owner_id == user.pk or action.issue.plan.lead_id == user.pk or may_manage(user)


def sign_off_refusal(user: User_, action: Action) -> str | None:
    """Why this user may not sign this action off, or None if they may."""
    if not user.is_authenticated or not roles.has_role(user, *SIGN_OFF_ROLES):
        return "Only a manager or an administrator can sign an action off."
    if action.owner_id == user.pk:
        return "You own this action: another manager must check the evidence and sign it off."
    if marked_complete_by(action) == user.pk:
        return "You marked this action complete: another manager must check the evidence and sign it off."
    if Evidence.objects.filter(update__action=action, uploaded_by=user).exists():
        return "You added evidence to this action: another manager must check the evidence and sign it off."
    return None


def awaiting_sign_off_by(user: User_) -> QuerySet[Action]:
    """The actions awaiting sign-off that this user may sign off: `sign_off_refusal` as a queryset (a
    test holds the two to the same answers)."""
    if not isinstance(user, User) or not roles.has_role(user, *SIGN_OFF_ROLES):
        return Action.objects.none()
    marker = (
        ProgressUpdate.objects.filter(action=OuterRef("pk"), status_after=Action.Status.AWAITING_SIGN_OFF)
        .order_by("-pk")
        .values("author_id")[:1]
    )
    their_evidence = Evidence.objects.filter(update__action=OuterRef("pk"), uploaded_by=user)
    return (
        actions_visible_to(user)
        .filter(status=Action.Status.AWAITING_SIGN_OFF)
        .exclude(owner=user)
        .annotate(marked_by=Subquery(marker))
        .filter(Q(marked_by__isnull=True) | ~Q(marked_by=user.pk))
        .exclude(Exists(their_evidence))
    )


def marked_complete_by(action: Action) -> int | None:
    """The id of whoever last asked for this action's sign-off (the update that marked it complete)."""
    return (
        ProgressUpdate.objects.filter(action=action, status_after=Action.Status.AWAITING_SIGN_OFF)
        .order_by("-pk")
        .values_list("author_id", flat=True)
        .first()
    )


def access_plan(user: User_, plan_uuid: uuid.UUID, *, write: bool = False) -> ActionPlan:
    try:
        plan = plans_visible_to(user).select_related("audit", "lead").get(uuid=plan_uuid)
    except ActionPlan.DoesNotExist:
        raise Http404("No such action plan, or you may not see it.") from None
    if write and not may_manage(user):
        raise PermissionDenied
    return plan


def access_issue(user: User_, issue_uuid: uuid.UUID, *, write: bool = False) -> PlanIssue:
    try:
        issue = issues_visible_to(user).select_related("plan__audit").get(uuid=issue_uuid)
    except PlanIssue.DoesNotExist:
        raise Http404("No such issue, or you may not see it.") from None
    if write and not may_manage(user):
        raise PermissionDenied
    return issue


def access_action(
    user: User_,
    action_uuid: uuid.UUID,
    *,
    write: bool = False,
    post_update: bool = False,
    sign_off: bool = False,
) -> Action:
    """write: edit or cancel (QA leads); post_update: the owner, the plan lead or a QA lead;
    sign_off: a manager or administrator who does not own the action."""
    try:
        action = (
            actions_visible_to(user)
            .select_related("issue__plan__audit", "issue__plan__lead", "owner", "signed_off_by")
            .get(uuid=action_uuid)
        )
    except Action.DoesNotExist:
        raise Http404("No such action, or you may not see it.") from None
    if write and not may_manage(user):
        raise PermissionDenied
    if post_update and not may_post_update(user, action):
        raise PermissionDenied
    if sign_off and sign_off_refusal(user, action):
        raise PermissionDenied(sign_off_refusal(user, action))
    return action


def access_evidence(user: User_, evidence_uuid: uuid.UUID) -> Evidence:
    """An evidence file of an action the user may see. Unlike the other guards, a file that exists but
    belongs to an action the user may not see is a 403: the download is refused, not hidden."""
    try:
        evidence = Evidence.objects.select_related("update__action").get(uuid=evidence_uuid)
    except Evidence.DoesNotExist:
        raise Http404("No such file.") from None
    if not actions_visible_to(user).filter(pk=evidence.update.action_id).exists():
        raise PermissionDenied
    return evidence
