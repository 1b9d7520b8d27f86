"""The QA lead's audit pages: the list, an audit, creating one, drawing its sample and assigning auditors."""

import uuid
from collections import Counter

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from audits import access, services
from audits.forms import (
    SAMPLE_FORM_FIELDS,
    AssignmentForm,
    AuditCreateForm,
    AuditFilterForm,
    SampleForm,
    auditors_by_agency,
)
from audits.models import Agency, Audit, AuditProgramme, CaseAudit
from cases.models import S47Enquiry
from common import roles
from common.access_log import access_log_record
from common.decorators import role_required
from common.forms import add_service_errors
from common.http import AuthenticatedHttpRequest

GET_AND_POST = require_http_methods(["GET", "POST"])


@require_http_methods(["GET"])
@role_required(*access.AUDIT_ROLES)
def audit_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET)
    audits = (
        access.audits_visible_to(request.user)
        .select_related("programme", "tool_version__tool")
        .annotate(cases=Count("case_audits__record_id", distinct=True))
    )
    if not form.is_valid():
        audits = audits.none()
    else:
        if form.cleaned_data["programme"]:
            audits = audits.filter(programme=form.cleaned_data["programme"])
        if form.cleaned_data["status"]:
            audits = audits.filter(status=form.cleaned_data["status"])
    return render(
        request,
        "audits/lead_list.html",
        {
            "form": form,
            "audits": audits,
            "may_create": roles.has_role(request.user, *access.LEAD_ROLES),
            "may_see_drift": roles.has_role(request.user, *access.ALL_CASE_AUDITS_ROLES),
        },
    )


@require_http_methods(["GET"])
@role_required(*access.AUDIT_ROLES)
def audit_detail(request: AuthenticatedHttpRequest, audit_uuid: uuid.UUID) -> HttpResponse:
    audit = access.access_audit(request.user, audit_uuid)
    sees_cases = roles.has_role(request.user, *access.ALL_CASE_AUDITS_ROLES)
    # Through access: blind double scoring keeps the other scoring of a case the viewer scores (its grade too).
    case_audits = (
        access.case_audits_visible_to(request.user)
        .filter(audit=audit)
        .select_related("child", "team", "auditor")
        if sees_cases
        else None
    )
    counts = dict(audit.case_audits.order_by().values_list("status").annotate(n=Count("pk")))
    access_log_record(
        request, action="view", object_type="audit", object_ref=audit.uuid,
        child_ids=[c.child.child_id for c in case_audits] if case_audits is not None else (),
    )  # fmt: skip
    return render(
        request,
        "audits/lead_detail.html",
        {
            "audit": audit,
            "case_audits": case_audits,
            "status_counts": [(label, counts.get(value, 0)) for value, label in CaseAudit.Status.choices],
            "cases": audit.case_audits.order_by().values("record_id").distinct().count(),
            "teams": list(audit.frame_teams.all()),
            "audit_agencies": [Agency(a).label for a in audit.agencies if a in Agency.values],
            "outcome": dict(S47Enquiry.Outcome.choices).get(audit.frame_outcome, audit.frame_outcome),
            "is_lead": roles.has_role(request.user, *access.LEAD_ROLES),
            "is_moderator": roles.has_role(request.user, *access.MODERATION_ROLES),
            "double_scored": audit.case_audits.filter(scoring=2).exists(),
        },
    )


@GET_AND_POST
@role_required(*access.LEAD_ROLES)
def audit_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    # uuid=None matches no programme (IS NULL on a field that is never null).
    programme = AuditProgramme.objects.filter(uuid=_uuid_or_none(request.GET.get("programme"))).first()  # type: ignore[misc]
    form = AuditCreateForm(
        request.POST if request.method == "POST" else None, initial={"programme": programme}
    )
    if form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("tool")
        try:
            audit = services.audit_create(user=request.user, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Audit “{audit.title}” created. Draw its sample next.")
            return redirect("audits-detail", audit.uuid)
    return render(request, "audits/lead_create.html", {"form": form})


def _uuid_or_none(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value or "")
    except ValueError:
        return None


def _sample_initial(audit: Audit) -> dict:
    return {
        "frame_type": audit.frame_type,
        "frame_start": audit.frame_start,
        "frame_end": audit.frame_end,
        "teams": list(audit.frame_teams.all()),
        "outcome": audit.frame_outcome,
        "size": audit.sample_size,
        "percent": audit.sample_percent,
        "stratify_by_team": audit.stratify_by_team,
        "exclude_recently_audited": audit.exclude_recently_audited,
        "subsample_percent": audit.subsample_percent,
        "double_percent": audit.double_percent,
        "double_count": audit.double_count,
    }


def _render_sample(
    request: AuthenticatedHttpRequest, audit: Audit, form: SampleForm, errors=()
) -> HttpResponse:
    # A multi-agency audit has one case audit per agency for each record: list each record once.
    drawn = {c.record_id: c for c in audit.case_audits.filter(scoring=1).select_related("child", "team")}
    double = set(audit.case_audits.filter(scoring=2).values_list("record_id", flat=True))
    rows = sorted(drawn.values(), key=lambda c: (c.record_date, c.child.child_id))
    by_team = sorted(Counter(str(c.team or "No team") for c in rows).items())
    access_log_record(
        request, action="view", object_type="audit sample", object_ref=audit.uuid,
        child_ids=[c.child.child_id for c in rows],
    )  # fmt: skip
    context = {
        "audit": audit,
        "form": form,
        "rows": rows,
        "by_team": by_team,
        "subsample": sum(c.in_subsample for c in rows),
        "double": double,
        "errors": errors,
    }
    return render(request, "audits/lead_sample.html", context)


@GET_AND_POST
@role_required(*access.LEAD_ROLES)
def sample(request: AuthenticatedHttpRequest, audit_uuid: uuid.UUID) -> HttpResponse:
    audit = access.access_audit(request.user, audit_uuid, write=True)
    form = SampleForm(request.POST if request.method == "POST" else None, initial=_sample_initial(audit))
    if form.is_valid():
        data = {**form.cleaned_data, "teams": list(form.cleaned_data["teams"])}
        try:
            drawn = services.sample_draw(audit=audit, user=request.user, **data)
        except ValidationError as error:
            add_service_errors(form, error, SAMPLE_FORM_FIELDS)
        else:
            messages.success(
                request, f"{len({c.record_id for c in drawn})} cases drawn. Check them, then confirm."
            )
            return redirect("audits-sample", audit.uuid)
    return _render_sample(request, audit, form)


@require_POST
@role_required(*access.LEAD_ROLES)
def sample_confirm(request: AuthenticatedHttpRequest, audit_uuid: uuid.UUID) -> HttpResponse:
    audit = access.access_audit(request.user, audit_uuid, write=True)
    try:
        services.sample_confirm(audit=audit, user=request.user)
    except ValidationError as error:
        return _render_sample(
            request, audit, SampleForm(initial=_sample_initial(audit)), errors=error.messages
        )
    messages.success(request, "Sample confirmed. Assign an auditor to each case.")
    return redirect("audits-assign", audit.uuid)


@GET_AND_POST
@role_required(*access.LEAD_ROLES)
def assign(request: AuthenticatedHttpRequest, audit_uuid: uuid.UUID) -> HttpResponse:
    audit = access.access_audit(request.user, audit_uuid, write=True)
    case_audits = list(audit.case_audits.select_related("child", "team", "auditor"))
    form = AssignmentForm(
        request.POST if request.method == "POST" else None,
        case_audits=case_audits,
        auditors=auditors_by_agency(),
    )
    if form.is_valid():
        try:
            changed = services.case_audits_assign(
                audit=audit, user=request.user, assignments=form.assignments()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"Assignments saved: {changed} case audit{'s' * (changed != 1)} changed."
            )
            return redirect("audits-assign", audit.uuid)
    access_log_record(
        request, action="view", object_type="audit assignments", object_ref=audit.uuid,
        child_ids=[c.child.child_id for c in case_audits],
    )  # fmt: skip
    return render(request, "audits/lead_assign.html", {"audit": audit, "form": form})
