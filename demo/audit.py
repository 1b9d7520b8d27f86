"""The demo audit (`manage.py load_demo`): one S47 audit in progress, its sample drawn from the demo
children and assigned to the demo auditor, so every role has work to see. Loaded once."""

import datetime

from django.contrib.auth.models import User
from django.utils import timezone

from audits import services as audit_services
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
