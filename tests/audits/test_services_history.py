"""Each audits service that changes an audit, a case audit or an answer records who did it in the history
row, and the services are called here directly: no request, so HistoryRequestMiddleware cannot supply the
user (the API, tasks and commands call them the same way)."""

import datetime

import pytest

from audits import services
from audits.models import Audit, CaseAudit
from tests.audits.test_services_scoring import DOMESTIC_ABUSE, answer, answer_all, case_audit_for, questions
from tests.factories import AuditFactory, S47EnquiryFactory, tool_version

D = datetime.date
pytestmark = pytest.mark.django_db


def latest(record) -> tuple:
    row = record.history.order_by("-history_date", "-history_id").first()
    return row.history_user, row.history_change_reason


@pytest.fixture
def submitted(auditor) -> CaseAudit:
    case_audit = case_audit_for(DOMESTIC_ABUSE, auditor)
    answer_all(case_audit, auditor)
    services.grade_save(case_audit=case_audit, user=auditor, grade="good", revision=0)
    return services.case_audit_submit(case_audit=case_audit, user=auditor)


def test_creating_an_audit_records_its_lead(manager):
    audit = services.audit_create(
        user=manager,
        title="Consent audit",
        tool_version=tool_version(DOMESTIC_ABUSE),
        planned_month=D(2014, 4, 9),
    )
    assert latest(audit) == (manager, "Audit created")


def test_drawing_and_confirming_a_sample_record_who_did_each(manager, administrator):
    S47EnquiryFactory.create(start_date=D(2014, 3, 3))
    audit = AuditFactory.create(planned_month=D(2014, 4, 1))
    services.sample_draw(
        audit=audit, user=manager, frame_type="s47", frame_start=D(2014, 3, 1), frame_end=D(2014, 3, 31),
        teams=[], size=1, seed=7,
    )  # fmt: skip
    assert latest(audit) == (manager, "Sample drawn")
    services.sample_confirm(audit=audit, user=administrator)
    assert latest(audit) == (administrator, "Sample confirmed")


def test_assigning_a_case_audit_records_who_assigned_it(manager, auditor):
    case_audit = case_audit_for(DOMESTIC_ABUSE, None)
    services.case_audit_assign(case_audit=case_audit, auditor=auditor, due_date=None, user=manager)
    assert latest(case_audit) == (manager, "assigned by manager-mo")


def test_an_answer_and_the_case_audit_it_starts_record_the_auditor(auditor):
    case_audit = case_audit_for(DOMESTIC_ABUSE, auditor)
    saved = answer(case_audit, "D1", auditor, "partly")
    assert latest(saved) == (auditor, None)
    case_audit.refresh_from_db()
    assert (case_audit.status, latest(case_audit)) == (CaseAudit.Status.IN_PROGRESS, (auditor, None))


def test_a_grade_and_a_submission_record_the_auditor(auditor, submitted):
    history = submitted.history.order_by("history_date", "history_id")
    assert [(h.grade, h.status, h.history_user, h.history_change_reason) for h in history][-2:] == [
        ("good", CaseAudit.Status.IN_PROGRESS, auditor, None),
        ("good", CaseAudit.Status.SUBMITTED, auditor, "Submitted"),
    ]


def test_moderating_an_answer_and_a_grade_records_the_moderator_and_the_reason(moderator, submitted):
    changed = services.answer_moderate(
        case_audit=submitted,
        question=questions(submitted)["D1"],
        user=moderator,
        value="no",
        reason="No police",
    )
    assert latest(changed) == (moderator, "No police")
    services.grade_moderate(case_audit=submitted, user=moderator, grade="inadequate", reason="Risk missed")
    assert latest(submitted) == (moderator, "Risk missed")


def test_marking_moderated_returning_and_locking_record_the_moderator(moderator, manager, auditor):
    returned = case_audit_for(DOMESTIC_ABUSE, auditor)
    answer_all(returned, auditor)
    services.grade_save(case_audit=returned, user=auditor, grade="good", revision=0)
    services.case_audit_submit(case_audit=returned, user=auditor)
    services.case_audit_return(case_audit=returned, user=moderator, reason="Evidence thin")
    assert latest(returned) == (moderator, "Returned: Evidence thin")

    moderated = case_audit_for(DOMESTIC_ABUSE, auditor)
    answer_all(moderated, auditor)
    services.grade_save(case_audit=moderated, user=auditor, grade="good", revision=0)
    services.case_audit_submit(case_audit=moderated, user=auditor)
    services.case_audit_moderated(case_audit=moderated, user=moderator)
    assert latest(moderated) == (moderator, "Moderated")

    audit = moderated.audit
    audit.case_audits.exclude(pk=moderated.pk).delete()
    locked = services.audit_lock(audit=audit, user=manager)
    assert (locked.status, latest(locked)) == (Audit.Status.COMPLETE, (manager, "Locked"))


@pytest.mark.parametrize("same_cases", [True, False])
def test_a_reaudit_records_who_created_it(manager, same_cases):
    S47EnquiryFactory.create(start_date=D(2014, 3, 3))
    audit = AuditFactory.create(planned_month=D(2014, 4, 1), title="Consent")
    services.sample_draw(
        audit=audit, user=manager, frame_type="s47", frame_start=D(2014, 3, 1), frame_end=D(2014, 3, 31),
        teams=[], size=1, seed=7,
    )  # fmt: skip
    audit.refresh_from_db()
    new = services.reaudit_create(
        audit=audit, user=manager, planned_month=D(2014, 10, 1), same_cases=same_cases
    )
    assert {h.history_user for h in new.history.all()} == {manager}
    assert new.history.filter(history_change_reason="Re-audit of Consent").exists()


def test_setting_an_audits_status_records_who_set_it(manager):
    audit = AuditFactory.create()
    services.audit_status_set(audit=audit, user=manager, status=Audit.Status.IN_MODERATION)
    assert latest(audit)[0] == manager
