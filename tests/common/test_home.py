"""The home page: each role lands on its own work, with counts, links and what will appear when empty."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.lockout import locked_accounts
from actions import access as action_access
from actions.models import Action, Evidence, ProgressUpdate
from audits.models import Answer, CaseAudit, Question
from audits.progress import scoring_progress
from cases.importing import ExtractFile, cases_import_files
from cases.models import ImportBatch
from common import roles
from common.models import AccessLogEntry
from metrics.models import MetricRun, MetricSnapshot, MetricTarget
from metrics.periods import last_complete_month
from reporting.models import PanelReport, ReportVersion
from tests.actions.factories import ActionFactory
from tests.factories import CaseAuditFactory, UserFactory, tool_version

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _home(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def _tasks(client, user) -> dict:
    client.force_login(user)
    return {task.title: task for task in client.get(reverse("home")).context["tasks"]}


# Auditors -------------------------------------------------------------------------------------------------


def _rating_questions_asked_of_every_case(version) -> int:
    return Question.objects.filter(
        section__version=version, kind=Question.Kind.RATING, applies_if__isnull=True, subsample_only=False
    ).count()


def test_progress_counts_the_questions_asked_of_that_case(auditor):
    version = tool_version()
    base = _rating_questions_asked_of_every_case(version)
    fresh = CaseAuditFactory.create(auditor=auditor)
    started = CaseAuditFactory.create(auditor=auditor, audit=fresh.audit)
    questions = {q.code: q for q in Question.objects.filter(section__version=version)}
    for code, value in (("D1", "yes"), ("D4", "yes"), ("D6", "partly")):
        Answer.objects.create(case_audit=started, question=questions[code], value=value)

    progress = scoring_progress([fresh, started])

    assert (progress[fresh.pk].answered, progress[fresh.pk].asked) == (0, base)
    # D4 = Yes asks D5 and D6; D6 = Partly asks D7.
    assert (progress[started.pk].answered, progress[started.pk].asked) == (3, base + 3)
    assert str(progress[started.pk]) == f"3 of {base + 3} answered"


def test_an_auditor_sees_their_cases_to_score_with_progress_and_due_dates(client, auditor):
    overdue = CaseAuditFactory.create(auditor=auditor, due_date=TODAY() - datetime.timedelta(days=2))
    later = CaseAuditFactory.create(
        auditor=auditor, audit=overdue.audit, due_date=TODAY() + datetime.timedelta(days=9),
        status=CaseAudit.Status.IN_PROGRESS,
    )  # fmt: skip
    submitted = CaseAuditFactory.create(
        auditor=auditor, audit=overdue.audit, status=CaseAudit.Status.SUBMITTED
    )
    someone_elses = CaseAuditFactory.create(
        auditor=UserFactory.create(roles=[roles.AUDITOR]), audit=overdue.audit
    )
    base = _rating_questions_asked_of_every_case(tool_version())

    task = _tasks(client, auditor)["Case audits to score"]
    page = _home(client, auditor)

    assert task.count == 2
    assert [item.url for item in task.items] == [
        reverse("audits-score", args=[overdue.uuid]),
        reverse("audits-score", args=[later.uuid]),
    ]  # the earliest due first
    assert task.items[0].tag == "Overdue" and task.items[1].tag == ""
    assert f"0 of {base} answered" in task.items[0].hint
    assert f"due {later.due_date:%-d %B %Y}" in task.items[1].hint
    assert overdue.child.child_id in page and later.child.child_id in page
    assert submitted.child.child_id not in page and someone_elses.child.child_id not in page
    entry = AccessLogEntry.objects.filter(object_type="home tasks").latest("at")  # each visit is logged
    assert sorted(entry.children.values_list("child_ref", flat=True)) == sorted(
        [overdue.child.child_id, later.child.child_id]
    )


def test_a_returned_case_is_its_own_task(client, auditor):
    returned = CaseAuditFactory.create(auditor=auditor, status=CaseAudit.Status.RETURNED)

    tasks = _tasks(client, auditor)

    assert tasks["Case audits to score"].count == 0
    assert [i.url for i in tasks["Returned to you by a moderator"].items] == [
        reverse("audits-score", args=[returned.uuid])
    ]


def test_empty_tasks_say_what_will_appear_there(client, auditor):
    page = _home(client, auditor)

    assert "Case audits assigned to you will appear here, with their due dates." in page
    assert "Cases a moderator returns to you for changes will appear here." in page
    assert "Cases awaiting moderation" not in page  # not an auditor's task
    assert not AccessLogEntry.objects.exists()  # no child was shown


def test_a_user_with_no_role_is_told_to_ask_for_one(client, outsider):
    page = _home(client, outsider)
    assert "Your account has no role yet. Ask your service administrator to give you one." in page


def test_the_home_page_needs_a_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# Moderators -----------------------------------------------------------------------------------------------


def test_a_moderator_sees_cases_awaiting_moderation_and_audits_ready_to_lock(client, moderator):
    escalated = CaseAuditFactory.create(status=CaseAudit.Status.SUBMITTED, escalated=True)
    waiting = CaseAuditFactory.create(status=CaseAudit.Status.SUBMITTED, submitted_at=timezone.now())
    done = CaseAuditFactory.create(status=CaseAudit.Status.MODERATED)
    CaseAuditFactory.create(status=CaseAudit.Status.MODERATED, audit=done.audit)
    CaseAuditFactory.create(status=CaseAudit.Status.MODERATED, audit=waiting.audit)  # one case still waiting
    locked = CaseAuditFactory.create(status=CaseAudit.Status.MODERATED)
    locked.audit.locked_at = timezone.now()
    locked.audit.save()

    tasks = _tasks(client, moderator)

    awaiting = tasks["Cases awaiting moderation"]
    assert awaiting.count == 2
    assert [i.url for i in awaiting.items] == [
        reverse("audits-moderate", args=[escalated.uuid]),
        reverse("audits-moderate", args=[waiting.uuid]),
    ]
    assert awaiting.items[0].tag == "Escalated"
    ready = tasks["Audits ready to lock"]
    assert [i.text for i in ready.items] == [done.audit.title]
    assert ready.items[0].hint == "all 2 cases moderated"
    assert ready.items[0].url == reverse("audits-lock", args=[done.audit.uuid])  # its confirmation page


# Managers -------------------------------------------------------------------------------------------------


def _awaiting(owner, marked_by=None, evidence_by=None) -> Action:
    action = ActionFactory.create(owner=owner, status=Action.Status.AWAITING_SIGN_OFF, due_date=TODAY())
    update = ProgressUpdate.objects.create(
        action=action, written_on=TODAY(), note="Done", author=marked_by or owner,
        status_after=Action.Status.AWAITING_SIGN_OFF,
    )  # fmt: skip
    if evidence_by:
        Evidence.objects.create(update=update, file="evidence/x.pdf", size=10, uploaded_by=evidence_by)
    return action


def test_awaiting_sign_off_by_agrees_with_the_sign_off_rule(manager):
    other = UserFactory.create(roles=[roles.AUDITOR])
    actions = [
        _awaiting(other),
        _awaiting(manager),  # they own it
        _awaiting(other, marked_by=manager),  # they marked it complete
        _awaiting(other, evidence_by=manager),  # they added evidence
        ActionFactory.create(owner=other, status=Action.Status.IN_PROGRESS),  # not awaiting
    ]
    second_manager = UserFactory.create(roles=[roles.MANAGER])
    auditor = UserFactory.create(roles=[roles.AUDITOR])

    for user in (manager, second_manager, auditor):
        expected = {
            a.pk
            for a in actions
            if a.status == Action.Status.AWAITING_SIGN_OFF and action_access.sign_off_refusal(user, a) is None
        }
        assert set(action_access.awaiting_sign_off_by(user).values_list("pk", flat=True)) == expected
    assert set(action_access.awaiting_sign_off_by(manager).values_list("pk", flat=True)) == {actions[0].pk}


def test_a_manager_sees_sign_offs_overdue_and_amber_actions(client, manager):
    owner = UserFactory.create(
        username="owner-olu", first_name="Olu", last_name="Owner", roles=[roles.AUDITOR]
    )
    to_sign = _awaiting(owner)
    overdue = ActionFactory.create(
        owner=owner, status=Action.Status.IN_PROGRESS, due_date=TODAY() - datetime.timedelta(3)
    )
    amber = ActionFactory.create(owner=owner, due_date=TODAY() + datetime.timedelta(days=5))
    ActionFactory.create(owner=owner, due_date=TODAY() + datetime.timedelta(days=60))  # green
    own = ActionFactory.create(owner=manager, due_date=TODAY() + datetime.timedelta(days=60))

    tasks = _tasks(client, manager)

    sign_off = tasks["Actions awaiting your sign-off"]
    assert [i.url for i in sign_off.items] == [reverse("actions-action-detail", args=[to_sign.uuid])]
    assert "owner Olu Owner" in sign_off.items[0].hint
    assert [i.url for i in tasks["Overdue actions"].items] == [
        reverse("actions-action-detail", args=[overdue.uuid])
    ]
    assert "3 days overdue" in tasks["Overdue actions"].items[0].hint
    assert [i.url for i in tasks["Actions not started and due soon (amber)"].items] == [
        reverse("actions-action-detail", args=[amber.uuid])
    ]
    assert [i.url for i in tasks["Your open actions"].items] == [
        reverse("actions-action-detail", args=[own.uuid])
    ]


def _snapshot(metric: str, numerator: int, denominator: int) -> None:
    MetricSnapshot.objects.create(
        metric=metric, period=last_complete_month(TODAY()), numerator=numerator, denominator=denominator,
        computed_at=timezone.now(),
    )  # fmt: skip


def test_a_manager_sees_the_measures_below_target_last_month(client, manager):
    MetricTarget.objects.create(metric="consent_recorded", target_percent=90, amber_percent=80)
    MetricTarget.objects.create(metric="chronology_on_file", target_percent=90, amber_percent=70)
    MetricTarget.objects.create(metric="management_oversight", target_percent=50, amber_percent=40)
    _snapshot("consent_recorded", 13, 18)  # 72%: red
    _snapshot("chronology_on_file", 8, 10)  # 80%: amber
    _snapshot("management_oversight", 9, 10)  # 90%: green

    task = _tasks(client, manager)["Measures below target"]

    month = f"{last_complete_month(TODAY()):%B %Y}"
    assert task.count == 2
    assert [(i.hint, i.tag) for i in task.items] == [
        (f"72% (13 of 18) in {month} · target 90%", "Red"),
        (f"80% (8 of 10) in {month} · target 90%", ""),
    ]
    assert task.items[0].url == reverse("metrics-dashboard") + "#consent_recorded"


def test_with_no_target_the_measures_task_says_who_sets_them(client, manager):
    page = _home(client, manager)
    assert "No measure has a target yet: an administrator sets them" in page


# Report officers and panel members ------------------------------------------------------------------------


def _report(user, title="Quarterly scrutiny report", status=PanelReport.Status.DRAFT) -> PanelReport:
    return PanelReport.objects.create(
        report_type=PanelReport.Type.SCRUTINY_PANEL, title=title, meeting_name="CYPS Scrutiny Panel",
        meeting_date=TODAY() + datetime.timedelta(days=20), period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 3, 31), status=status, created_by=user,
    )  # fmt: skip


def test_a_report_officer_sees_drafts_and_the_newest_version_ready_to_issue(client, report_officer):
    draft = _report(report_officer)
    ReportVersion.objects.create(report=draft, number=1, status=ReportVersion.Status.DONE)
    newest = ReportVersion.objects.create(report=draft, number=2, status=ReportVersion.Status.DONE)
    running = _report(report_officer, title="Still generating")
    ReportVersion.objects.create(report=running, number=1, status=ReportVersion.Status.RUNNING)

    tasks = _tasks(client, report_officer)

    assert tasks["Reports in draft"].count == 2
    assert "version 2 generated" in tasks["Reports in draft"].items[0].hint
    ready = tasks["Versions ready to issue to the panel"]
    assert [i.url for i in ready.items] == [reverse("reporting-version", args=[newest.uuid])]


def test_a_panel_member_sees_only_issued_reports(client, panel_member, report_officer):
    issued_report = _report(report_officer, title="Issued report", status=PanelReport.Status.ISSUED)
    issued = ReportVersion.objects.create(
        report=issued_report, number=1, status=ReportVersion.Status.DONE, issued_at=timezone.now()
    )
    draft = _report(report_officer, title="Draft report")
    ReportVersion.objects.create(report=draft, number=1, status=ReportVersion.Status.DONE)

    tasks = _tasks(client, panel_member)
    page = _home(client, panel_member)

    assert list(tasks) == ["Reports issued to the panel"]
    assert [i.url for i in tasks["Reports issued to the panel"].items] == [
        reverse("reporting-version", args=[issued.uuid])
    ]
    assert "Draft report" not in page


# Administrators -------------------------------------------------------------------------------------------


def _import(name: str, content: bytes):
    return cases_import_files(files=[ExtractFile(name, content)], user=None)


def test_an_administrator_sees_a_refused_import_until_one_of_its_format_succeeds(client, administrator):
    refused = _import("children.csv", b"child_id,date_of_birth\r\nC1,31/02/2015\r\n")
    assert not refused.ok

    task = _tasks(client, administrator)["Imports refused"]
    assert [i.text for i in task.items] == ["children.csv"]
    assert task.items[0].hint.startswith("1 error ·")

    assert _import("children.csv", b"child_id,date_of_birth\r\nC1,28/02/2015\r\n").ok
    assert _tasks(client, administrator)["Imports refused"].count == 0
    assert ImportBatch.objects.filter(status=ImportBatch.Status.REJECTED).count() == 1  # kept as history


def test_an_administrator_sees_failed_recalculations_until_one_succeeds(client, administrator):
    failed = MetricRun.objects.create(
        status=MetricRun.Status.FAILED,
        trigger=MetricRun.Trigger.NIGHTLY,
        error="Traceback\nOperationalError: gone",
    )
    task = _tasks(client, administrator)["Failed recalculations of the measures"]
    assert [i.url for i in task.items] == [reverse("metrics-run", args=[failed.uuid])]
    assert task.items[0].hint == "OperationalError: gone"

    MetricRun.objects.create(status=MetricRun.Status.DONE, trigger=MetricRun.Trigger.MANUAL)
    assert _tasks(client, administrator)["Failed recalculations of the measures"].count == 0


def test_an_administrator_sees_accounts_locked_after_failed_sign_ins(client, administrator, settings):
    UserFactory.create(username="locked-lee")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("login"), {"username": "locked-lee", "password": "wrong"}, REMOTE_ADDR="192.0.2.10"
        )
    UserFactory.create(username="typo-tam")
    client.post(reverse("login"), {"username": "typo-tam", "password": "wrong"}, REMOTE_ADDR="192.0.2.10")

    assert [a.username for a in locked_accounts(timezone.now())] == ["locked-lee"]
    task = _tasks(client, administrator)["Accounts locked after failed sign-ins"]
    assert [i.text for i in task.items] == ["locked-lee"]
    assert "locked on one computer until" in task.items[0].hint
    assert task.items[0].url == reverse("admin:axes_accessattempt_changelist") + "?q=locked-lee"
    later = timezone.now() + settings.AXES_COOLOFF_TIME + datetime.timedelta(minutes=1)
    assert locked_accounts(later) == []


def test_each_task_appears_once_for_a_user_with_several_roles(client):
    both = UserFactory.create(roles=[roles.MANAGER, roles.ADMINISTRATOR])
    client.force_login(both)
    titles = [task.title for task in client.get(reverse("home")).context["tasks"]]
    assert titles.count("Actions awaiting your sign-off") == 1
    assert "Imports refused" in titles and "Measures below target" in titles
