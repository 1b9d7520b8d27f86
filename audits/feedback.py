"""Feedback to the practitioner: a moderated case audit's findings go to the case's allocated worker and
their team manager, the worker responds within a set time, and one reminder goes out if they have not.

- Sent when a moderator marks a social care case audit of an S47 sample moderated (`feedback_send`, called
  by audits.services.case_audit_moderated), once per case audit: marking it moderated again changes
  nothing. The worker is the S47 enquiry's allocated worker; the team manager is the enquiry's oversight
  manager (the case records name no manager of a team, so the manager who gave the case's management
  oversight stands for them). A case with no allocated worker gets no feedback.
- Due FEEDBACK_RESPONSE_WORKING_DAYS working days after it was sent (common.workdays, England's calendar);
  the one reminder may go FEEDBACK_REMINDER_WORKING_DAYS_BEFORE working days before that.
- Emails name the child by ID only, never by name, and carry no finding: findings are free text an auditor
  wrote, so they are read signed in, on the feedback page.
- Emails and the reminder are each claimed with a conditional UPDATE (`... WHERE emailed_at IS NULL`):
  a rerun, or a second worker, sends nothing twice; a send that fails gives its claim back.
"""

import dataclasses
import datetime
import logging

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.people import person_name
from audits.models import Agency, Answer, Audit, CaseAudit, Feedback, FeedbackResponse, Question
from audits.results import finding_kind
from audits.scoring import question_applies
from cases.models import S47Enquiry, Worker
from common.figures import Figure
from common.workdays import add_working_days

logger = logging.getLogger(__name__)

COMMENT_REQUIRED = "Enter why you partly agree or disagree"
ALREADY_RESPONDED = "You have already responded to this feedback."


# What the feedback says -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class FindingLine:
    code: str
    text: str  # the question, or the auditor's note for a strengths / areas question
    note: str = ""  # the evidence note behind a rating
    value: str = ""  # the rating's label ("Partly"), blank for a note


@dataclasses.dataclass(frozen=True)
class Findings:
    """What was good, what needs doing and the grade, from the moderated answers."""

    grade: str
    grade_note: str
    good: list[FindingLine]
    to_do: list[FindingLine]


def findings_of(case_audit: CaseAudit) -> Findings:
    """Yes answers and the strengths notes are what was good; No and Partly answers and the areas for
    development are what needs doing (audits.results reads the same strengths and areas questions).
    Questions that do not apply to the case, and Not applicable answers, are left out. Two queries."""
    questions = list(
        Question.objects.filter(section__version=case_audit.audit.tool_version_id).order_by(
            "section__order", "order"
        )
    )
    answers = {a.question_id: a for a in case_audit.answers.all()}
    by_pk = {q.pk: q for q in questions}
    labels = dict(Answer.Value.choices)
    good: list[FindingLine] = []
    to_do: list[FindingLine] = []
    for question in questions:
        answer = answers.get(question.pk)
        if answer is None or not question_applies(question, case_audit, answers, by_pk):
            continue
        if question.kind == Question.Kind.RATING:
            line = FindingLine(
                question.code, question.text, answer.evidence.strip(), labels.get(answer.value, "")
            )
            if answer.value == Answer.Value.YES:
                good.append(line)
            elif answer.value in (Answer.Value.NO, Answer.Value.PARTLY):
                to_do.append(line)
            continue
        kind = finding_kind(question)
        for note in (answer.text, answer.evidence):
            if kind and note.strip():
                (good if kind == "strengths" else to_do).append(FindingLine(question.code, note.strip()))
    return Findings(
        grade=case_audit.get_grade_display(), grade_note=case_audit.grade_note, good=good, to_do=to_do
    )


# Sending ----------------------------------------------------------------------------------------------


def recipients_of(case_audit: CaseAudit) -> tuple[Worker | None, Worker | None]:
    """The allocated worker and the team manager of the sampled record, where it names them: S47
    enquiries only (strategy discussions and referrals name no worker), social care audits only (a
    partner agency's findings are not the social worker's practice)."""
    if case_audit.agency != Agency.SOCIAL_CARE or case_audit.audit.frame_type != Audit.FrameType.S47:
        return None, None
    enquiry = (
        S47Enquiry.objects.select_related("worker", "oversight_manager")
        .filter(pk=case_audit.record_id)
        .first()
    )
    if enquiry is None:
        return None, None
    manager = enquiry.oversight_manager if enquiry.oversight_manager_id != enquiry.worker_id else None
    return enquiry.worker, manager


def due_dates(sent_on: datetime.date) -> tuple[datetime.date, datetime.date]:
    """(respond by, remind on): FEEDBACK_RESPONSE_WORKING_DAYS working days after sent_on, and the
    reminder FEEDBACK_REMINDER_WORKING_DAYS_BEFORE working days before that (never before sent_on)."""
    days = settings.FEEDBACK_RESPONSE_WORKING_DAYS
    before = min(settings.FEEDBACK_REMINDER_WORKING_DAYS_BEFORE, days)
    return add_working_days(sent_on, days), add_working_days(sent_on, days - before)


@transaction.atomic
def feedback_send(*, case_audit: CaseAudit, user: User) -> Feedback | None:
    """The case audit's feedback, made the first time it is moderated; None where no worker is named.

    The caller queues the emails after commit (audits.tasks.feedback_email_task)."""
    if case_audit.status != CaseAudit.Status.MODERATED:
        raise ValidationError("Feedback is sent only once the case audit is moderated.")
    existing = Feedback.objects.filter(case_audit=case_audit).first()
    if existing is not None:
        return existing
    if case_audit.scoring != 1:
        return None  # a case scored twice gets its feedback once, from its first scoring
    worker, manager = recipients_of(case_audit)
    if worker is None:
        return None
    now = timezone.now()
    respond_by, remind_on = due_dates(timezone.localdate(now))
    return Feedback.objects.create(
        case_audit=case_audit,
        worker=worker,
        manager=manager,
        sent_at=now,
        sent_by=user,
        respond_by=respond_by,
        remind_on=remind_on,
    )


def _user_of(worker: Worker | None) -> User | None:
    profile = getattr(worker, "practitioner_profile", None) if worker is not None else None
    user = profile.user if profile is not None else None
    return user if user is not None and user.is_active else None


def _url(feedback: Feedback) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("audits-feedback", args=[feedback.uuid])


def _message(feedback: Feedback, user: User, *, kind: str) -> EmailMultiAlternatives:
    """kind: "worker" (please respond), "manager" (for information) or "reminder"."""
    child_id = feedback.case_audit.child.child_id
    subjects = {
        "worker": f"Audit feedback on your case (child ID {child_id}): please respond",
        "manager": f"Audit feedback on a case in your team (child ID {child_id})",
        "reminder": f"Reminder: respond to the audit feedback on child ID {child_id}",
    }
    context = {
        "kind": kind,
        "name": person_name(user),
        "feedback": feedback,
        "child_id": child_id,
        "audit_title": feedback.case_audit.audit.title,
        "grade": feedback.case_audit.get_grade_display(),
        "worker_name": feedback.worker.name,
        "url": _url(feedback),
        "service_name": settings.SERVICE_NAME,
        "council_name": settings.COUNCIL_NAME,
    }
    message = EmailMultiAlternatives(
        subject=subjects[kind],
        body=render_to_string("audits/email/feedback.txt", context),
        to=[user.email],
    )
    message.attach_alternative(render_to_string("audits/email/feedback.html", context), "text/html")
    return message


def _load(feedback_id: int) -> Feedback:
    return Feedback.objects.select_related(
        "case_audit__child",
        "case_audit__audit",
        "worker__practitioner_profile__user",
        "manager__practitioner_profile__user",
    ).get(pk=feedback_id)


def feedback_email_send(*, feedback_id: int) -> int:
    """Emails the worker and the team manager (those with a linked user and an email address), once.

    Returns how many emails were sent; 0 when another run already sent them."""
    claimed = Feedback.objects.filter(pk=feedback_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return 0
    feedback = _load(feedback_id)
    messages = [
        _message(feedback, user, kind=kind)
        for kind, user in (("worker", _user_of(feedback.worker)), ("manager", _user_of(feedback.manager)))
        if user is not None and user.email
    ]
    try:
        for message in messages:
            message.send()
    except Exception:
        Feedback.objects.filter(pk=feedback_id).update(emailed_at=None)
        raise
    return len(messages)


@dataclasses.dataclass
class ReminderOutcome:
    sent: list[str] = dataclasses.field(default_factory=list)  # feedback UUIDs, as text
    no_address: list[str] = dataclasses.field(default_factory=list)
    failed: list[str] = dataclasses.field(default_factory=list)


def reminders_due(*, today: datetime.date) -> QuerySet[Feedback]:
    return Feedback.objects.filter(
        reminder_sent_at__isnull=True, remind_on__lte=today, response__isnull=True
    ).order_by("remind_on", "pk")


def feedback_reminders_send(*, today: datetime.date) -> ReminderOutcome:
    """The one reminder to each worker whose feedback has no response by its remind-on day.

    A worker with no linked user or no email address is not reminded by email (the home page shows the
    feedback, tagged Overdue once it is), and their reminder counts as gone: it is never retried."""
    outcome = ReminderOutcome()
    for feedback_id in list(reminders_due(today=today).values_list("pk", flat=True)):
        claimed = Feedback.objects.filter(pk=feedback_id, reminder_sent_at__isnull=True).update(
            reminder_sent_at=timezone.now()
        )
        if not claimed:
            continue
        feedback = _load(feedback_id)
        user = _user_of(feedback.worker)
        if user is None or not user.email:
            outcome.no_address.append(str(feedback.uuid))
            continue
        try:
            _message(feedback, user, kind="reminder").send()
        except Exception:
            logger.exception(
                "Feedback reminder %s failed; its claim is released for the next run", feedback.uuid
            )
            Feedback.objects.filter(pk=feedback_id).update(reminder_sent_at=None)
            outcome.failed.append(str(feedback.uuid))
            continue
        outcome.sent.append(str(feedback.uuid))
    return outcome


# Responding -------------------------------------------------------------------------------------------


def is_respondent(feedback: Feedback, user: User) -> bool:
    """Only the allocated worker responds; their team manager reads it."""
    profile = getattr(user, "practitioner_profile", None)
    return profile is not None and profile.worker_id == feedback.worker_id


@transaction.atomic
def feedback_respond(*, feedback: Feedback, user: User, answer: str, comment: str = "") -> FeedbackResponse:
    """The worker's response, once. The same response sent again (a double click) changes nothing."""
    feedback = Feedback.objects.select_for_update().get(pk=feedback.pk)
    if not is_respondent(feedback, user):
        raise ValidationError("Only the case's allocated worker can respond to its feedback.")
    if answer not in FeedbackResponse.Answer.values:
        raise ValidationError({"answer": "Select whether you agree, partly agree or disagree"})
    comment = comment.strip()
    if answer != FeedbackResponse.Answer.AGREE and not comment:
        raise ValidationError({"comment": COMMENT_REQUIRED})
    existing = FeedbackResponse.objects.filter(feedback=feedback).first()
    if existing is not None:
        if existing.answer == answer and existing.comment == comment:
            return existing
        raise ValidationError(ALREADY_RESPONDED)
    return FeedbackResponse.objects.create(
        feedback=feedback, answer=answer, comment=comment, responded_by=user, responded_at=timezone.now()
    )


# Reading ----------------------------------------------------------------------------------------------


def is_overdue(feedback: Feedback, today: datetime.date) -> bool:
    return not hasattr(feedback, "response") and today > feedback.respond_by


@dataclasses.dataclass(frozen=True)
class AuditFeedbackRow:
    audit: Audit
    sent: int
    responded: int
    agree: int
    partly: int
    disagree: int
    overdue: int

    @property
    def rate(self) -> Figure:
        return Figure(self.responded, self.sent)


@dataclasses.dataclass(frozen=True)
class FeedbackOverview:
    rows: list[AuditFeedbackRow]
    disagreements: list[Feedback]  # partly agree and disagree, newest first
    overdue: list[Feedback]

    @property
    def total(self) -> AuditFeedbackRow | None:
        if not self.rows:
            return None
        return AuditFeedbackRow(
            audit=self.rows[0].audit,
            **{
                name: sum(getattr(row, name) for row in self.rows)
                for name in ("sent", "responded", "agree", "partly", "disagree", "overdue")
            },
        )


def feedback_overview(*, today: datetime.date) -> FeedbackOverview:
    """Response rates per audit, the partly-agree and disagree responses, and the overdue feedback.
    Four queries, whatever the number of feedback rows."""
    answer = "feedback__response__answer"
    audits = (
        Audit.objects.filter(case_audits__feedback__isnull=False)
        .annotate(
            sent=Count("case_audits__feedback", distinct=True),
            responded=Count(f"case_audits__{answer}"),
            agree=Count(f"case_audits__{answer}", filter=Q(**{f"case_audits__{answer}": "agree"})),
            partly=Count(f"case_audits__{answer}", filter=Q(**{f"case_audits__{answer}": "partly"})),
            disagree=Count(f"case_audits__{answer}", filter=Q(**{f"case_audits__{answer}": "disagree"})),
            overdue=Count(
                "case_audits__feedback",
                filter=Q(
                    case_audits__feedback__respond_by__lt=today,
                    case_audits__feedback__response__isnull=True,
                ),
            ),
        )
        .order_by("-planned_month", "title")
    )
    rows = [
        AuditFeedbackRow(
            audit=a,
            sent=a.sent,
            responded=a.responded,
            agree=a.agree,
            partly=a.partly,
            disagree=a.disagree,
            overdue=a.overdue,
        )  # fmt: skip
        for a in audits
    ]
    related = ("case_audit__child", "case_audit__audit", "worker", "manager")
    disagreements = list(
        Feedback.objects.filter(response__answer__in=["partly", "disagree"])
        .select_related(*related, "response")
        .order_by("-response__responded_at")
    )
    overdue = list(
        Feedback.objects.filter(respond_by__lt=today, response__isnull=True)
        .select_related(*related)
        .order_by("respond_by", "pk")
    )
    return FeedbackOverview(rows=rows, disagreements=disagreements, overdue=overdue)


def feedback_for_audit(audit: Audit) -> dict[int, Feedback]:
    """The audit's feedback by case audit pk, with responses (the results page shows them by the case)."""
    found = Feedback.objects.filter(case_audit__audit=audit).select_related("response", "case_audit__child")
    return {feedback.case_audit_id: feedback for feedback in found}
