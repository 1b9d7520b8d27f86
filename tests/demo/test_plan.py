"""The demo action plan: mixed states, a real evidence file, loaded once."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from actions.evidence import PDF, sniff
from actions.models import Action, ActionPlan, Evidence
from actions.storage import evidence_storage
from demo.plan import DEMO_PLAN_TITLE, demo_pdf

pytestmark = pytest.mark.django_db


def test_load_demo_adds_one_action_plan_in_mixed_states_once(settings):
    settings.DEBUG = True
    call_command("load_demo", "--children", "200", stdout=StringIO())
    plan = ActionPlan.objects.get(title=DEMO_PLAN_TITLE)
    assert plan.audit is not None and plan.audit.title == "S47 and information sharing audit (demo)"
    assert plan.issues.count() == 3
    today = timezone.localdate()
    rags = sorted(a.rag_on(today) for a in Action.objects.filter(issue__plan=plan))
    assert rags == ["amber", "green", "green", "red"]
    assert (
        Action.objects.filter(status=Action.Status.AWAITING_SIGN_OFF, owner__username="auditor").count() == 1
    )
    evidence = Evidence.objects.get()
    with evidence_storage().open(evidence.file.name) as stored:
        assert sniff(stored) == PDF
    call_command("load_demo", "--children", "200", stdout=StringIO())
    assert ActionPlan.objects.count() == 1 and Evidence.objects.count() == 1


def test_the_demo_pdfs_cross_reference_table_points_at_its_objects():
    content = demo_pdf()
    assert content.startswith(b"%PDF-1.4") and content.rstrip().endswith(b"%%EOF")
    xref_at = int(content.split(b"startxref\n")[1].split(b"\n")[0])
    assert content[xref_at:].startswith(b"xref")
    entries = content[xref_at:].split(b"\n")[3:8]
    for number, entry in enumerate(entries, start=1):
        offset = int(entry.split()[0])
        assert content[offset:].startswith(f"{number} 0 obj".encode())
