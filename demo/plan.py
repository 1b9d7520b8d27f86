"""The demo action plan (`manage.py load_demo`): on the demo S47 audit, issues from the reference S47
report, actions in mixed states (one overdue, one amber, one awaiting sign-off with a small PDF as
evidence), owned by the demo users. Loaded once: a second run changes nothing."""

import datetime

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.utils import timezone

from actions import services
from actions.models import ActionPlan
from audits.models import Audit
from common.figures import Figure

DEMO_PLAN_TITLE = "S47 and information sharing: action plan (demo)"


def demo_pdf() -> bytes:
    """A one-page PDF saying what it is, built by hand (valid enough for any reader)."""
    text = b"Demo evidence: consent is a mandatory field in the workflow templates."
    stream = b"BT /F1 12 Tf 72 720 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def demo_action_plan_load(*, audit: Audit, lead: User, owners: list[User]) -> ActionPlan | None:
    """Creates the demo plan unless it exists. `owners`: two users who own the actions."""
    if ActionPlan.objects.filter(title=DEMO_PLAN_TITLE).exists():
        return None
    today = timezone.localdate()
    days = datetime.timedelta
    first, second = owners
    plan = services.plan_create(
        user=lead,
        title=DEMO_PLAN_TITLE,
        audit=audit,
        theme=audit.theme,
        lead=lead,
        review_date=today + days(days=60),
    )
    acknowledgement = services.issue_create(
        plan=plan,
        user=lead,
        description="Letters of acknowledgement to referrers not available on file",
        figure=Figure(9, 20),
        figure_label="Referrer acknowledged (last year's audit)",
    )
    chronology = services.issue_create(
        plan=plan,
        user=lead,
        description="Chronologies need to be in place on all files",
        figure=Figure(11, 20),
        figure_label="Chronology on file (last year's audit)",
    )
    consent = services.issue_create(
        plan=plan,
        user=lead,
        description="Consent element needs to be mandatory in the workflow",
        figure=Figure(7, 17),
        figure_label="Consent decision recorded (last year's audit)",
    )
    overdue = services.action_create(
        issue=acknowledgement,
        user=lead,
        description="Standard letters of acknowledgement sent to all NHS hospitals",
        owner=first,
        lead="Head of the MASH",
        due_date=today - days(days=10),
        priority="high",
    )
    services.progress_update_post(
        action=overdue,
        user=first,
        note="Letter template drafted; waiting for legal review.",
        written_on=today,
    )
    services.action_create(
        issue=chronology,
        user=lead,
        description="'Chronology days' in Safeguarding and Support: protected time to bring chronologies up to date",
        owner=second,
        lead="Service manager, Safeguarding and Support",
        due_date=today + days(days=10),
    )
    services.action_create(
        issue=chronology,
        user=lead,
        description="Practice induction days for new staff to cover chronologies",
        owner=second,
        lead="Principal social worker",
        due_date=today + days(days=45),
        priority="low",
    )
    awaiting = services.action_create(
        issue=consent,
        user=lead,
        description="Consent made a mandatory field in the contact, referral and strategy meeting templates",
        owner=first,
        lead="Domestic violence co-ordinator",
        due_date=today + days(days=20),
    )
    services.progress_update_post(
        action=awaiting,
        user=first,
        note="The workflow change went live; screenshot of the template change attached.",
        written_on=today,
        files=[ContentFile(demo_pdf(), name="workflow-consent-field.pdf")],
        mark_complete=True,
    )
    return plan
