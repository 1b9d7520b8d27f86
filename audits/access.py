"""Who may see and change audits: one place per object type (STYLE.md `access_*` guards).

- Administrators, managers (QA leads) and moderators see every audit; report officers see audits and
  their results but no case audit's answers; panel members see none of it.
- Auditors see the audits they have case audits in, and only their own case audits.
- Partner agency auditors see only their own agency's case audits that are assigned to them.
- Practitioners see only the feedback on their own cases (as the allocated worker or as the team
  manager), never a case audit or a child's record; QA leads and moderators see all feedback.
- For both, need to know ends: an assignment gives sight of the case audit (and, for auditors, the
  child's record) until CASE_AUDIT_ACCESS_DAYS_AFTER_LOCK days after the audit is locked.
- Double scoring is blind: while either scoring of a double-scored case is not yet submitted, each of its two
  auditors is kept from the other's case audit (its answers, grade and notes), whatever roles they hold
  (`blind_hidden_from`). Every page, export and API endpoint reads case audits through this module.
A single object the user may not see is a 404, so its existence is not disclosed.
"""

import datetime
import uuid

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from audits.models import Audit, CaseAudit, Feedback
from common import roles

LEAD_ROLES = (roles.ADMINISTRATOR, roles.MANAGER)
ALL_AUDITS_ROLES = (roles.ADMINISTRATOR, roles.MANAGER, roles.MODERATOR, roles.REPORT_OFFICER)
ALL_CASE_AUDITS_ROLES = (roles.ADMINISTRATOR, roles.MANAGER, roles.MODERATOR)
AUDIT_ROLES = (*ALL_AUDITS_ROLES, roles.AUDITOR, roles.PARTNER_AUDITOR)
SCORING_ROLES = (roles.AUDITOR, roles.PARTNER_AUDITOR)
MODERATION_ROLES = (roles.MODERATOR, roles.ADMINISTRATOR)
RESULTS_ROLES = ALL_AUDITS_ROLES
# Feedback to practitioners: a practitioner sees their own; these see all of it.
ALL_FEEDBACK_ROLES = (roles.ADMINISTRATOR, roles.MANAGER, roles.MODERATOR)
FEEDBACK_ROLES = (*ALL_FEEDBACK_ROLES, roles.PRACTITIONER)
FEEDBACK_OVERVIEW_ROLES = LEAD_ROLES

User_ = User | AnonymousUser


def user_agency(user: User_) -> str | None:
    profile = getattr(user, "auditor_profile", None)
    return profile.agency if profile else None


def assignment_cutoff() -> datetime.datetime:
    """An audit locked at or before this moment no longer gives its auditors sight of its cases."""
    return timezone.now() - datetime.timedelta(days=settings.CASE_AUDIT_ACCESS_DAYS_AFTER_LOCK)


def current_assignments(case_audits: QuerySet[CaseAudit]) -> QuerySet[CaseAudit]:
    """The case audits whose assignment still gives sight of the case: need to know ends a set time
    (settings.CASE_AUDIT_ACCESS_DAYS_AFTER_LOCK) after the audit is locked.

    Used for auditors and partner agency auditors only; the roles that see every case keep seeing them.
    """
    return case_audits.filter(Q(audit__locked_at__isnull=True) | Q(audit__locked_at__gt=assignment_cutoff()))


def children_assigned_to(user: User) -> QuerySet:
    """The pks of the children an auditor may see: those of their current assignments. Registered with
    cases.grants (audits/apps.py), so cases.selectors.children_visible_to shows the auditor these."""
    return current_assignments(CaseAudit.objects.filter(auditor=user)).values("child_id")


# A scoring counts as submitted for the blind rule once its auditor has submitted it (and it stays so when
# moderated); returned to its auditor, it is being scored again and the blind holds once more.
SUBMITTED_STATUSES = (CaseAudit.Status.SUBMITTED, CaseAudit.Status.MODERATED)


def blind_hidden_from(user: User_) -> QuerySet[CaseAudit]:
    """The case audits kept from `user` by blind double scoring: the other scoring of a double-scored case
    that `user` is assigned to score, until both scorings are submitted."""
    if not user.is_authenticated:
        return CaseAudit.objects.none()
    mine = CaseAudit.objects.filter(
        audit=OuterRef("audit"), record_id=OuterRef("record_id"), agency=OuterRef("agency"), auditor=user
    ).exclude(scoring=OuterRef("scoring"))
    return (
        CaseAudit.objects.filter(Exists(mine))
        .exclude(auditor=user)
        .exclude(Q(status__in=SUBMITTED_STATUSES) & Exists(mine.filter(status__in=SUBMITTED_STATUSES)))
    )


def case_audits_visible_to(user: User_) -> QuerySet[CaseAudit]:
    if not user.is_authenticated:  # no role
        return CaseAudit.objects.none()
    if roles.has_role(user, *ALL_CASE_AUDITS_ROLES):
        return CaseAudit.objects.exclude(pk__in=blind_hidden_from(user).values("pk"))
    if roles.has_role(user, roles.AUDITOR):
        return current_assignments(CaseAudit.objects.filter(auditor=user))
    if roles.has_role(user, roles.PARTNER_AUDITOR):
        return current_assignments(CaseAudit.objects.filter(auditor=user, agency=user_agency(user) or ""))
    return CaseAudit.objects.none()


def audits_visible_to(user: User_) -> QuerySet[Audit]:
    if roles.has_role(user, *ALL_AUDITS_ROLES):
        return Audit.objects.all()
    return Audit.objects.filter(pk__in=case_audits_visible_to(user).values("audit_id"))


def access_audit(user: User_, audit_uuid: uuid.UUID, *, write: bool = False) -> Audit:
    try:
        audit = audits_visible_to(user).select_related("tool_version__tool", "programme").get(uuid=audit_uuid)
    except Audit.DoesNotExist:
        raise Http404("No such audit, or you may not see it.") from None
    if write and not roles.has_role(user, *LEAD_ROLES):
        raise PermissionDenied
    return audit


def access_case_audit(user: User_, case_audit_uuid: uuid.UUID, *, write: bool = False) -> CaseAudit:
    """write=True: the assigned auditor (scoring); moderation uses access_case_audit_for_moderation."""
    try:
        case_audit = (
            case_audits_visible_to(user)
            .select_related("audit__tool_version__tool", "child", "team", "auditor")
            .get(uuid=case_audit_uuid)
        )
    except CaseAudit.DoesNotExist:
        raise Http404("No such case audit, or you may not see it.") from None
    if write and case_audit.auditor_id != user.pk:
        raise PermissionDenied
    return case_audit


def access_case_audit_for_moderation(user: User_, case_audit_uuid: uuid.UUID) -> CaseAudit:
    if not roles.has_role(user, *MODERATION_ROLES):
        raise PermissionDenied
    return access_case_audit(user, case_audit_uuid)


def feedback_visible_to(user: User_) -> QuerySet[Feedback]:
    """All feedback for QA leads and moderators; a practitioner's own: the cases allocated to their worker
    and those where their worker is the team manager."""
    if not user.is_authenticated:
        return Feedback.objects.none()
    if roles.has_role(user, *ALL_FEEDBACK_ROLES):
        return Feedback.objects.all()
    if roles.has_role(user, roles.PRACTITIONER):
        return Feedback.objects.filter(
            Q(worker__practitioner_profile__user=user) | Q(manager__practitioner_profile__user=user)
        )
    return Feedback.objects.none()


def access_feedback(user: User_, feedback_uuid: uuid.UUID, *, respond: bool = False) -> Feedback:
    """respond=True: only the allocated worker (their team manager reads it, and QA leads read it)."""
    try:
        feedback = (
            feedback_visible_to(user)
            .select_related("case_audit__audit", "case_audit__child", "worker", "manager")
            .get(uuid=feedback_uuid)
        )
    except Feedback.DoesNotExist:
        raise Http404("No such feedback, or you may not see it.") from None
    profile = getattr(user, "practitioner_profile", None)
    if respond and (profile is None or profile.worker_id != feedback.worker_id):
        raise PermissionDenied
    return feedback
