"""Every change to action plans, issues, actions and their progress. Each records who did it: simple_history
keeps a row per change with the user and a reason, shown on the history pages.

The rules of the workflow live here (the database enforces the two that must never break: complete only
with a sign-off, cancelled only with a reason):
not started -> in progress -> complete, awaiting sign-off -> complete (a manager's sign-off, with
evidence, never by the action's own owner, nor by whoever marked it complete or added its evidence; its
owner is not changed while it awaits sign-off); a refused sign-off goes back to in progress with the
reason; any open action may be cancelled with a reason.
"""

import datetime
from collections.abc import Sequence

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from actions import access, selectors
from actions.evidence import evidence_check, evidence_store
from actions.models import Action, ActionPlan, Evidence, PlanIssue, ProgressUpdate
from actions.storage import evidence_storage
from audits.models import Audit, Question
from audits.results import audit_results
from common import roles
from common.figures import Figure
from common.history import save_with_history
from metrics import measures


def _require_manager(user: User) -> None:
    if not access.may_manage(user):
        raise ValidationError("Only a QA lead (a manager or an administrator) can do that.")


def _require_open(action: Action) -> None:
    if action.status in Action.CLOSED:
        raise ValidationError(f"This action is {action.get_status_display().lower()}: it cannot be changed.")


def _lock(action: Action) -> Action:
    """The action's row, locked for the rest of the transaction, so two status changes never cross."""
    locked = Action.objects.select_for_update().get(pk=action.pk)
    action.__dict__.update({f.attname: getattr(locked, f.attname) for f in Action._meta.concrete_fields})
    return action


# Plans and issues ---------------------------------------------------------------------------------------


@transaction.atomic
def plan_create(
    *,
    user: User,
    title: str,
    lead: User,
    review_date: datetime.date,
    audit: Audit | None = None,
    theme: str = "",
) -> ActionPlan:
    _require_manager(user)
    if audit is None and not theme.strip():
        raise ValidationError({"theme": "Enter the plan's theme, or create it from an audit."})
    plan = ActionPlan(
        title=title.strip(),
        audit=audit,
        theme=theme.strip(),
        lead=lead,
        review_date=review_date,
        created_by=user,
    )
    save_with_history(plan, user=user, reason="Plan created")
    return plan


def _require_plan_open(plan: ActionPlan) -> None:
    if plan.status == ActionPlan.Status.CLOSED:
        raise ValidationError("This plan is closed: reopen it (Edit the plan) to add to it.")


@transaction.atomic
def plan_update(
    *,
    plan: ActionPlan,
    user: User,
    title: str,
    lead: User,
    review_date: datetime.date,
    theme: str,
    status: str,
) -> ActionPlan:
    _require_manager(user)
    if plan.audit_id is None and not theme.strip():
        raise ValidationError({"theme": "Enter the plan's theme."})
    if status == ActionPlan.Status.CLOSED and plan.status != ActionPlan.Status.CLOSED:
        still_open = Action.objects.filter(issue__plan=plan).exclude(status__in=Action.CLOSED).count()
        if still_open:
            raise ValidationError(
                {
                    "status": f"Close the plan once every action is complete or cancelled: {still_open} still open."
                }
            )
    plan.title, plan.lead, plan.review_date, plan.theme, plan.status = (
        title.strip(),
        lead,
        review_date,
        theme.strip(),
        status,
    )
    save_with_history(plan, user=user, reason="Plan edited")
    return plan


@transaction.atomic
def issue_create(
    *,
    plan: ActionPlan,
    user: User,
    description: str,
    question_codes: Sequence[str] = (),
    metric: str = "",
    figure: Figure | None = None,
    figure_label: str = "",
) -> PlanIssue:
    """An issue identified, with the figure at the time copied from the plan's audit results (the chosen
    questions' figure) or from the latest all-teams figure of a population metric. A `figure` given
    outright (e.g. from an earlier paper audit) is recorded as it is."""
    given = figure
    _require_manager(user)
    _require_plan_open(plan)
    if question_codes and metric:
        raise ValidationError("Link the issue to audit questions or to a metric, not both.")
    issue = PlanIssue(plan=plan, description=description.strip(), created_by=user, metric=metric)
    issue.order = (plan.issues.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    questions: list[Question] = []
    if question_codes:
        audit = plan.audit
        if audit is None:
            raise ValidationError("This plan does not follow an audit: link the issue to a metric instead.")
        by_code = {q.code: q for q in selectors.rating_questions(audit)}
        unknown = [code for code in question_codes if code not in by_code]
        if unknown:
            raise ValidationError({"questions": f"Not a question of this audit: {', '.join(unknown)}."})
        questions = [by_code[code] for code in by_code if code in question_codes]
        figure = selectors.combined_figure(audit_results(audit), [q.code for q in questions])
        issue.figure_label = selectors.questions_label(questions)[:200]
    elif metric:
        if metric not in measures.BY_KEY:
            raise ValidationError({"metric": "Choose one of the metrics."})
        snapshot = selectors.latest_metric_snapshot(metric)
        figure = snapshot.figure if snapshot else None
        issue.figure_label = selectors.metric_label(metric, snapshot)[:200]
    else:
        figure = None
    if given is not None:
        figure = given
        issue.figure_label = figure_label[:200] or issue.figure_label
    if figure is not None and figure.denominator:
        issue.figure_numerator, issue.figure_denominator = figure.numerator, figure.denominator
        issue.figure_recorded_at = timezone.now()
    save_with_history(issue, user=user, reason="Issue identified")
    if questions:
        issue.questions.set(questions)
    return issue


@transaction.atomic
def issue_update(*, issue: PlanIssue, user: User, description: str) -> PlanIssue:
    """Rewords the issue. The figure at the time stays as it was recorded: it is the 'before' of the
    effect check."""
    _require_manager(user)
    if not description.strip():
        raise ValidationError({"description": "Enter the issue identified"})
    if issue.description == description.strip():
        return issue
    issue.description = description.strip()
    save_with_history(issue, user=user, reason="Issue reworded")
    return issue


# Actions ------------------------------------------------------------------------------------------------


@transaction.atomic
def action_create(
    *,
    issue: PlanIssue,
    user: User,
    description: str,
    owner: User,
    lead: str,
    due_date: datetime.date,
    priority: str = Action.Priority.MEDIUM,
) -> Action:
    _require_manager(user)
    _require_plan_open(issue.plan)
    if not _may_own(owner):
        raise ValidationError({"owner": "The owner must be a member of staff with a role in this service."})
    action = Action(
        issue=issue,
        description=description.strip(),
        owner=owner,
        lead=lead.strip(),
        due_date=due_date,
        priority=priority,
        created_by=user,
    )
    save_with_history(action, user=user, reason="Action created")
    return action


def _may_own(user: User) -> bool:
    return user.is_active and roles.has_role(user, *access.ACTION_ROLES)


@transaction.atomic
def action_update(
    *,
    action: Action,
    user: User,
    description: str,
    owner: User,
    lead: str,
    due_date: datetime.date,
    priority: str,
) -> Action:
    _require_manager(user)
    action = _lock(action)
    _require_open(action)
    if owner.pk != action.owner_id and action.status == Action.Status.AWAITING_SIGN_OFF:
        raise ValidationError(
            {
                "owner": "The action awaits sign-off: its owner cannot be changed until it is signed off "
                "or sent back."
            }
        )
    if owner.pk != action.owner_id and not _may_own(owner):
        raise ValidationError({"owner": "The owner must be a member of staff with a role in this service."})
    action.description, action.owner, action.lead, action.due_date, action.priority = (
        description.strip(),
        owner,
        lead.strip(),
        due_date,
        priority,
    )
    save_with_history(action, user=user, reason="Action edited")
    return action


@transaction.atomic
def action_start(*, action: Action, user: User) -> Action:
    action = _lock(action)
    if action.status == Action.Status.IN_PROGRESS:
        return action  # already started: nothing to do
    if action.status != Action.Status.NOT_STARTED:
        raise ValidationError("Only an action not yet started can be started.")
    if not access.may_post_update(user, action):
        raise ValidationError("Only the action's owner, the plan's lead or a QA lead can start it.")
    action.status = Action.Status.IN_PROGRESS
    save_with_history(action, user=user, reason="Action started")
    return action


@transaction.atomic
def progress_update_post(
    *,
    action: Action,
    user: User,
    note: str,
    written_on: datetime.date,
    files: Sequence[File] = (),
    mark_complete: bool = False,
) -> ProgressUpdate:
    """A dated note with any evidence files. Posting moves a not-started action to in progress;
    `mark_complete` asks for sign-off, which needs evidence on the action (this update's or an earlier)."""
    action = _lock(action)
    _require_open(action)
    if not access.may_post_update(user, action):
        raise ValidationError("Only the action's owner, the plan's lead or a QA lead can post an update.")
    if not note.strip():
        raise ValidationError({"note": "Enter the update"})
    if written_on > timezone.localdate():
        raise ValidationError({"written_on": "The date of the update must be today or in the past"})
    checked = [evidence_check(f) for f in files]
    if mark_complete and not checked and not selectors.action_has_evidence(action):
        raise ValidationError(
            {"files": "Attach evidence of the work done: an action is signed off only with evidence"}
        )
    before = action.status
    if mark_complete:
        action.status = Action.Status.AWAITING_SIGN_OFF
    elif action.status == Action.Status.NOT_STARTED:
        action.status = Action.Status.IN_PROGRESS
    update = ProgressUpdate.objects.create(
        action=action,
        written_on=written_on,
        note=note.strip(),
        status_after=action.status if action.status != before else "",
        author=user,
    )
    stored_names: list[str] = []
    try:
        for item in checked:
            stored, sha256 = evidence_store(item)
            stored_names.append(stored)
            Evidence.objects.create(
                update=update,
                file=stored,
                original_name=item.name[:255],
                content_type=item.content_type,
                size=item.file.size,
                sha256=sha256,
                scan=item.scan,
                uploaded_by=user,
            )
    except Exception:
        # The rows roll back with the transaction; the files written so far must go with them.
        for name in stored_names:
            evidence_storage().delete(name)
        raise
    if action.status != before:
        reason = "Marked complete, awaiting sign-off" if mark_complete else "Progress update posted"
        save_with_history(action, user=user, reason=reason)
    return update


@transaction.atomic
def action_sign_off(*, action: Action, user: User) -> Action:
    action = _lock(action)
    if action.status == Action.Status.COMPLETE:
        return action  # already signed off: a repeated click changes nothing
    refusal = access.sign_off_refusal(user, action)
    if refusal:
        raise ValidationError(refusal)
    if action.status != Action.Status.AWAITING_SIGN_OFF:
        raise ValidationError("Only an action marked complete by its owner can be signed off.")
    if not selectors.action_has_evidence(action):
        raise ValidationError(
            "There is no evidence on this action: it cannot be signed off without evidence."
        )
    action.status = Action.Status.COMPLETE
    action.signed_off_by = user
    action.signed_off_at = timezone.now()
    save_with_history(action, user=user, reason="Signed off as complete")
    return action


@transaction.atomic
def action_reopen(*, action: Action, user: User, reason: str) -> Action:
    """Sign-off refused: back to in progress, with the reason posted as an update the owner reads."""
    action = _lock(action)
    refusal = access.sign_off_refusal(user, action)
    if refusal:
        raise ValidationError(refusal)
    if action.status != Action.Status.AWAITING_SIGN_OFF:
        raise ValidationError("Only an action awaiting sign-off can be sent back.")
    if not reason.strip():
        raise ValidationError({"reason": "Enter the reason the action is not yet complete"})
    action.status = Action.Status.IN_PROGRESS
    ProgressUpdate.objects.create(
        action=action,
        written_on=timezone.localdate(),
        note=f"Sign-off refused: {reason.strip()}",
        status_after=action.status,
        author=user,
    )
    save_with_history(action, user=user, reason=f"Sign-off refused: {reason.strip()}")
    return action


@transaction.atomic
def action_cancel(*, action: Action, user: User, reason: str) -> Action:
    _require_manager(user)
    action = _lock(action)
    if action.status == Action.Status.CANCELLED:
        return action
    _require_open(action)
    if not reason.strip():
        raise ValidationError({"reason": "Enter the reason the action is cancelled"})
    action.status = Action.Status.CANCELLED
    action.cancelled_reason = reason.strip()
    save_with_history(action, user=user, reason=f"Cancelled: {reason.strip()}")
    return action
