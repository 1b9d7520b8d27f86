"""The year's audit programme: its audits month by month, its quarterly reviews, and audit status."""

import datetime
import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from audits import access, services
from audits.forms import AuditStatusForm, ProgrammeForm, ProgrammeReviewForm
from audits.models import Audit, AuditProgramme
from common import roles
from common.decorators import role_required
from common.forms import add_service_errors
from common.http import AuthenticatedHttpRequest

GET_AND_POST = require_http_methods(["GET", "POST"])


def _writes_need_a_lead(request: AuthenticatedHttpRequest) -> bool:
    """Everyone allowed may read; only leads may post. Returns whether the user is a lead."""
    is_lead = roles.has_role(request.user, *access.LEAD_ROLES)
    if request.method == "POST" and not is_lead:
        raise PermissionDenied
    return is_lead


@GET_AND_POST
@role_required(*access.ALL_AUDITS_ROLES)
def programme_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    is_lead = _writes_need_a_lead(request)
    form = ProgrammeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            programme = services.programme_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Programme “{programme.title}” added. Add its audits month by month.")
            return redirect("audits-programme-detail", programme.uuid)
    programmes = AuditProgramme.objects.annotate(audit_count=Count("audits"))
    return render(
        request, "audits/programme_list.html", {"programmes": programmes, "form": form, "is_lead": is_lead}
    )


def _month_starts(year_start: datetime.date) -> list[datetime.date]:
    first = year_start.replace(day=1)
    return [
        first.replace(year=first.year + (first.month - 1 + n) // 12, month=(first.month - 1 + n) % 12 + 1)
        for n in range(12)
    ]


def _months(programme: AuditProgramme) -> tuple[list[dict], list[Audit]]:
    """The year's twelve months, each with its audits, and the audits planned outside the year."""
    months: dict[datetime.date, list[Audit]] = {month: [] for month in _month_starts(programme.year_start)}
    outside: list[Audit] = []
    for audit in programme.audits.select_related("tool_version__tool").order_by("planned_month", "title"):
        months.get(audit.planned_month.replace(day=1), outside).append(audit)
    return [{"month": month, "audits": audits} for month, audits in months.items()], outside


@GET_AND_POST
@role_required(*access.ALL_AUDITS_ROLES)
def programme_detail(request: AuthenticatedHttpRequest, programme_uuid: uuid.UUID) -> HttpResponse:
    is_lead = _writes_need_a_lead(request)
    programme = get_object_or_404(AuditProgramme, uuid=programme_uuid)
    form = ProgrammeReviewForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            services.programme_review_add(programme=programme, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Review note added.")
            return redirect("audits-programme-detail", programme.uuid)
    months, outside = _months(programme)
    context = {
        "programme": programme,
        "months": months,
        "outside": outside,
        "reviews": programme.reviews.select_related("reviewed_by"),
        "form": form,
        "is_lead": is_lead,
        "statuses": Audit.Status.choices,
    }
    return render(request, "audits/programme_detail.html", context)


@GET_AND_POST
@role_required(*access.LEAD_ROLES)
def audit_status(request: AuthenticatedHttpRequest, audit_uuid: uuid.UUID) -> HttpResponse:
    audit = access.access_audit(request.user, audit_uuid, write=True)
    form = AuditStatusForm(
        request.POST if request.method == "POST" else None, initial={"status": audit.status}
    )
    if form.is_valid():
        try:
            audit = services.audit_status_set(audit=audit, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"“{audit.title}” is now {audit.get_status_display().lower()}.")
            if audit.programme is not None:
                return redirect("audits-programme-detail", audit.programme.uuid)
            return redirect("audits-detail", audit.uuid)
    return render(request, "audits/programme_status.html", {"audit": audit, "form": form})
