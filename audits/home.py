"""The audits app's tasks on the home page (common/home.py): cases to score, cases returned, feedback to
respond to (practitioners), cases awaiting moderation and audits ready to lock."""

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone

from audits import access
from audits.models import CaseAudit, Feedback
from audits.progress import scoring_progress
from common.home import SHOWN, HomeItem, HomeTask
from common.http import AuthenticatedHttpRequest

TO_SCORE = (CaseAudit.Status.NOT_STARTED, CaseAudit.Status.IN_PROGRESS)


def _own_case_audits(request: AuthenticatedHttpRequest, statuses) -> tuple[int, list[CaseAudit]]:
    found = (
        access.case_audits_visible_to(request.user)
        .filter(auditor=request.user, status__in=statuses, audit__locked_at__isnull=True)
        .select_related("audit", "child")
        .order_by(F("due_date").asc(nulls_last=True), "audit__title", "record_date", "pk")
    )
    return found.count(), list(found[:SHOWN])


def _due(case_audit: CaseAudit) -> tuple[str, str]:
    """The hint's due date, and "Overdue" if it has passed."""
    if not case_audit.due_date:
        return "no due date", ""
    overdue = case_audit.due_date < timezone.localdate()
    return f"due {case_audit.due_date:%-d %B %Y}", "Overdue" if overdue else ""


def _scoring_item(case_audit: CaseAudit, progress, extra: str = "") -> HomeItem:
    due, tag = _due(case_audit)
    hint = " · ".join(part for part in (str(progress[case_audit.pk]), due, extra) if part)
    return HomeItem(
        text=f"Case {case_audit.child.child_id}",
        hidden=f"in {case_audit.audit.title}",
        url=reverse("audits-score", args=[case_audit.uuid]),
        hint=f"{case_audit.audit.title} · {hint}",
        tag=tag,
    )


def to_score(request: AuthenticatedHttpRequest) -> HomeTask:
    count, shown = _own_case_audits(request, TO_SCORE)
    progress = scoring_progress(shown)
    return HomeTask(
        title="Case audits to score",
        count=count,
        items=[_scoring_item(c, progress) for c in shown],
        empty="Case audits assigned to you will appear here, with their due dates.",
        url=reverse("audits-mine"),
        link_text="All my audits",
        child_ids=[c.child.child_id for c in shown],
    )


def returned(request: AuthenticatedHttpRequest) -> HomeTask:
    count, shown = _own_case_audits(request, (CaseAudit.Status.RETURNED,))
    progress = scoring_progress(shown)
    return HomeTask(
        title="Returned to you by a moderator",
        count=count,
        items=[_scoring_item(c, progress, "see the moderator's reason") for c in shown],
        empty="Cases a moderator returns to you for changes will appear here.",
        url=reverse("audits-mine"),
        link_text="All my audits",
        child_ids=[c.child.child_id for c in shown],
    )


def awaiting_moderation(request: AuthenticatedHttpRequest) -> HomeTask:
    found = (
        access.case_audits_visible_to(request.user)
        .filter(status=CaseAudit.Status.SUBMITTED, audit__locked_at__isnull=True)
        .select_related("audit", "child")
        .order_by("-escalated", "submitted_at", "pk")
    )
    shown = list(found[:SHOWN])
    return HomeTask(
        title="Cases awaiting moderation",
        count=found.count(),
        items=[
            HomeItem(
                text=f"Case {c.child.child_id}",
                hidden=f"in {c.audit.title}",
                url=reverse("audits-moderate", args=[c.uuid]),
                hint=f"{c.audit.title} · submitted {timezone.localtime(c.submitted_at):%-d %B %Y}"
                if c.submitted_at
                else c.audit.title,
                tag="Escalated" if c.escalated else "",
            )
            for c in shown
        ],
        empty="Cases will appear here when auditors submit them.",
        url=reverse("audits-moderation"),
        link_text="Moderation",
        child_ids=[c.child.child_id for c in shown],
    )


def ready_to_lock(request: AuthenticatedHttpRequest) -> HomeTask:
    """Audits whose every case is moderated and that are not locked yet."""
    found = (
        access.audits_visible_to(request.user)
        .filter(locked_at__isnull=True)
        .annotate(
            total=Count("case_audits"),
            moderated=Count("case_audits", filter=Q(case_audits__status=CaseAudit.Status.MODERATED)),
        )
        .filter(total__gt=0, total=F("moderated"))
        .order_by("title", "pk")
    )
    shown = list(found.values_list("uuid", "title", "total")[:SHOWN])
    return HomeTask(
        title="Audits ready to lock",
        count=found.count(),
        items=[
            HomeItem(text=title, url=reverse("audits-lock", args=[uuid]), hint=f"all {total} cases moderated")
            for uuid, title, total in shown
        ],
        empty="Audits will appear here once every case in them is moderated.",
        url=reverse("audits-moderation"),
        link_text="Moderation",
    )


def feedback_to_respond(request: AuthenticatedHttpRequest) -> HomeTask:
    """A practitioner's feedback on their own cases that has no response yet, the soonest due first."""
    found = (
        access.feedback_visible_to(request.user)
        .filter(worker__practitioner_profile__user=request.user, response__isnull=True)
        .select_related("case_audit__audit", "case_audit__child")
        .order_by("respond_by", "pk")
    )
    shown: list[Feedback] = list(found[:SHOWN])
    today = timezone.localdate()
    return HomeTask(
        title="Audit feedback to respond to",
        count=found.count(),
        items=[
            HomeItem(
                text=f"Case {f.case_audit.child.child_id}",
                hidden=f"in {f.case_audit.audit.title}",
                url=reverse("audits-feedback", args=[f.uuid]),
                hint=f"{f.case_audit.audit.title} · {f.case_audit.get_grade_display()} · respond by "
                f"{f.respond_by:%-d %B %Y}",
                tag="Overdue" if today > f.respond_by else "",
            )
            for f in shown
        ],
        empty="When an audit of one of your cases is moderated, its feedback will appear here.",
        url=reverse("audits-feedback-mine"),
        link_text="All my feedback",
        child_ids=[f.case_audit.child.child_id for f in shown],
    )
