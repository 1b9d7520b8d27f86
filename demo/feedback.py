"""Demo feedback to practitioners (`manage.py load_demo`): the last four cases of the demo audit's sample are
scored and moderated, so their findings go to their allocated workers (audits.feedback):

- the demo practitioner (`practitioner`) is the worker of the first: their feedback waits for a response;
- the second worker agreed; the third disagreed, with a comment;
- the fourth was sent 15 working days ago, had its one reminder and has no response: overdue.

The other workers have no log-in, so their responses are written as the demo's synthetic records are.
The rest of the sample stays with the demo auditor to score. Loaded once.
"""

import datetime

from django.contrib.auth.models import User
from django.utils import timezone

from audits import feedback as feedback_service
from audits.models import (
    Answer,
    Audit,
    CaseAudit,
    Feedback,
    FeedbackResponse,
    Grade,
    PractitionerProfile,
    Question,
)
from audits.results import finding_kind
from audits.scoring import question_applies

MODERATED_CASES = 4
# Per case: (rating for each rated question in turn, grade, strengths, areas for development).
SCORES = [
    ("yes no yes partly yes yes no yes", Grade.REQUIRES_IMPROVEMENT,
     "Clear record of the strategy discussion and who attended.",
     "Record the consent decision, and the manager's reason where consent is not sought."),
    ("yes yes yes yes yes yes yes yes", Grade.GOOD,
     "A thorough chronology, kept up to date.", ""),
    ("no partly yes no yes no yes partly", Grade.REQUIRES_IMPROVEMENT,
     "Timely visits.", "Management oversight needs to be recorded during the enquiry."),
    ("yes yes partly yes no yes yes yes", Grade.GOOD,
     "The child's views are recorded in their own words.", "Upload the notes of interviews."),
]  # fmt: skip
DISAGREEMENT = (
    "Management oversight was given in supervision on the day of the strategy discussion; the note is on the "
    "supervision record rather than the case file."
)


def _score(case_audit: CaseAudit, ratings: list[str], strengths: str, areas: str) -> None:
    questions = list(
        Question.objects.filter(section__version=case_audit.audit.tool_version_id).order_by(
            "section__order", "order"
        )
    )
    by_pk = {q.pk: q for q in questions}
    answers: dict[int, Answer] = {}
    rating = iter(ratings * 4)
    for question in questions:
        if not question_applies(question, case_audit, answers, by_pk):
            continue
        if question.kind == Question.Kind.RATING:
            answers[question.pk] = Answer(case_audit=case_audit, question=question, value=next(rating))
        elif (kind := finding_kind(question)) and (text := strengths if kind == "strengths" else areas):
            answers[question.pk] = Answer(case_audit=case_audit, question=question, text=text)
    Answer.objects.bulk_create(answers.values())


def demo_feedback_create(*, audit: Audit, moderator: User, practitioner: User) -> list[Feedback]:
    """Scores, moderates and sends feedback on the last cases of the demo audit, unless it has feedback."""
    if Feedback.objects.filter(case_audit__audit=audit).exists():
        return []
    chosen = list(audit.case_audits.order_by("-record_date", "-pk")[:MODERATED_CASES])
    now = timezone.now()
    sent: list[Feedback] = []
    for case_audit, (ratings, grade, strengths, areas) in zip(chosen, SCORES, strict=False):
        _score(case_audit, ratings.split(), strengths, areas)
        CaseAudit.objects.filter(pk=case_audit.pk).update(
            status=CaseAudit.Status.MODERATED, grade=grade, submitted_at=now
        )
        case_audit.refresh_from_db()
        found = feedback_service.feedback_send(case_audit=case_audit, user=moderator)
        if found is not None:
            sent.append(found)
    if not sent:
        return []
    if not PractitionerProfile.objects.filter(user=practitioner).exists():
        PractitionerProfile.objects.get_or_create(worker=sent[0].worker, defaults={"user": practitioner})
    answers = [FeedbackResponse.Answer.AGREE, FeedbackResponse.Answer.DISAGREE]
    for item, answer in zip(sent[1:3], answers, strict=False):
        FeedbackResponse.objects.create(
            feedback=item,
            answer=answer,
            comment=DISAGREEMENT if answer == FeedbackResponse.Answer.DISAGREE else "",
            responded_at=now,
        )
    if len(sent) > 3:
        overdue = sent[3]
        today = timezone.localdate()
        # Sent 15 working days ago: past its 10 working days; the one reminder has gone.
        day = today - datetime.timedelta(days=21)
        respond_by, remind_on = feedback_service.due_dates(day)
        while respond_by >= today:  # a long bank-holiday run: go back until it is past
            day -= datetime.timedelta(days=1)
            respond_by, remind_on = feedback_service.due_dates(day)
        sent_at = now - (today - day)
        Feedback.objects.filter(pk=overdue.pk).update(
            sent_at=sent_at, respond_by=respond_by, remind_on=remind_on, emailed_at=sent_at
        )
        feedback_service.feedback_reminders_send(today=remind_on)
        Feedback.objects.filter(pk=overdue.pk, reminder_sent_at__isnull=False).update(
            reminder_sent_at=sent_at + (remind_on - day)  # as the morning job would have sent it
        )
    Feedback.objects.filter(pk__in=[f.pk for f in sent], emailed_at__isnull=True).update(emailed_at=now)
    return sent
