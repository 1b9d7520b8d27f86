"""Change history (django-simple-history): who changed a case record, an answer, a grade or an audit,
when, and the values before and after. The user comes from the request (HistoryRequestMiddleware) or,
for an import, from the service; a bulk import writes one history row per record it changes and one
access log entry for the whole import.
"""

import csv
import io

import pytest
from django.conf import settings
from django.urls import reverse
from simple_history.utils import get_history_manager_for_model

from audits import models as am
from cases import models as m
from cases.importing import ExtractFile, cases_import_files
from common.models import AccessLogEntry
from tests.factories import AuditFactory, CaseAuditFactory, S47EnquiryFactory, UserFactory

pytestmark = pytest.mark.django_db

HISTORIED = [
    m.Child,
    m.Referral,
    m.StrategyDiscussion,
    m.S47Enquiry,
    m.CPPlan,
    m.LookedAfterEpisode,
    am.Audit,
    am.CaseAudit,
    am.Answer,
]


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


def _changes(record) -> dict[str, tuple]:
    """The last change to `record`: {field: (before, after)}."""
    new, old = record.history.order_by("-history_date", "-history_id")[:2]
    return {change.field: (change.old, change.new) for change in new.diff_against(old).changes}


def test_case_records_audits_case_audits_and_answers_keep_a_history():
    for model in HISTORIED:
        assert get_history_manager_for_model(model).model.__name__ == f"Historical{model.__name__}", model
    assert "simple_history.middleware.HistoryRequestMiddleware" in settings.MIDDLEWARE


@pytest.fixture
def case_audit(auditor):
    enquiry = S47EnquiryFactory.create(child__child_id="C-HISTORY")
    return CaseAuditFactory.create(
        audit=AuditFactory.create(), auditor=auditor, child=enquiry.child, record_id=enquiry.pk
    )


def test_a_changed_answer_is_kept_with_who_changed_it_and_the_value_before(client, auditor, case_audit):
    question = am.Question.objects.filter(
        section__version=case_audit.audit.tool_version, kind=am.Question.Kind.RATING
    ).first()
    assert question is not None
    url = reverse("audits-answer", args=[case_audit.uuid, question.pk])
    client.force_login(auditor)
    assert client.post(url, {"value": "yes", "revision": 0}).status_code == 302
    assert client.post(url, {"value": "no", "evidence": "No plan on file", "revision": 1}).status_code == 302

    answer = am.Answer.objects.get(case_audit=case_audit, question=question)
    assert answer.history.count() == 2
    assert answer.history.latest().history_user == auditor
    changes = _changes(answer)
    assert changes["value"] == ("yes", "no")
    assert changes["evidence"] == ("", "No plan on file")


def test_a_changed_grade_is_kept_with_who_changed_it(client, auditor, moderator, case_audit):
    url = reverse("audits-grade", args=[case_audit.uuid])
    client.force_login(auditor)
    assert client.post(url, {"grade": "good", "note": "", "revision": 0}).status_code == 302
    am.CaseAudit.objects.filter(pk=case_audit.pk).update(status=am.CaseAudit.Status.SUBMITTED)
    client.force_login(moderator)
    moderate = reverse("audits-moderate-grade", args=[case_audit.uuid])
    assert client.post(moderate, {"grade": "inadequate", "reason": "No safety plan"}).status_code == 302

    case_audit.refresh_from_db()
    latest = case_audit.history.latest()
    assert (latest.history_user, latest.grade) == (moderator, "inadequate")
    assert _changes(case_audit)["grade"] == ("good", "inadequate")
    assert case_audit.history.filter(history_user=auditor, grade="good").exists()


def test_a_case_record_changed_by_an_import_keeps_its_values_before_and_who_imported_it():
    importer = UserFactory.create(username="importer")
    header = ["child_id", "start_date", "end_date", "consent"]
    children = ExtractFile("children.csv", _csv([["child_id"], ["C1"]]))
    cases_import_files(
        files=[children, ExtractFile("s47.csv", _csv([header, ["C1", "03/03/2014", "", ""]]))], user=None
    )

    changed = _csv([header, ["C1", "03/03/2014", "24/03/2014", "given"]])
    cases_import_files(files=[ExtractFile("s47_enquiries.csv", changed)], user=importer)

    enquiry = m.S47Enquiry.objects.get()
    latest = enquiry.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (
        importer,
        "Imported from s47_enquiries.csv",
    )
    changes = _changes(enquiry)
    assert (str(changes["end_date"][0]), str(changes["end_date"][1])) == ("None", "2014-03-24")
    assert changes["consent"] == ("", "given")


def test_a_bulk_import_writes_one_history_row_per_record_changed_and_one_access_log_entry():
    """Three children created: three history rows, one event. The same file again: no rows, one event."""
    importer = UserFactory.create(username="importer")
    children = ExtractFile("children.csv", _csv([["child_id"], ["C1"], ["C2"], ["C3"]]))

    cases_import_files(files=[children], user=importer)

    rows = m.Child.history.all()
    assert [(h.history_type, h.history_user, h.history_change_reason) for h in rows] == [
        ("+", importer, "Imported from children.csv")
    ] * 3
    entry = AccessLogEntry.objects.get()
    assert (entry.action, entry.detail) == ("import", "children.csv: 3 created, 0 updated, 0 unchanged")

    cases_import_files(files=[children], user=importer)

    assert m.Child.history.count() == 3
    assert AccessLogEntry.objects.count() == 2
    assert AccessLogEntry.objects.latest("pk").detail == "children.csv: 0 created, 0 updated, 3 unchanged"
