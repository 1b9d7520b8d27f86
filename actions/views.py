"""Action plan pages: my actions, plans (list, page with filters, progress and the effect check, history,
exports), issues and actions (create, edit, progress updates with evidence, sign-off, cancel), the
cross-plan overdue view and evidence downloads."""

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actions import access, exports, selectors, services
from actions.access import ACTION_ROLES, MANAGE_ROLES, REVIEW_ROLES, SIGN_OFF_ROLES
from actions.forms import (
    ActionFilter,
    ActionForm,
    IssueEditForm,
    IssueForm,
    PlanForm,
    ReasonForm,
    UpdateForm,
    staff_users,
)
from actions.models import Action, ActionPlan
from actions.storage import evidence_storage
from audits import access as audit_access
from audits.results import audit_results
from common import roles
from common.access_log import access_log_record
from common.decorators import role_required
from common.forms import add_service_errors
from common.http import AuthenticatedHttpRequest
from common.models import AccessLogEntry

GET_AND_POST = require_http_methods(["GET", "POST"])


# My actions, plans, overdue -----------------------------------------------------------------------------


@role_required(*ACTION_ROLES)
@require_GET
def my_actions(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    actions = (
        selectors.with_rag(Action.objects.filter(owner=request.user), today)
        .select_related("issue__plan")
        .order_by("due_date", "pk")
    )
    return render(
        request,
        "actions/my_actions.html",
        {
            "open_actions": [a for a in actions if a.status not in Action.CLOSED],
            "closed_actions": [a for a in actions if a.status in Action.CLOSED],
            "visible_plan_ids": set(access.plans_visible_to(request.user).values_list("pk", flat=True)),
            "may_review": roles.has_role(request.user, *REVIEW_ROLES),
            "rag_classes": selectors.RAG_TAG_CLASS,
        },
    )


@role_required(*ACTION_ROLES)
@require_GET
def plan_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    plans = (
        access.plans_visible_to(request.user)
        .select_related("audit", "lead")
        .annotate(
            action_count=Count("issues__actions", filter=~Q(issues__actions__status=Action.Status.CANCELLED)),
            complete_count=Count("issues__actions", filter=Q(issues__actions__status=Action.Status.COMPLETE)),
            overdue_count=Count(
                "issues__actions",
                filter=Q(
                    issues__actions__status__in=selectors.OPEN_STATUSES, issues__actions__due_date__lt=today
                ),
            ),
        )
        .order_by("status", "review_date", "pk")
    )
    return render(
        request, "actions/plan_list.html", {"plans": plans, "may_create": access.may_manage(request.user)}
    )


@role_required(*REVIEW_ROLES)
@require_GET
def overdue(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    actions = (
        access.actions_visible_to(request.user)
        .filter(selectors.overdue(today))
        .select_related("issue__plan", "owner")
        .order_by("due_date", "pk")
    )
    rows = [(action, (today - action.due_date).days) for action in actions]
    return render(request, "actions/overdue.html", {"rows": rows, "today": today})


# A plan -------------------------------------------------------------------------------------------------


@role_required(*MANAGE_ROLES)
@GET_AND_POST
def plan_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    audit = None
    audit_uuid = request.GET.get("audit") or request.POST.get("audit")
    question = request.GET.get("question") or request.POST.get("question") or ""
    # A learning theme raised from the audit's results page (audits.results.theme_counts) as an issue.
    learning_theme = request.GET.get("learning_theme") or request.POST.get("learning_theme") or ""
    if audit_uuid:
        try:
            audit = audit_access.access_audit(request.user, uuid.UUID(audit_uuid))
        except ValueError:
            raise Http404("No such audit.") from None
        existing = audit.action_plans.filter(status=ActionPlan.Status.OPEN).order_by("-created_at").first()
        if existing and request.method == "GET":
            # The audit already has an open plan: the finding is added to it.
            return redirect(_issue_create_url(existing, question, learning_theme))
    initial = {"lead": request.user.username}
    if audit:
        initial |= {"title": f"Action plan: {audit.title}", "theme": audit.theme}
    form = PlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(user=request.user, audit=audit, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Action plan {plan.title!r} created.")
            return redirect(_issue_create_url(plan, question, learning_theme) if audit else plan_url(plan))
    context = {"form": form, "audit": audit, "question": question, "learning_theme": learning_theme}
    return render(request, "actions/plan_form.html", context)


def _issue_create_url(plan: ActionPlan, question: str, learning_theme: str = "") -> str:
    url = reverse("actions-issue-create", args=[plan.uuid])
    query = urlencode(
        {name: value for name, value in (("question", question), ("learning_theme", learning_theme)) if value}
    )
    return f"{url}?{query}" if query else url


def plan_url(plan: ActionPlan) -> str:
    return reverse("actions-plan-detail", args=[plan.uuid])


@role_required(*ACTION_ROLES)
@require_GET
def plan_detail(request: AuthenticatedHttpRequest, plan_uuid: uuid.UUID) -> HttpResponse:
    plan = access.access_plan(request.user, plan_uuid)
    today = timezone.localdate()
    plan_actions = Action.objects.filter(issue__plan=plan)
    owners = staff_users().filter(owned_actions__issue__plan=plan).distinct()
    action_filter = ActionFilter(
        request.GET or None, queryset=selectors.with_rag(plan_actions, today), owners=owners
    )
    shown = action_filter.qs if action_filter.is_bound and action_filter.is_valid() else plan_actions
    if action_filter.is_bound and not action_filter.is_valid():
        shown = plan_actions.none()
    filtered = action_filter.is_bound and any(v for k, v in action_filter.form.data.items() if k != "filter")
    issues = selectors.plan_issues(plan, shown, today)
    effects = selectors.effects(plan, issues)
    return render(
        request,
        "actions/plan_detail.html",
        {
            "plan": plan,
            "issues": [(issue, effects.get(issue.pk)) for issue in issues],
            "has_effects": bool(effects),
            "filter": action_filter,
            "filtered": filtered,
            "progress": selectors.plan_progress(plan),
            "rag_counts": selectors.rag_counts(plan_actions, today),
            "may_manage": access.may_manage(request.user),
            # Action owners (auditors among them) see the plan but not the audit's results page.
            "may_see_results": roles.has_role(request.user, *audit_access.RESULTS_ROLES),
            "rag_classes": selectors.RAG_TAG_CLASS,
            "rag_choices": Action.Rag.choices,
        },
    )


@role_required(*MANAGE_ROLES)
@GET_AND_POST
def plan_edit(request: AuthenticatedHttpRequest, plan_uuid: uuid.UUID) -> HttpResponse:
    plan = access.access_plan(request.user, plan_uuid, write=True)
    initial = {
        "title": plan.title,
        "theme": plan.theme,
        "lead": plan.lead.username if plan.lead else None,
        "review_date": plan.review_date,
        "status": plan.status,
    }
    form = PlanForm(request.POST or None, initial=initial, with_status=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(plan=plan, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Plan saved.")
            return redirect(plan_url(plan))
    return render(request, "actions/plan_form.html", {"form": form, "plan": plan})


@role_required(*ACTION_ROLES)
@require_GET
def plan_history(request: AuthenticatedHttpRequest, plan_uuid: uuid.UUID) -> HttpResponse:
    plan = access.access_plan(request.user, plan_uuid)
    entries = selectors.plan_history(plan)
    return render(request, "actions/history.html", {"plan": plan, "entries": entries, "back": plan_url(plan)})


@role_required(*ACTION_ROLES)
@require_GET
def plan_export(request: AuthenticatedHttpRequest, plan_uuid: uuid.UUID, shape: str) -> HttpResponseBase:
    plan = access.access_plan(request.user, plan_uuid)
    today = timezone.localdate()
    response = {
        "xlsx": exports.plan_xlsx_response,
        "csv": exports.plan_csv_response,
        "panel-csv": exports.panel_table_csv_response,
    }[shape](plan, today=today)
    access_log_record(
        request,
        action=AccessLogEntry.Action.EXPORT,
        object_type="action plan",
        object_ref=plan.uuid,
        detail=shape,
    )
    return response


# Issues -------------------------------------------------------------------------------------------------


@role_required(*MANAGE_ROLES)
@GET_AND_POST
def issue_create(request: AuthenticatedHttpRequest, plan_uuid: uuid.UUID) -> HttpResponse:
    plan = access.access_plan(request.user, plan_uuid, write=True)
    results = audit_results(plan.audit) if plan.audit is not None else None
    figures = {r.question.code: str(r.figure) for r in results.questions} if results else {}
    initial: dict[str, object] = {}
    chosen = request.GET.getlist("question")
    if results and chosen:
        initial["questions"] = chosen
        found = [r for r in results.questions if r.question.code in chosen]
        if found:
            initial["description"] = "; ".join(f"{r.question.text} ({r.figure})" for r in found)
    learning_theme = request.GET.get("learning_theme", "").strip()[:100]
    if learning_theme and "description" not in initial:
        initial["description"] = f"Learning theme across the audit's findings: {learning_theme}"
    form = IssueForm(request.POST or None, plan=plan, figures=figures, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            issue = services.issue_create(
                plan=plan,
                user=request.user,
                description=form.cleaned_data["description"],
                question_codes=form.cleaned_data.get("questions") or [],
                metric=form.cleaned_data["metric"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Issue added. Now add the action to be taken.")
            return redirect("actions-action-create", issue_uuid=issue.uuid)
    return render(request, "actions/issue_form.html", {"form": form, "plan": plan})


@role_required(*MANAGE_ROLES)
@GET_AND_POST
def issue_edit(request: AuthenticatedHttpRequest, issue_uuid: uuid.UUID) -> HttpResponse:
    issue = access.access_issue(request.user, issue_uuid, write=True)
    form = IssueEditForm(request.POST or None, initial={"description": issue.description})
    if request.method == "POST" and form.is_valid():
        try:
            services.issue_update(issue=issue, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Issue saved.")
            return redirect(plan_url(issue.plan))
    return render(request, "actions/issue_form.html", {"form": form, "plan": issue.plan, "issue": issue})


# Actions ------------------------------------------------------------------------------------------------


@role_required(*MANAGE_ROLES)
@GET_AND_POST
def action_create(request: AuthenticatedHttpRequest, issue_uuid: uuid.UUID) -> HttpResponse:
    issue = access.access_issue(request.user, issue_uuid, write=True)
    form = ActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            action = services.action_create(issue=issue, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Action added and assigned to {action.owner.username}.")
            return redirect(plan_url(issue.plan))
    return render(request, "actions/action_form.html", {"form": form, "issue": issue, "plan": issue.plan})


@role_required(*MANAGE_ROLES)
@GET_AND_POST
def action_edit(request: AuthenticatedHttpRequest, action_uuid: uuid.UUID) -> HttpResponse:
    action = access.access_action(request.user, action_uuid, write=True)
    if action.status in Action.CLOSED:
        messages.error(request, "A complete or cancelled action cannot be edited.")
        return redirect("actions-action-detail", action_uuid=action.uuid)
    initial = {
        "description": action.description,
        "owner": action.owner.username,
        "lead": action.lead,
        "priority": action.priority,
        "due_date": action.due_date,
    }
    locked_owner = action.owner if action.status == Action.Status.AWAITING_SIGN_OFF else None
    form = ActionForm(request.POST or None, initial=initial, locked_owner=locked_owner)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_update(action=action, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Action saved.")
            return redirect("actions-action-detail", action_uuid=action.uuid)
    context = {"form": form, "issue": action.issue, "plan": action.issue.plan, "action": action}
    return render(request, "actions/action_form.html", context)


def _refuse_form(data=None) -> ReasonForm:
    return ReasonForm(
        data,
        prefix="refuse",
        label="Why is it not yet complete?",
        button="Send back to the owner",
        required="Enter the reason the action is not yet complete",
    )


def _cancel_form(data=None) -> ReasonForm:
    return ReasonForm(
        data,
        prefix="cancel",
        label="Why is the action cancelled?",
        button="Cancel action",
        required="Enter the reason the action is cancelled",
        warning=True,
    )


def _action_page(request: HttpRequest, action: Action, *, status: int = 200, **forms) -> HttpResponse:
    user = request.user
    may_update = access.may_post_update(user, action)
    awaiting = action.status == Action.Status.AWAITING_SIGN_OFF
    sign_off_refusal = access.sign_off_refusal(user, action) if awaiting else None
    context = {
        "action": action,
        "plan": action.issue.plan,
        "plan_visible": access.plans_visible_to(user).filter(pk=action.issue.plan_id).exists(),
        "rag": action.rag_on(timezone.localdate()),
        "rag_classes": selectors.RAG_TAG_CLASS,
        "updates": selectors.action_updates(action),
        "update_form": forms.get("update_form")
        or (UpdateForm(awaiting_sign_off=awaiting) if may_update else None),
        "may_start": may_update and action.status == Action.Status.NOT_STARTED,
        "may_sign_off": awaiting and roles.has_role(user, *SIGN_OFF_ROLES) and not sign_off_refusal,
        "sign_off_refusal": sign_off_refusal if roles.has_role(user, *SIGN_OFF_ROLES) else None,
        "refuse_form": forms.get("refuse_form") or _refuse_form(),
        "sign_off_errors": forms.get("sign_off_errors"),
        "may_manage": access.may_manage(user) and action.status not in Action.CLOSED,
    }
    return render(request, "actions/action_detail.html", context, status=status)


@role_required(*ACTION_ROLES)
@require_GET
def action_detail(request: AuthenticatedHttpRequest, action_uuid: uuid.UUID) -> HttpResponse:
    action = access.access_action(request.user, action_uuid)
    return _action_page(request, action)


@role_required(*ACTION_ROLES)
@require_POST
def action_update_post(request: AuthenticatedHttpRequest, action_uuid: uuid.UUID) -> HttpResponse:
    action = access.access_action(request.user, action_uuid, post_update=True)
    awaiting = action.status == Action.Status.AWAITING_SIGN_OFF
    form = UpdateForm(request.POST, request.FILES, awaiting_sign_off=awaiting)
    if form.is_valid():
        try:
            services.progress_update_post(
                action=action,
                user=request.user,
                note=form.cleaned_data["note"],
                written_on=form.cleaned_data["written_on"],
                files=form.cleaned_data["files"],
                mark_complete=form.cleaned_data.get("mark_complete", False),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Update posted.")
            return redirect("actions-action-detail", action_uuid=action.uuid)
    return _action_page(request, action, update_form=form, status=400)


@role_required(*ACTION_ROLES)
@require_POST
def action_start(request: AuthenticatedHttpRequest, action_uuid: uuid.UUID) -> HttpResponse:
    action = access.access_action(request.user, action_uuid, post_update=True)
    try:
        services.action_start(action=action, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("actions-action-detail", action_uuid=action.uuid)


def _sign_off_problem(user, action: Action) -> str | None:
    """Why the sign-off would be refused, shown on GET as the POST would (the service decides on POST)."""
    if action.status != Action.Status.AWAITING_SIGN_OFF:
        return "Only an action marked complete by its owner can be signed off."
    if refusal := access.sign_off_refusal(user, action):
        return refusal
    if not selectors.action_has_evidence(action):
        return "There is no evidence on this action: it cannot be signed off without evidence."
    return None


def _confirm_page(request: HttpRequest, action: Action, *, status: int = 200, **context) -> HttpResponse:
    context = {
        "caption": action.issue.plan.title,
        "back": reverse("actions-action-detail", args=[action.uuid]),
    } | context
    return render(request, "common/confirm.html", context, status=status)


@role_required(*SIGN_OFF_ROLES)
@require_http_methods(["GET", "POST"])
def action_sign_off(request: AuthenticatedHttpRequest, action_uuid: uuid.UUID) -> HttpResponse:
    """GET: what signing off does, with the button; POST: sign off."""
    action = access.access_action(request.user, action_uuid)
    if request.method == "GET":
        if action.status == Action.Status.COMPLETE:
            return redirect("actions-action-detail", action_uuid=action.uuid)
        if problem := _sign_off_problem(request.user, action):
            return _action_page(request, action, sign_off_errors=[problem], status=400)
        return _confirm_page(
            request,
            action,
            heading="Sign off the action as complete",
            paragraphs=[
                f"Signing off \u201c{action.description}\u201d records you as the manager who checked the "
                "evidence and agrees the action is complete.",
                "The action is closed: its owner can no longer post updates or add evidence, and it "
                "stops counting as open or overdue on the plan.",
            ],
            warning="A signed-off action cannot be reopened.",
            button="Sign off",
        )
    try:
        services.action_sign_off(action=action, user=request.user)
    except ValidationError as error:
        return _action_page(request, action, sign_off_errors=error.messages, status=400)
    messages.success(request, "Action signed off as complete.")
    return redirect("actions-action-detail", action_uuid=action.uuid)


@role_required(*SIGN_OFF_ROLES)
@require_POST
def action_refuse(request: AuthenticatedHttpRequest, action_uuid: uuid.UUID) -> HttpResponse:
    action = access.access_action(request.user, action_uuid)
    form = _refuse_form(request.POST)
    if form.is_valid():
        try:
            services.action_reopen(action=action, user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Sign-off refused: the action is back in progress.")
            return redirect("actions-action-detail", action_uuid=action.uuid)
    return _action_page(request, action, refuse_form=form, status=400)


@role_required(*MANAGE_ROLES)
@require_http_methods(["GET", "POST"])
def action_cancel(request: AuthenticatedHttpRequest, action_uuid: uuid.UUID) -> HttpResponse:
    """GET: what cancelling does, with the reason and the button; POST: cancel."""
    action = access.access_action(request.user, action_uuid, write=True)
    if action.status in Action.CLOSED:
        if action.status != Action.Status.CANCELLED:
            messages.error(
                request, f"This action is {action.get_status_display().lower()}: it cannot be changed."
            )
        return redirect("actions-action-detail", action_uuid=action.uuid)
    form = _cancel_form(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            services.action_cancel(action=action, user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Action cancelled.")
            return redirect("actions-action-detail", action_uuid=action.uuid)
    return _confirm_page(
        request,
        action,
        status=400 if form.is_bound else 200,
        heading="Cancel the action",
        paragraphs=[
            f"Cancelling \u201c{action.description}\u201d closes it without completing it: its owner can no "
            "longer post updates or add evidence, and it stops counting as open or overdue on the plan.",
            "The reason is kept on the action and in its history.",
        ],
        warning="A cancelled action cannot be reopened.",
        form=form,
    )


@role_required(*ACTION_ROLES)
@require_GET
def action_history(request: AuthenticatedHttpRequest, action_uuid: uuid.UUID) -> HttpResponse:
    action = access.access_action(request.user, action_uuid)
    back = reverse("actions-action-detail", args=[action.uuid])
    context = {"action": action, "entries": selectors.action_history(action), "back": back}
    return render(request, "actions/history.html", context)


# Evidence -----------------------------------------------------------------------------------------------


@role_required(*ACTION_ROLES)
@require_GET
def evidence_download(request: AuthenticatedHttpRequest, evidence_uuid: uuid.UUID) -> FileResponse:
    evidence = access.access_evidence(request.user, evidence_uuid)
    response = FileResponse(
        evidence_storage().open(evidence.file.name, "rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    access_log_record(
        request,
        action=AccessLogEntry.Action.EXPORT,
        object_type="action evidence",
        object_ref=evidence.uuid,
        detail=f"{evidence.original_name} (action {evidence.update.action.uuid})",
    )
    return response
