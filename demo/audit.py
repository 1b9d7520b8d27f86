"""The demo audit (`manage.py load_demo`): one S47 audit in progress, its sample drawn from the demo
children and assigned to the demo auditor, so every role has work to see. Loaded once."""

import datetime

from django.contrib.auth.models import User
from django.utils import timezone

from audits import services as audit_services
from audits import tool_editor
from audits.models import Audit, ToolVersion
from demo.profiles import DEFAULT_SEED

DEMO_AUDIT_TITLE = "S47 and information sharing audit (demo)"


def demo_audit_create(*, lead: User, auditor: User) -> Audit | None:
    """Creates the demo audit unless it exists; None if it does."""
    if Audit.objects.filter(title=DEMO_AUDIT_TITLE).exists():
        return None
    today = timezone.localdate()
    audit = audit_services.audit_create(
        user=lead,
        title=DEMO_AUDIT_TITLE,
        theme="S47 and information sharing",
        tool_version=ToolVersion.objects.filter(tool__name="S47 and information sharing").latest("number"),
        planned_month=today,
        due_date=today + datetime.timedelta(days=28),
    )
    audit_services.sample_draw(
        audit=audit,
        user=lead,
        frame_type=Audit.FrameType.S47,
        frame_start=today - datetime.timedelta(days=365),
        frame_end=today - datetime.timedelta(days=30),
        teams=[],
        size=10,
        subsample_percent=10,
        exclude_recently_audited=False,
        seed=DEFAULT_SEED,
    )
    audit_services.sample_confirm(audit=audit, user=lead)
    for case_audit in audit.case_audits.all():
        audit_services.case_audit_assign(
            case_audit=case_audit, auditor=auditor, due_date=audit.due_date, user=lead
        )
    return audit


DEMO_TOOL = "Domestic abuse"
DEMO_TOOL_CHANGE = (
    "Voice of the child: asked where there is a plan (D4 Yes), as the last thematic audit advised."
)


def demo_tool_version_create(*, lead: User) -> ToolVersion | None:
    """Version 2 of the Domestic abuse tool, made with the tool editor (a question asked only if D4 is
    Yes), so the tool's history and a conditional question show in the demo. None if it has more than
    version 1 already."""
    v1 = ToolVersion.objects.filter(tool__name=DEMO_TOOL, number=1).first()
    if v1 is None or v1.tool.versions.count() > 1:
        return None
    spec = tool_editor.spec_of(v1)
    plans = next(
        i for i, section in enumerate(spec.sections) if any(q.code == "D4" for q in section.questions)
    )
    spec = tool_editor.question_add(
        spec,
        question=tool_editor.QuestionSpec(
            code="D4a",
            text="Is the child's own view of the plan recorded, in their words?",
            guidance="Look for the child's words in the plan or the visit records, not the worker's summary.",
            applies_if="D4",
            applies_if_values=("yes",),
        ),
        section=plans,
        position=2,
    )
    return tool_editor.version_save(base=v1, spec=spec, user=lead, change_note=DEMO_TOOL_CHANGE)
