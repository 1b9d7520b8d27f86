"""Double scoring: an audit's double-scored cases, reconciling a pair, and auditors whose agreement drifts.

The blind itself lives in audits.access (every page reads case audits through it); these pages are for the
roles that see every case audit, and never show a pair's answers before both scorings are submitted.
"""

import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from audits import access, double, services
from audits.scoring_forms import ReconcileForm
from common import roles
from common.access_log import access_log_record
from common.decorators import role_required
from common.forms import add_service_errors
from common.http import AuthenticatedHttpRequest

# Who sees the list of pairs and the drift page: the roles that see every case audit (QA leads, moderators,
# administrators). Auditors never do: the drift page names auditors.
PAIRS_ROLES = access.ALL_CASE_AUDITS_ROLES


@role_required(*PAIRS_ROLES)
@require_GET
def pairs(request: AuthenticatedHttpRequest, audit_uuid: uuid.UUID) -> HttpResponse:
    audit = access.access_audit(request.user, audit_uuid)
    visible = set(
        access.case_audits_visible_to(request.user).filter(audit=audit).values_list("pk", flat=True)
    )
    found = double.audit_pairs(audit)
    questions = double.questions_of(audit)
    rows = []
    for pair in found:
        # How many questions they disagree on, once both are submitted (and neither is kept from the viewer).
        count = None
        if pair.both_submitted and {pair.first.pk, pair.second.pk} <= visible:
            count = len(double.disagreements(pair, questions))
        rows.append((pair, count))
    access_log_record(
        request, action="list", object_type="double-scored cases", object_ref=audit.uuid,
        child_ids=[p.first.child.child_id for p in found],
    )  # fmt: skip
    context = {
        "audit": audit,
        "rows": rows,
        "may_reconcile": roles.has_role(request.user, *access.MODERATION_ROLES),
    }
    return render(request, "audits/double_pairs.html", context)


def _errors(form: ReconcileForm) -> list[tuple[str, str]]:
    """The error summary's links: each to its field (the templates name the first radio `value_<pk>`)."""
    found = [(str(e), "#reconcile") for e in form.non_field_errors()]
    for name, errors in form.errors.items():
        if name != "__all__":
            found += [(str(e), f"#{name}") for e in errors]
    return found


def _evidence(pair: double.Pair, case_audit, item: double.Disagreement) -> str:
    answer = pair.answers.get(case_audit.pk, {}).get(item.question.pk)
    return answer.evidence if answer else ""


@role_required(*access.MODERATION_ROLES)
@require_http_methods(["GET", "POST"])
def reconcile(request: AuthenticatedHttpRequest, case_audit_uuid: uuid.UUID) -> HttpResponse:
    first = access.access_case_audit_for_moderation(request.user, case_audit_uuid)
    pair = double.pair_for(first)
    if pair is None:
        raise Http404("This case is not scored twice.")
    if request.user.pk in (pair.first.auditor_id, pair.second.auditor_id):
        raise PermissionDenied  # an auditor of the pair neither sees the other scoring early nor reconciles
    ready = pair.both_submitted
    found = double.disagreements(pair) if ready else []
    form = ReconcileForm(request.POST if request.method == "POST" else None, disagreements=found)
    if request.method == "POST" and ready and form.is_valid():
        try:
            services.pair_reconcile(first=first, user=request.user, decisions=form.decisions())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"Case {first.child.child_id} reconciled: the agreed answers now count."
            )
            return redirect("audits-pairs", first.audit.uuid)
    questions = double.questions_of(first.audit)
    by_pk = {q.pk: q for q in questions}
    disagreeing = {item.question.pk for item in found}
    # Every rating question side by side (once both are submitted), disagreements highlighted.
    side_by_side = (
        [(q, *pair.values(q, by_pk), q.pk in disagreeing) for q in questions if q.kind == "rating"]
        if ready
        else []
    )
    access_log_record(
        request, action="view", object_type="double-scored case", object_ref=first.uuid,
        child_ids=[first.child.child_id],
    )  # fmt: skip
    context = {
        "audit": first.audit,
        "pair": pair,
        "ready": ready,
        "form": form,
        "errors": _errors(form) if form.is_bound else [],
        "side_by_side": side_by_side,
        "labels": double.LABELS,
        "reconcile_rows": [
            (item, value, reason, _evidence(pair, pair.first, item), _evidence(pair, pair.second, item))
            for item, value, reason in form.rows()
        ],
        "locked": first.audit.locked,
    }
    return render(request, "audits/double_reconcile.html", context)


@role_required(*PAIRS_ROLES)
@require_GET
def drift(request: AuthenticatedHttpRequest) -> HttpResponse:
    everyone = double.auditor_drift()
    drifting = [d for d in everyone if d.measure.poor]
    access_log_record(request, action="view", object_type="auditor agreement")
    context = {
        "drifting": drifting,
        "measured": everyone,
        "poor_below": f"{settings.AGREEMENT_POOR_BELOW:g}",
    }
    return render(request, "audits/double_drift.html", context)
