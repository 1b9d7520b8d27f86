"""An audit's results, the multi-agency comparison, re-audits, and answers as an Excel workbook."""

from collections.abc import Iterable

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from audits import access, double, exchange, results, services
from audits.feedback import feedback_for_audit, is_overdue
from common import roles
from common.access_log import access_log_record
from common.decorators import role_required
from common.forms import date_field
from common.http import AuthenticatedHttpRequest

# Who may download and upload answers: the roles that see case audits (an auditor sees only their own).
EXCHANGE_ROLES = (*access.ALL_CASE_AUDITS_ROLES, *access.SCORING_ROLES)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# Forms (validate and normalise only; the views hand cleaned_data to a service) -------------------------


class ReauditForm(forms.Form):
    FRESH, SAME = "fresh", "same"

    planned_month = date_field("Planned month", name="the month the re-audit is planned for", month_only=True)
    sample = forms.ChoiceField(
        label="Which cases should be audited again?",
        choices=(
            Choice(FRESH, "A fresh sample", hint="Drawn with the same sampling parameters and a new seed."),
            Choice(
                SAME, "The same cases", hint="The cases of this audit, for each agency that audited them."
            ),
        ),
        widget=forms.RadioSelect,
        error_messages={"required": "Select a fresh sample or the same cases"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("planned_month", legend_size=Size.MEDIUM),
            Field.radios("sample", legend_size=Size.MEDIUM),
            Button.primary("create", "Create the re-audit"),
        )


class AnswersUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload the answers workbook",
        help_text="The Excel (.xlsx) workbook downloaded from this audit, with your answers filled in.",
        error_messages={"required": "Select the answers workbook", "empty": "The selected file is empty"},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx," + XLSX}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.label_size = Size.MEDIUM
        self.helper.layout = Layout(Field("file"), Button.primary("upload", "Check and import"))

    def clean_file(self) -> dict:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("The selected file must be an Excel workbook (.xlsx)")
        if upload.size > settings.IMPORT_MAX_BYTES:
            limit = settings.IMPORT_MAX_BYTES // (1024 * 1024)
            raise forms.ValidationError(f"The selected file must be smaller than {limit} MB")
        return {"name": upload.name, "content": upload.read()}


# Results ------------------------------------------------------------------------------------------------


@role_required(*access.RESULTS_ROLES)
@require_GET
def audit_results(request: AuthenticatedHttpRequest, audit_uuid) -> HttpResponse:
    audit = access.access_audit(request.user, audit_uuid)
    audit_results = results.audit_results(audit, viewer=request.user)
    may_plan = roles.has_role(request.user, *access.LEAD_ROLES)
    moderation = results.moderation_agreement(audit, viewer=request.user)
    # Only pairs with both scorings submitted: the blind is off for them.
    double_scoring = double.double_agreement(audit)
    context = {
        "audit": audit,
        # The page may go to a panel: strengths and areas for development carry no child identifier.
        "results": audit_results,
        # Each section's question rows, with the auditors' agreement with the moderators on each question.
        "sections": [
            (section, [(row, moderation.for_question(row.question)) for row in section.questions])
            for section in audit_results.sections
        ],
        "moderation": moderation,
        "double_scoring": double_scoring,
        "double_by_question": [
            (question, measure) for question, measure in double_scoring.by_question if measure.agreement.pairs
        ],
        "may_reconcile": roles.has_role(request.user, *access.ALL_CASE_AUDITS_ROLES),
        "poor_below": f"{settings.AGREEMENT_POOR_BELOW:g}",
        # QA leads turn a weak finding into an issue on the audit's action plan.
        "may_plan": may_plan,
        "weak_codes": audit_results.weak_question_codes if may_plan else set(),
        "action_plans": list(audit.action_plans.order_by("-created_at")),
        "comparison": None,
        "may_exchange": roles.has_role(request.user, *EXCHANGE_ROLES),
        "may_reaudit": roles.has_role(request.user, *access.LEAD_ROLES),
    }
    shown: Iterable[str] = []
    # The workers' responses to feedback, beside each case, for the roles that see case audits (by child ID,
    # never the worker's name: the rest of the page may go to a panel).
    feedback = []
    if roles.has_role(request.user, *access.ALL_CASE_AUDITS_ROLES):
        today = timezone.localdate()
        feedback = [
            (f, is_overdue(f, today))
            for f in sorted(
                feedback_for_audit(audit).values(),
                key=lambda f: (f.case_audit.record_date, f.case_audit.child.child_id),
            )
        ]
        shown = [f.case_audit.child.child_id for f, _overdue in feedback]
    context["feedback"] = feedback
    if audit.multi_agency:
        child_ids = roles.has_role(request.user, *access.ALL_CASE_AUDITS_ROLES)
        context["comparison"] = results.agency_comparison(audit, child_ids=child_ids, viewer=request.user)
        if child_ids:  # the comparison names each case by its child's ID
            shown = [*shown, *audit.case_audits.values_list("child__child_id", flat=True)]
    # The learning themes and the notes behind them, by case number ("Case 1"): like the strengths and areas
    # for development, they carry no child identifier (the page may go to a panel), and never a name.
    context["themes"] = results.theme_counts(audit)
    access_log_record(
        request, action="view", object_type="audit results", object_ref=audit.uuid, child_ids=shown
    )
    return render(request, "audits/results_audit.html", context)


@role_required(*access.RESULTS_ROLES)
@require_GET
def audit_compare(request: AuthenticatedHttpRequest, audit_uuid) -> HttpResponse:
    audit = access.access_audit(request.user, audit_uuid)
    if audit.reaudit_of_id is None:
        raise Http404("This audit is not a re-audit.")
    rows = results.reaudit_comparison(audit, viewer=request.user)
    return render(request, "audits/compare_reaudit.html", {"audit": audit, "rows": rows})


@role_required(*access.LEAD_ROLES)
@require_http_methods(["GET", "POST"])
def audit_reaudit(request: AuthenticatedHttpRequest, audit_uuid) -> HttpResponse:
    audit = access.access_audit(request.user, audit_uuid, write=True)
    form = ReauditForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.reaudit_create(
                audit=audit,
                user=request.user,
                planned_month=form.cleaned_data["planned_month"],
                same_cases=form.cleaned_data["sample"] == ReauditForm.SAME,
            )
        except ValidationError as error:  # e.g. a fresh sample of an audit that never drew one
            form.add_error(None, error.messages)
        else:
            return redirect(f"/audits/{new.uuid}/")
    return render(request, "audits/results_reaudit.html", {"audit": audit, "form": form})


# Answers as a workbook ------------------------------------------------------------------------------------


@role_required(*EXCHANGE_ROLES)
@require_GET
def answers_export(request: AuthenticatedHttpRequest, audit_uuid) -> HttpResponse:
    audit = access.access_audit(request.user, audit_uuid)
    content = exchange.answers_export(audit=audit, user=request.user)
    access_log_record(
        request, action="export", object_type="audit answers", object_ref=audit.uuid,
        child_ids=access.case_audits_visible_to(request.user).filter(audit=audit).values_list(
            "child__child_id", flat=True
        ),
    )  # fmt: skip
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="audit-{audit.uuid}-answers.xlsx"'
    return response


@role_required(*EXCHANGE_ROLES)
@require_http_methods(["GET", "POST"])
def answers_import(request: AuthenticatedHttpRequest, audit_uuid) -> HttpResponse:
    audit = access.access_audit(request.user, audit_uuid)
    form = AnswersUploadForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        outcome = exchange.answers_import(
            audit=audit, user=request.user, file_name=upload["name"], content=upload["content"]
        )
        if outcome.ok:
            detail = f"{upload['name']}: {outcome.answers_saved} answers, {outcome.grades_saved} grades saved"
            access_log_record(
                request, action="import", object_type="audit answers", object_ref=audit.uuid, detail=detail
            )
            return render(request, "audits/exchange_done.html", {"audit": audit, "outcome": outcome})
    context = {"audit": audit, "form": form, "outcome": outcome}
    return render(request, "audits/exchange_import.html", context)


@role_required(*access.RESULTS_ROLES)
@require_GET
def theme_trend(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Each learning theme's findings per audit, by planned month: counts only, no case or child."""
    return render(request, "audits/results_theme_trend.html", {"trend": results.theme_trend()})
