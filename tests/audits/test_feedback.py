"""Feedback to practitioners: sent on moderation to the allocated worker and team manager, due in working
days, one reminder, responses, emails (child ID only), access for the Practitioner role, the QA lead's
response rates, and the responses beside each case on the results page."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command
from django.urls import reverse

from audits import feedback, services
from audits.models import Feedback, FeedbackResponse, PractitionerProfile
from common import roles
from common.models import AccessLogChild
from tests.audits.test_results import scored_case
from tests.factories import (
    AuditFactory,
    ChildFactory,
    S47EnquiryFactory,
    TeamFactory,
    UserFactory,
    WorkerFactory,
    tool_version,
)

pytestmark = pytest.mark.django_db

# Friday 11 April 2014: ten working days on, over Good Friday (18 April) and Easter Monday (21 April), is
# Tuesday 29 April (not Friday 25 April); the reminder two working days before it is Friday 25 April.
SENT = datetime.datetime(2014, 4, 11, 9, 0, tzinfo=datetime.UTC)
CHILD_NAME = "Persephone Quillfeather"
ANSWERS = {
    "D1": "yes",
    "D2": "no",
    "D3": "partly",
    "D4": "no",
    "F1": "Clear direction from the manager",
    "F2": "Chase the police checks",
}


def linked_practitioner(username: str, worker, email: str = "") -> object:
    user = UserFactory.create(username=username, email=email, roles=[roles.PRACTITIONER])
    PractitionerProfile.objects.create(user=user, worker=worker)
    return user


@pytest.fixture
def team():
    return TeamFactory.create(code="NA", name="North assessment")


@pytest.fixture
def worker(team):
    return WorkerFactory.create(code="W-BEA", name="Bea Worker", team=team)


@pytest.fixture
def team_manager(team):
    return WorkerFactory.create(code="M-MAL", name="Mal Manager", team=team)


@pytest.fixture
def worker_user(worker):
    return linked_practitioner("bea", worker, "bea@example.org")


@pytest.fixture
def manager_user(team_manager):
    return linked_practitioner("mal", team_manager, "mal@example.org")


def moderated_case(moderator, worker, manager=None, *, child_id="EX0042", agency="social_care"):
    """A submitted Domestic abuse case audit of an S47 enquiry allocated to `worker`, marked moderated."""
    child = ChildFactory.create(child_id=child_id, name=CHILD_NAME)
    enquiry = S47EnquiryFactory.create(child=child, worker=worker, oversight_manager=manager)
    audit = AuditFactory.create(title="Domestic abuse audit", tool_version=tool_version("Domestic abuse"))
    case_audit = scored_case(
        audit,
        ANSWERS,
        evidence={"D2": "No risk assessment on file"},
        child=child,
        record_id=enquiry.pk,
        record_date=enquiry.start_date,
        agency=agency,
        grade="requires_improvement",
    )
    services.case_audit_moderated(case_audit=case_audit, user=moderator)
    return case_audit


@pytest.fixture
def sent(moderator, worker, team_manager, worker_user, manager_user, django_capture_on_commit_callbacks):
    with time_machine.travel(SENT, tick=False), django_capture_on_commit_callbacks(execute=True):
        case_audit = moderated_case(moderator, worker, team_manager)
    return Feedback.objects.get(case_audit=case_audit)


# Sending ----------------------------------------------------------------------------------------------


def test_moderating_a_case_sends_its_feedback_to_the_allocated_worker_and_the_oversight_manager(
    sent, worker, team_manager, moderator
):
    assert (sent.worker, sent.manager, sent.sent_by) == (worker, team_manager, moderator)
    assert sent.sent_at == SENT


def test_the_response_is_due_ten_working_days_on_by_the_one_calendar_over_easter(sent):
    """Sent Friday 11 April 2014; Good Friday and Easter Monday are not working days."""
    assert sent.respond_by == datetime.date(2014, 4, 29)
    assert sent.remind_on == datetime.date(2014, 4, 25)


def test_the_number_of_working_days_is_a_setting(settings):
    """Three working days after Friday 11 April 2014: Monday 14, Tuesday 15, Wednesday 16."""
    settings.FEEDBACK_RESPONSE_WORKING_DAYS = 3
    settings.FEEDBACK_REMINDER_WORKING_DAYS_BEFORE = 5  # more than the days: the reminder is on the day sent
    assert feedback.due_dates(datetime.date(2014, 4, 11)) == (
        datetime.date(2014, 4, 16),
        datetime.date(2014, 4, 11),
    )


def test_moderating_the_case_again_sends_no_second_feedback(
    sent, moderator, django_capture_on_commit_callbacks
):
    case_audit = sent.case_audit
    with django_capture_on_commit_callbacks(execute=True):
        services.case_audit_moderated(case_audit=case_audit, user=moderator)
    assert Feedback.objects.count() == 1
    assert len(mail.outbox) == 2  # the first moderation's two emails only


def test_a_case_with_no_allocated_worker_or_from_a_partner_agency_gets_no_feedback(moderator, worker):
    moderated_case(moderator, None, child_id="EX0001")
    moderated_case(moderator, worker, child_id="EX0002", agency="police")
    assert not Feedback.objects.exists()


def test_feedback_is_not_sent_before_the_case_is_moderated(moderator, worker):
    child = ChildFactory.create()
    enquiry = S47EnquiryFactory.create(child=child, worker=worker)
    case_audit = scored_case(AuditFactory.create(), {}, child=child, record_id=enquiry.pk)
    with pytest.raises(ValidationError):
        feedback.feedback_send(case_audit=case_audit, user=moderator)


def test_the_findings_say_what_was_good_what_needs_doing_and_the_grade(sent):
    findings = feedback.findings_of(sent.case_audit)
    assert findings.grade == "Requires improvement to be good"
    assert [(line.code, line.value) for line in findings.good] == [("D1", "Yes"), ("F1", "")]
    assert [line.text for line in findings.good][1] == "Clear direction from the manager"
    # D4 No closes D5 to D7 (asked only of a protection plan): they are not findings.
    assert [(line.code, line.value) for line in findings.to_do] == [
        ("D2", "No"),
        ("D3", "Partly"),
        ("D4", "No"),
        ("F2", ""),
    ]
    assert findings.to_do[0].note == "No risk assessment on file"


# Emails -----------------------------------------------------------------------------------------------


def test_the_worker_and_the_manager_each_get_one_email_naming_the_child_by_id_only(sent):
    assert sorted(message.to[0] for message in mail.outbox) == ["bea@example.org", "mal@example.org"]
    worker_email = next(m for m in mail.outbox if m.to == ["bea@example.org"])
    assert worker_email.subject == "Audit feedback on your case (child ID EX0042): please respond"
    for message in mail.outbox:
        assert isinstance(message, EmailMultiAlternatives)
        html = str(message.alternatives[0][0])
        for text in (message.subject, message.body, html):
            assert "EX0042" in text
            assert "Persephone" not in text and "Quillfeather" not in text
            assert "Chase the police checks" not in text  # findings are read signed in
        assert reverse("audits-feedback", args=[sent.uuid]) in message.body
    assert "29 April 2014" in worker_email.body
    sent.refresh_from_db()
    assert sent.emailed_at is not None


def test_the_emails_go_once_however_often_the_task_runs(sent):
    assert feedback.feedback_email_send(feedback_id=sent.pk) == 0
    assert len(mail.outbox) == 2


def test_a_failed_send_gives_its_claim_back_for_the_retry(sent, monkeypatch):
    Feedback.objects.filter(pk=sent.pk).update(emailed_at=None)
    mail.outbox.clear()

    def refuse(*args, **kwargs):
        raise ConnectionError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    with pytest.raises(ConnectionError):
        feedback.feedback_email_send(feedback_id=sent.pk)
    sent.refresh_from_db()
    assert sent.emailed_at is None
    monkeypatch.undo()
    assert feedback.feedback_email_send(feedback_id=sent.pk) == 2


def test_a_worker_with_no_linked_user_gets_feedback_in_the_app_but_no_email(moderator, worker):
    moderated_case(moderator, worker)
    assert Feedback.objects.get().worker == worker
    assert feedback.feedback_email_send(feedback_id=Feedback.objects.get().pk) == 0
    assert mail.outbox == []


# Reminders --------------------------------------------------------------------------------------------


def test_one_reminder_goes_on_its_day_and_never_again(sent):
    mail.outbox.clear()
    assert feedback.feedback_reminders_send(today=datetime.date(2014, 4, 24)).sent == []
    outcome = feedback.feedback_reminders_send(today=datetime.date(2014, 4, 25))
    assert outcome.sent == [str(sent.uuid)]
    assert [m.to for m in mail.outbox] == [["bea@example.org"]]
    assert mail.outbox[0].subject == "Reminder: respond to the audit feedback on child ID EX0042"
    assert "Persephone" not in mail.outbox[0].body
    for day in (25, 28, 29, 30):
        assert feedback.feedback_reminders_send(today=datetime.date(2014, 4, day)).sent == []
    assert len(mail.outbox) == 1
    sent.refresh_from_db()
    assert sent.reminder_sent_at is not None


def test_no_reminder_once_the_worker_has_responded(sent, worker_user):
    feedback.feedback_respond(feedback=sent, user=worker_user, answer="agree")
    mail.outbox.clear()
    assert feedback.feedback_reminders_send(today=datetime.date(2014, 5, 1)).sent == []
    assert mail.outbox == []


def test_the_command_sends_the_reminder_once(sent, capsys):
    mail.outbox.clear()
    call_command("send_feedback_reminders", "--date", "2014-04-28")
    call_command("send_feedback_reminders", "--date", "2014-04-28")
    assert len(mail.outbox) == 1
    assert "0 sent" in capsys.readouterr().out.splitlines()[-1]


def test_the_reminders_are_on_the_beat_schedule():
    from config.schedule import CELERY_BEAT_SCHEDULE

    tasks = {job["task"] for job in CELERY_BEAT_SCHEDULE.values()}
    assert "audits.tasks.feedback_reminders_send_task" in tasks


# Responding -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("answer", ["partly", "disagree"])
def test_partly_agree_and_disagree_need_a_comment(sent, worker_user, answer):
    with pytest.raises(ValidationError) as error:
        feedback.feedback_respond(feedback=sent, user=worker_user, answer=answer, comment="  ")
    assert error.value.message_dict == {"comment": ["Enter why you partly agree or disagree"]}
    assert not FeedbackResponse.objects.exists()


def test_the_worker_responds_once_and_the_same_response_again_changes_nothing(sent, worker_user):
    first = feedback.feedback_respond(
        feedback=sent, user=worker_user, answer="disagree", comment=" The checks were done "
    )
    assert (first.answer, first.comment, first.responded_by) == (
        "disagree",
        "The checks were done",
        worker_user,
    )
    again = feedback.feedback_respond(
        feedback=sent, user=worker_user, answer="disagree", comment="The checks were done"
    )
    assert again.pk == first.pk
    with pytest.raises(ValidationError, match="already responded"):
        feedback.feedback_respond(feedback=sent, user=worker_user, answer="agree")
    assert FeedbackResponse.objects.get().answer == "disagree"


def test_only_the_allocated_worker_may_respond_not_their_manager(sent, manager_user):
    with pytest.raises(ValidationError):
        feedback.feedback_respond(feedback=sent, user=manager_user, answer="agree")
    assert not FeedbackResponse.objects.exists()


# Pages and access -------------------------------------------------------------------------------------


def test_the_worker_reads_their_feedback_and_its_view_is_logged(client, sent, worker_user):
    client.force_login(worker_user)
    response = client.get(reverse("audits-feedback", args=[sent.uuid]))
    assert response.status_code == 200
    body = response.content.decode()
    for text in (
        "What was good",
        "What needs doing",
        "Requires improvement to be good",
        "Chase the police checks",
    ):
        assert text in body
    assert CHILD_NAME not in body
    assert AccessLogChild.objects.filter(entry__user=worker_user, child_ref="EX0042").exists()


def test_the_worker_responds_on_the_page(client, sent, worker_user):
    client.force_login(worker_user)
    url = reverse("audits-feedback-respond", args=[sent.uuid])
    refused = client.post(url, {"answer": "disagree", "comment": ""})
    assert refused.status_code == 400
    assert "Enter why you partly agree or disagree" in refused.content.decode()
    assert client.get(url).status_code == 405
    response = client.post(url, {"answer": "partly", "comment": "D3 was done, see the case notes"})
    assert response.status_code == 302
    sent.refresh_from_db()
    assert (sent.response.answer, sent.response.comment) == ("partly", "D3 was done, see the case notes")
    page = client.get(reverse("audits-feedback", args=[sent.uuid])).content.decode()
    assert "Partly agree" in page and "Send your response" not in page


def test_another_worker_gets_a_404_for_feedback_that_is_not_theirs(client, sent, team):
    other = linked_practitioner("cy", WorkerFactory.create(code="W-CY", name="Cy Worker", team=team))
    client.force_login(other)
    assert client.get(reverse("audits-feedback", args=[sent.uuid])).status_code == 404
    assert (
        client.post(reverse("audits-feedback-respond", args=[sent.uuid]), {"answer": "agree"}).status_code
        == 404
    )
    mine = client.get(reverse("audits-feedback-mine")).content.decode()
    assert "EX0042" not in mine and "No feedback on your cases yet" in mine
    assert not FeedbackResponse.objects.exists()


def test_the_team_manager_reads_the_feedback_but_may_not_respond(client, sent, manager_user):
    client.force_login(manager_user)
    assert client.get(reverse("audits-feedback", args=[sent.uuid])).status_code == 200
    mine = client.get(reverse("audits-feedback-mine")).content.decode()
    assert "Feedback on your team's cases" in mine and "EX0042" in mine
    response = client.post(reverse("audits-feedback-respond", args=[sent.uuid]), {"answer": "agree"})
    assert response.status_code == 403
    assert not FeedbackResponse.objects.exists()


def test_a_practitioner_sees_no_case_audit_child_or_results(client, sent, worker_user):
    client.force_login(worker_user)
    urls = [
        reverse("audits-score", args=[sent.case_audit.uuid]),
        reverse("audits-results", args=[sent.case_audit.audit.uuid]),
        reverse("cases-child-detail", args=[sent.case_audit.child.uuid]),
        reverse("audits-feedback-overview"),
        reverse("audits-list"),
    ]
    for url in urls:
        assert client.get(url).status_code in (403, 404), url


def test_the_home_page_lists_the_practitioners_feedback_to_respond_to(client, sent, worker_user):
    client.force_login(worker_user)
    with time_machine.travel(datetime.datetime(2014, 4, 30, 9, tzinfo=datetime.UTC)):
        body = client.get(reverse("home")).content.decode()
    assert "Audit feedback to respond to" in body
    assert reverse("audits-feedback", args=[sent.uuid]) in body
    assert "Overdue" in body


def test_the_qa_lead_sees_response_rates_and_disagreements(client, sent, worker_user, manager, moderator):
    feedback.feedback_respond(feedback=sent, user=worker_user, answer="disagree", comment="Risk was assessed")
    with time_machine.travel(SENT, tick=False):
        other = moderated_case(moderator, sent.worker, child_id="EX0043")
    client.force_login(manager)
    with time_machine.travel(datetime.datetime(2014, 5, 6, 9, tzinfo=datetime.UTC)):
        response = client.get(reverse("audits-feedback-overview"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "50% (1 of 2)" in body
    assert "Risk was assessed" in body
    overdue = body[body.index('id="overdue"') :]
    assert "EX0043" in overdue
    assert other.feedback.respond_by.strftime("%-d %b %Y") in overdue


@pytest.mark.parametrize("more", [0, 3])
def test_the_overview_counts_in_a_fixed_number_of_queries(
    client, sent, manager, moderator, django_assert_num_queries, more
):
    for number in range(more):
        moderated_case(moderator, sent.worker, child_id=f"EX01{number}")
    Feedback.objects.update(respond_by=datetime.date(2014, 4, 12), remind_on=datetime.date(2014, 4, 11))
    client.force_login(manager)
    client.get(reverse("audits-feedback-overview"))  # warm the session: the next request does not save it
    with django_assert_num_queries(8):
        client.get(reverse("audits-feedback-overview"))


def test_the_results_page_shows_each_response_beside_its_case_without_the_worker(
    client, sent, worker_user, manager
):
    feedback.feedback_respond(feedback=sent, user=worker_user, answer="disagree", comment="Risk was assessed")
    client.force_login(manager)
    body = client.get(reverse("audits-results", args=[sent.case_audit.audit.uuid])).content.decode()
    table = body[body.index('id="practitioner-responses"') :]
    assert "EX0042" in table and "Disagree" in table and "Risk was assessed" in table
    assert "Bea Worker" not in body


def test_a_report_officer_sees_results_but_no_responses(client, sent, report_officer):
    client.force_login(report_officer)
    body = client.get(reverse("audits-results", args=[sent.case_audit.audit.uuid])).content.decode()
    assert 'id="practitioner-responses"' not in body and "EX0042" not in body


def test_marking_a_case_moderated_on_its_page_emails_the_worker_and_manager(
    client, moderator, worker, team_manager, worker_user, manager_user, django_capture_on_commit_callbacks
):
    child = ChildFactory.create(child_id="EX0077", name=CHILD_NAME)
    enquiry = S47EnquiryFactory.create(child=child, worker=worker, oversight_manager=team_manager)
    audit = AuditFactory.create(tool_version=tool_version("Domestic abuse"))
    case_audit = scored_case(
        audit, ANSWERS, child=child, record_id=enquiry.pk, record_date=enquiry.start_date, grade="good"
    )
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("audits-moderated", args=[case_audit.uuid]))
    assert response.status_code == 302
    sent = Feedback.objects.get(case_audit=case_audit)
    assert (sent.worker, sent.manager) == (worker, team_manager)
    assert sorted(m.to[0] for m in mail.outbox) == ["bea@example.org", "mal@example.org"]
    assert all("EX0077" in m.subject and "Quillfeather" not in m.body for m in mail.outbox)


def test_the_results_page_tags_a_response_past_its_date_overdue(client, sent, manager):
    client.force_login(manager)
    with time_machine.travel(datetime.datetime(2014, 4, 30, 9, tzinfo=datetime.UTC)):
        body = client.get(reverse("audits-results", args=[sent.case_audit.audit.uuid])).content.decode()
    table = body[body.index('id="practitioner-responses"') :]
    assert "No response yet (respond by 29 Apr 2014)" in table and "Overdue" in table
