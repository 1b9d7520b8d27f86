"""The rules of the action workflow: no completion without a manager's sign-off (with evidence, never the
owner's own), cancelling needs a reason, and each change is recorded with who made it."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from actions import services
from actions.models import Action, ActionPlan, Evidence, ProgressUpdate
from audits.models import Audit
from common import roles
from metrics.models import MetricSnapshot
from tests.actions.conftest import pdf_upload
from tests.actions.factories import ActionFactory, ActionPlanFactory, PlanIssueFactory
from tests.audits.test_results import reference_cases, scored_case
from tests.factories import AuditFactory, UserFactory, tool_version

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]
TODAY = datetime.date(2024, 6, 3)


@pytest.fixture
def action(owner):
    return ActionFactory.create(owner=owner)


def awaiting(action, owner) -> Action:
    services.progress_update_post(
        action=action, user=owner, note="Done", written_on=TODAY, files=[pdf_upload()], mark_complete=True
    )
    action.refresh_from_db()
    return action


# The database's own rules ---------------------------------------------------------------------------


def test_the_database_refuses_complete_without_a_sign_off(action):
    action.status = Action.Status.COMPLETE
    with pytest.raises(IntegrityError), transaction.atomic():
        action.save()


def test_the_database_refuses_cancelled_without_a_reason(action):
    action.status = Action.Status.CANCELLED
    with pytest.raises(IntegrityError), transaction.atomic():
        action.save()


# Progress and sign-off -------------------------------------------------------------------------------


def test_a_first_update_moves_the_action_to_in_progress(action, owner):
    update = services.progress_update_post(
        action=action, user=owner, note="Training booked", written_on=TODAY
    )
    action.refresh_from_db()
    assert action.status == Action.Status.IN_PROGRESS
    assert update.status_after == Action.Status.IN_PROGRESS
    assert update.author == owner


def test_marking_complete_without_evidence_is_refused(action, owner):
    with pytest.raises(ValidationError, match="evidence"):
        services.progress_update_post(
            action=action, user=owner, note="Done", written_on=TODAY, mark_complete=True
        )
    action.refresh_from_db()
    assert action.status == Action.Status.NOT_STARTED
    assert not ProgressUpdate.objects.exists()


def test_marking_complete_with_a_file_awaits_sign_off_and_stores_the_file(action, owner, evidence_folder):
    action = awaiting(action, owner)
    assert action.status == Action.Status.AWAITING_SIGN_OFF
    evidence = Evidence.objects.get()
    assert evidence.original_name == "minutes.pdf"
    assert evidence.content_type == "application/pdf"
    assert evidence.scan == Evidence.Scan.NOT_SCANNED
    stored = evidence_folder / evidence.file.name
    assert stored.exists() and "minutes" not in stored.name  # a random name, not the uploaded one
    assert len(evidence.sha256) == 64


def test_a_manager_signs_off_an_action_awaiting_sign_off_recording_who_and_when(action, owner, manager):
    action = awaiting(action, owner)
    services.action_sign_off(action=action, user=manager)
    action.refresh_from_db()
    assert action.status == Action.Status.COMPLETE
    assert action.signed_off_by == manager
    assert action.signed_off_at == timezone.now()
    record = action.history.first()
    assert record.history_user == manager and record.history_change_reason == "Signed off as complete"


def test_sign_off_twice_is_a_no_op(action, owner, manager):
    action = awaiting(action, owner)
    services.action_sign_off(action=action, user=manager)
    services.action_sign_off(action=action, user=manager)
    assert action.history.filter(history_change_reason="Signed off as complete").count() == 1


def test_an_action_in_progress_cannot_be_signed_off(action, owner, manager):
    services.progress_update_post(action=action, user=owner, note="Started", written_on=TODAY)
    with pytest.raises(ValidationError, match="marked complete"):
        services.action_sign_off(action=action, user=manager)


def test_a_manager_cannot_sign_off_their_own_action(manager):
    action = ActionFactory.create(owner=manager)
    awaiting(action, manager)
    with pytest.raises(ValidationError, match="another manager"):
        services.action_sign_off(action=action, user=manager)


@pytest.mark.parametrize("persona", ["moderator", "report_officer", "auditor"], indirect=True)
def test_only_managers_and_administrators_sign_off(action, owner, persona):
    awaiting(action, owner)
    with pytest.raises(ValidationError, match="Only a manager"):
        services.action_sign_off(action=action, user=persona)


def test_sign_off_needs_evidence_on_the_action(action, owner, manager):
    action.status = Action.Status.AWAITING_SIGN_OFF
    action.save()
    with pytest.raises(ValidationError, match="without evidence"):
        services.action_sign_off(action=action, user=manager)


def test_evidence_from_an_earlier_update_is_enough_to_mark_complete(action, owner):
    services.progress_update_post(action=action, user=owner, note="A", written_on=TODAY, files=[pdf_upload()])
    services.progress_update_post(action=action, user=owner, note="B", written_on=TODAY, mark_complete=True)
    action.refresh_from_db()
    assert action.status == Action.Status.AWAITING_SIGN_OFF


# Separation of duties: the one who signs off checks someone else's work ------------------------------


def test_a_manager_who_marked_the_action_complete_cannot_sign_it_off(action, owner, manager):
    """A QA lead may post on anyone's action; marking it complete and then signing it off would be one
    person vouching for their own claim."""
    services.progress_update_post(action=action, user=owner, note="A", written_on=TODAY, files=[pdf_upload()])
    services.progress_update_post(
        action=action, user=manager, note="Done", written_on=TODAY, mark_complete=True
    )
    with pytest.raises(ValidationError, match="You marked this action complete: another manager"):
        services.action_sign_off(action=action, user=manager)
    action.refresh_from_db()
    assert action.status == Action.Status.AWAITING_SIGN_OFF and action.signed_off_by is None


def test_a_manager_who_added_evidence_cannot_sign_it_off(action, owner, manager):
    services.progress_update_post(
        action=action, user=manager, note="Register", written_on=TODAY, files=[pdf_upload()]
    )
    services.progress_update_post(
        action=action, user=owner, note="Done", written_on=TODAY, mark_complete=True
    )
    with pytest.raises(ValidationError, match="You added evidence to this action: another manager"):
        services.action_sign_off(action=action, user=manager)
    action.refresh_from_db()
    assert action.status == Action.Status.AWAITING_SIGN_OFF


def test_evidence_added_while_awaiting_sign_off_bars_its_author_too(action, owner, manager):
    awaiting(action, owner)
    services.progress_update_post(
        action=action, user=manager, note="More", written_on=TODAY, files=[pdf_upload()]
    )
    with pytest.raises(ValidationError, match="You added evidence"):
        services.action_sign_off(action=action, user=manager)


def test_the_one_who_marked_it_complete_cannot_send_it_back_either(action, owner, manager):
    services.progress_update_post(action=action, user=owner, note="A", written_on=TODAY, files=[pdf_upload()])
    services.progress_update_post(
        action=action, user=manager, note="Done", written_on=TODAY, mark_complete=True
    )
    with pytest.raises(ValidationError, match="You marked this action complete"):
        services.action_reopen(action=action, user=manager, reason="Not yet")


def test_another_manager_signs_off_what_one_manager_marked_complete(action, owner, manager, administrator):
    services.progress_update_post(
        action=action, user=manager, note="Done", written_on=TODAY, files=[pdf_upload()], mark_complete=True
    )
    services.action_sign_off(action=action, user=administrator)
    action.refresh_from_db()
    assert action.status == Action.Status.COMPLETE and action.signed_off_by == administrator


def test_who_marked_it_complete_is_the_last_to_ask(action, owner, manager, administrator):
    """The administrator asked, the manager sent it back, the owner asked again: the administrator now
    checks the owner's claim, not their own."""
    services.progress_update_post(
        action=action, user=owner, note="A", written_on=TODAY, files=[pdf_upload()], mark_complete=True
    )
    services.action_reopen(action=action, user=manager, reason="Not signed")
    services.progress_update_post(
        action=action, user=administrator, note="B", written_on=TODAY, mark_complete=True
    )
    services.action_reopen(action=action, user=manager, reason="Still not signed")
    services.progress_update_post(action=action, user=owner, note="C", written_on=TODAY, mark_complete=True)
    services.action_sign_off(action=action, user=administrator)
    action.refresh_from_db()
    assert action.signed_off_by == administrator


def edit(action, user, owner):
    return services.action_update(
        action=action,
        user=user,
        description=action.description,
        owner=owner,
        lead=action.lead,
        due_date=action.due_date,
        priority=action.priority,
    )


def test_the_owner_of_an_action_awaiting_sign_off_cannot_be_changed(action, owner, manager):
    """Otherwise the owner's manager could hand the action to someone else and sign off their own work."""
    awaiting(action, owner)
    other = UserFactory.create(username="other-owner", roles=[roles.AUDITOR])
    with pytest.raises(ValidationError) as refused:
        edit(action, manager, other)
    assert "its owner cannot be changed until it is signed off or sent back" in str(refused.value)
    action.refresh_from_db()
    assert action.owner == owner


def test_an_action_awaiting_sign_off_may_still_be_edited_keeping_its_owner(action, owner, manager):
    awaiting(action, owner)
    action.description = "Reworded"
    edit(action, manager, owner)
    action.refresh_from_db()
    assert action.description == "Reworded" and action.owner == owner


def test_the_owner_of_an_action_in_progress_may_be_changed(action, owner, manager):
    other = UserFactory.create(username="other-owner", roles=[roles.AUDITOR])
    edit(action, manager, other)
    action.refresh_from_db()
    assert action.owner == other


def test_a_refused_sign_off_goes_back_to_in_progress_with_the_reason(action, owner, manager):
    action = awaiting(action, owner)
    services.action_reopen(action=action, user=manager, reason="The minutes are not signed")
    action.refresh_from_db()
    assert action.status == Action.Status.IN_PROGRESS
    assert action.updates.first().note == "Sign-off refused: The minutes are not signed"


def test_refusing_needs_a_reason(action, owner, manager):
    action = awaiting(action, owner)
    with pytest.raises(ValidationError):
        services.action_reopen(action=action, user=manager, reason="  ")


def test_someone_else_cannot_post_an_update(action):
    stranger = UserFactory.create(username="stranger", roles=[roles.AUDITOR])
    with pytest.raises(ValidationError):
        services.progress_update_post(action=action, user=stranger, note="x", written_on=TODAY)


def test_an_update_cannot_be_dated_in_the_future(action, owner):
    with pytest.raises(ValidationError):
        services.progress_update_post(
            action=action, user=owner, note="x", written_on=TODAY + datetime.timedelta(days=1)
        )


def test_a_complete_action_takes_no_more_updates(action, owner, manager):
    action = awaiting(action, owner)
    services.action_sign_off(action=action, user=manager)
    with pytest.raises(ValidationError, match="complete"):
        services.progress_update_post(action=action, user=owner, note="More", written_on=TODAY)


# Cancelling -------------------------------------------------------------------------------------------


def test_cancelling_needs_a_reason(action, manager):
    with pytest.raises(ValidationError):
        services.action_cancel(action=action, user=manager, reason="")
    action.refresh_from_db()
    assert action.status == Action.Status.NOT_STARTED


def test_a_cancelled_action_keeps_its_reason(action, manager):
    services.action_cancel(action=action, user=manager, reason="Replaced by the MASH review")
    action.refresh_from_db()
    assert action.status == Action.Status.CANCELLED
    assert action.cancelled_reason == "Replaced by the MASH review"


def test_a_complete_action_cannot_be_cancelled(action, owner, manager):
    action = awaiting(action, owner)
    services.action_sign_off(action=action, user=manager)
    with pytest.raises(ValidationError):
        services.action_cancel(action=action, user=manager, reason="No")


def test_an_owner_cannot_cancel(action, owner):
    with pytest.raises(ValidationError):
        services.action_cancel(action=action, user=owner, reason="Too hard")


# Creating plans, issues and actions ----------------------------------------------------------------------


def test_an_issue_from_an_audit_question_copies_the_figure_at_the_time(manager):
    """D4 in the reference cases: 10 Yes of 18 answered -> 56% (10 of 18)."""
    audit = AuditFactory.create(tool_version=tool_version("Domestic abuse"))
    for answers in reference_cases():
        scored_case(audit, answers)
    plan = services.plan_create(
        user=manager, title="Domestic abuse actions", lead=manager, review_date=TODAY, audit=audit
    )
    issue = services.issue_create(plan=plan, user=manager, description="Plans missing", question_codes=["D4"])
    assert (issue.figure_numerator, issue.figure_denominator) == (Decimal("10.0"), 18)
    assert str(issue.figure) == "56% (10 of 18)"
    assert issue.figure_label.startswith("D4 ")
    assert list(issue.questions.values_list("code", flat=True)) == ["D4"]
    assert issue.figure_recorded_at == timezone.now()


def test_an_issue_from_two_questions_adds_their_figures(manager):
    """D8 4 of 18 and D9 3 of 4 -> 7 of 22 = 31.8% -> 32%."""
    audit = AuditFactory.create(tool_version=tool_version("Domestic abuse"))
    for answers in reference_cases():
        scored_case(audit, answers)
    plan = ActionPlanFactory.create(audit=audit)
    issue = services.issue_create(plan=plan, user=manager, description="x", question_codes=["D8", "D9"])
    assert str(issue.figure) == "32% (7 of 22)"
    assert issue.figure_label == "D8, D9 together"


def test_an_issue_from_a_metric_copies_the_latest_all_teams_figure(manager):
    """The latest month with cases: May 2024, 7 of 17 -> 41%."""
    for period, numerator in ((datetime.date(2024, 4, 1), 9), (datetime.date(2024, 5, 1), 7)):
        MetricSnapshot.objects.create(
            metric="consent_recorded", period=period, numerator=numerator, denominator=17,
            computed_at=timezone.now(),
        )  # fmt: skip
    plan = ActionPlanFactory.create(audit=None, theme="Consent")
    issue = services.issue_create(plan=plan, user=manager, description="Consent", metric="consent_recorded")
    assert str(issue.figure) == "41% (7 of 17)"
    assert issue.figure_label == "Consent decision recorded, May 2024"


def test_an_issue_with_a_question_not_in_the_audit_is_refused(manager):
    plan = ActionPlanFactory.create()
    with pytest.raises(ValidationError):
        services.issue_create(plan=plan, user=manager, description="x", question_codes=["Z99"])


def test_a_plan_needs_an_audit_or_a_theme(manager):
    with pytest.raises(ValidationError):
        services.plan_create(user=manager, title="x", lead=manager, review_date=TODAY)


def test_an_auditor_cannot_create_a_plan(auditor):
    with pytest.raises(ValidationError):
        services.plan_create(user=auditor, title="x", lead=auditor, review_date=TODAY, theme="y")


def test_an_action_owner_must_hold_a_role(manager, outsider):
    issue = PlanIssueFactory.create()
    with pytest.raises(ValidationError):
        services.action_create(
            issue=issue, user=manager, description="x", owner=outsider, lead="y", due_date=TODAY
        )
    with pytest.raises(ValidationError):
        services.action_create(
            issue=issue, user=manager, description="x", owner=UserFactory.create(username="panel", roles=[roles.PANEL_MEMBER]),
            lead="y", due_date=TODAY,
        )  # fmt: skip


def test_an_action_is_created_not_started_with_its_creator_recorded(manager, owner):
    issue = PlanIssueFactory.create()
    action = services.action_create(
        issue=issue, user=manager, description="Train staff", owner=owner, lead="Co-ordinator", due_date=TODAY
    )
    assert action.status == Action.Status.NOT_STARTED
    assert action.created_by == manager
    assert action.history.get().history_user == manager


def test_starting_an_action_twice_is_a_no_op(action, owner):
    services.action_start(action=action, user=owner)
    services.action_start(action=action, user=owner)
    assert action.history.filter(history_change_reason="Action started").count() == 1


def test_audit_needed_for_question_issues(manager):
    plan = ActionPlanFactory.create(audit=None, theme="Consent")
    with pytest.raises(ValidationError):
        services.issue_create(plan=plan, user=manager, description="x", question_codes=["D1"])
    assert Audit.objects.count() == 0


def test_files_already_stored_are_removed_when_a_later_one_fails(action, owner, evidence_folder, monkeypatch):
    calls = []
    real_create = Evidence.objects.create

    def create_then_fail(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise OSError("disk full")
        return real_create(**kwargs)

    monkeypatch.setattr(Evidence.objects, "create", create_then_fail)
    with pytest.raises(OSError):
        services.progress_update_post(
            action=action, user=owner, note="x", written_on=TODAY, files=[pdf_upload(), pdf_upload("b.pdf")]
        )
    assert [p for p in evidence_folder.rglob("*") if p.is_file()] == []


# Closing a plan ------------------------------------------------------------------------------------------


def _close(plan, manager):
    return services.plan_update(
        plan=plan, user=manager, title=plan.title, lead=manager, review_date=TODAY, theme=plan.theme,
        status=ActionPlan.Status.CLOSED,
    )  # fmt: skip


def test_a_plan_closes_only_when_every_action_is_complete_or_cancelled(action, manager):
    plan = action.issue.plan
    with pytest.raises(ValidationError, match="1 still open"):
        _close(plan, manager)
    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.OPEN
    services.action_cancel(action=action, user=manager, reason="Merged into the training action")
    _close(plan, manager)
    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.CLOSED


def test_a_closed_plan_takes_no_new_issues_or_actions(manager, owner):
    issue = PlanIssueFactory.create()
    _close(issue.plan, manager)
    with pytest.raises(ValidationError, match="This plan is closed"):
        services.issue_create(plan=issue.plan, user=manager, description="Another issue")
    with pytest.raises(ValidationError, match="This plan is closed"):
        services.action_create(
            issue=issue, user=manager, description="x", owner=owner, lead="y", due_date=TODAY
        )
    assert issue.plan.issues.count() == 1 and not Action.objects.filter(issue=issue).exists()
