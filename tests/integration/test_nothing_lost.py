"""Nothing lost: two autosaves of one answer at the same moment, and an import that fails part-way.

Real concurrency: two threads, each with its own database connection, committing for real.
"""

import threading
from pathlib import Path

import pytest
from django.db import connection

from audits import services
from audits.models import Answer, CaseAudit
from cases import models as m
from cases.importing import ExtractFile, cases_import_files, writing
from tests.audits.test_services_scoring import DOMESTIC_ABUSE, case_audit_for, questions
from tests.factories import UserFactory
from tests.needs import needs_postgresql

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def test_two_simultaneous_saves_of_one_answer_keep_one_and_report_the_other_as_a_conflict():
    needs_postgresql("SQLite serialises all writers, so the two saves could never meet")
    auditor = UserFactory.create(roles=["Auditor"])
    case_audit = case_audit_for(DOMESTIC_ABUSE, auditor, status=CaseAudit.Status.IN_PROGRESS)
    question = questions(case_audit)["D1"]
    start = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def save(value: str) -> None:
        try:
            start.wait(timeout=10)
            outcomes[value] = services.answer_save(
                case_audit=case_audit, question=question, user=auditor, value=value, revision=0
            )
        except services.EditConflict as conflict:
            outcomes[value] = conflict
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=save, args=(value,)) for value in ("yes", "no")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    saved = [v for v, outcome in outcomes.items() if isinstance(outcome, Answer)]
    refused = [v for v, outcome in outcomes.items() if isinstance(outcome, services.EditConflict)]
    assert len(saved) == 1 and len(refused) == 1, outcomes
    stored = Answer.objects.get(case_audit=case_audit, question=question)
    assert (stored.value, stored.revision) == (saved[0], 1)
    conflict = outcomes[refused[0]]
    assert isinstance(conflict, services.EditConflict)
    assert conflict.current is not None and conflict.current.value == saved[0]  # shown to the loser


def test_an_import_that_fails_part_way_through_writing_leaves_nothing(monkeypatch):
    names = ["children.csv", "referrals.csv", "strategy_discussions.csv", "s47_enquiries.csv", "cp_plans.csv"]
    files = [ExtractFile(name, (EXAMPLES / name).read_bytes()) for name in names]
    calls = []
    original = writing._create

    def fail_on_enquiries(record_type, *args, **kwargs):
        calls.append(record_type.name)
        if record_type.name == "s47_enquiries":
            raise RuntimeError("the database went away")
        return original(record_type, *args, **kwargs)

    monkeypatch.setattr(writing, "_create", fail_on_enquiries)

    with pytest.raises(RuntimeError):
        cases_import_files(files=files, user=None)

    assert calls[0] == "children"  # children were written before the failure
    for model in (m.Child, m.S47Enquiry, m.Team, m.Worker, m.ImportBatch, m.Child.history.model):
        assert not model.objects.exists(), model
