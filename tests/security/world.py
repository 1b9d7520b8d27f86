"""A small fixture world for the permission tests: one user per persona and a few objects of each type.

Two teams; child A (team North) and child B (team South), each with an S47 enquiry, a strategy
discussion and a referral; a multi-agency audit in which
- child A's social care case audit is assigned to the auditor persona,
- child A's police case audit to the partner agency auditor persona (police),
- child A's health case audit to a health partner auditor (not a persona),
- child B's social care case audit to another auditor (submitted, so the moderation list shows it), and
  its police case audit to another police auditor (neither a persona);
a re-audit of it, a programme, a metric run and a snapshot; an action plan on the audit, led by the manager
persona, with one issue and one action owned by the other auditor (so the auditor and partner agency
auditor personas see neither), with one progress update; two panel reports, one with an issued version
(and a later draft version) and one with a draft version only. Child B's S47 enquiry is allocated to the
practitioner persona's worker, and its social care case audit has feedback to them (no response yet).
"""

import dataclasses
import datetime

from django.contrib.auth.models import User
from django.utils import timezone

from actions import models as acm
from audits import models as am
from cases import models as m
from common import roles
from metrics.models import MetricRun, MetricSnapshot
from reporting.models import PanelReport, ReportVersion
from tests.factories import (
    AuditFactory,
    CaseAuditFactory,
    ChildFactory,
    ReferralFactory,
    S47EnquiryFactory,
    StrategyDiscussionFactory,
    TeamFactory,
    UserFactory,
    WorkerFactory,
)

ANONYMOUS = "anonymous"
NO_ROLE = "no role"
# The personas, in the order of the matrix's columns: the anonymous visitor, each role, a user with no role.
PERSONAS = (ANONYMOUS, *roles.ALL_ROLES, NO_ROLE)


@dataclasses.dataclass
class World:
    users: dict[str, User | None]
    north: m.Team
    south: m.Team
    child_a: m.Child
    child_b: m.Child
    s47_a: m.S47Enquiry
    s47_b: m.S47Enquiry
    discussion_a: m.StrategyDiscussion
    referral_a: m.Referral
    audit: am.Audit
    reaudit: am.Audit
    case_audit_a: am.CaseAudit  # child A, social care, the auditor persona's
    case_audit_police: am.CaseAudit  # child A, police, the partner agency auditor persona's
    case_audit_health: am.CaseAudit  # child A, health, another partner agency's
    case_audit_b: am.CaseAudit  # child B, social care, another auditor's
    case_audit_police_b: am.CaseAudit  # child B, police, another police auditor's
    programme: am.AuditProgramme
    question: am.Question
    run: MetricRun
    snapshot: MetricSnapshot
    plan: acm.ActionPlan
    issue: acm.PlanIssue
    action: acm.Action
    update: acm.ProgressUpdate
    issued_report: PanelReport
    draft_report: PanelReport
    issued_version: ReportVersion
    later_draft_version: ReportVersion
    draft_version: ReportVersion
    worker: m.Worker  # the practitioner persona's
    feedback: am.Feedback  # on child B's social care case audit, to the practitioner persona

    @property
    def children(self) -> list[m.Child]:
        return [self.child_a, self.child_b]

    @property
    def case_audits(self) -> list[am.CaseAudit]:
        return [
            self.case_audit_a,
            self.case_audit_police,
            self.case_audit_health,
            self.case_audit_b,
            self.case_audit_police_b,
        ]

    @property
    def s47_enquiries(self) -> list[m.S47Enquiry]:
        return [self.s47_a, self.s47_b]


def _user(username: str, role: str | None = None, agency: str | None = None) -> User:
    user = UserFactory.create(username=username, roles=[role] if role else [])
    if agency:
        am.AuditorProfile.objects.create(user=user, agency=agency)
    return user


def build_world() -> World:
    users: dict[str, User | None] = {ANONYMOUS: None, NO_ROLE: _user("world-no-role")}
    for role in roles.ALL_ROLES:
        slug = role.lower().replace(" ", "-")
        agency = {roles.PARTNER_AUDITOR: am.Agency.POLICE, roles.AUDITOR: am.Agency.SOCIAL_CARE}.get(role)
        users[role] = _user(f"world-{slug}", role, agency)
    other_auditor = _user("world-other-auditor", roles.AUDITOR, am.Agency.SOCIAL_CARE)
    health_auditor = _user("world-health-auditor", roles.PARTNER_AUDITOR, am.Agency.HEALTH)
    other_police_auditor = _user("world-other-police-auditor", roles.PARTNER_AUDITOR, am.Agency.POLICE)

    north, south = TeamFactory.create(code="N", name="North"), TeamFactory.create(code="S", name="South")
    child_a, child_b = ChildFactory.create(child_id="WORLD-A"), ChildFactory.create(child_id="WORLD-B")
    discussion_a = StrategyDiscussionFactory.create(child=child_a, team=north, date=datetime.date(2014, 3, 3))
    s47_a = S47EnquiryFactory.create(child=child_a, team=north, strategy_discussion=discussion_a)
    worker = WorkerFactory.create(code="WORLD-WORKER", name="world worker", team=south)
    practitioner = users[roles.PRACTITIONER]
    assert practitioner is not None
    am.PractitionerProfile.objects.create(user=practitioner, worker=worker)
    s47_b = S47EnquiryFactory.create(
        child=child_b, team=south, start_date=datetime.date(2014, 3, 10), worker=worker
    )
    referral_a = ReferralFactory.create(child=child_a, team=north)

    programme = am.AuditProgramme.objects.create(
        title="World programme", year_start=datetime.date(2014, 4, 1)
    )
    audit = AuditFactory.create(
        title="World audit", programme=programme, agencies=["social_care", "police", "health"]
    )
    reaudit = AuditFactory.create(title="World re-audit", reaudit_of=audit, tool_version=audit.tool_version)

    def case_audit(child, record, agency, auditor, **fields):
        return CaseAuditFactory.create(
            audit=audit, child=child, record_id=record.pk, record_date=record.start_date,
            team=record.team, agency=agency, auditor=auditor, **fields,
        )  # fmt: skip

    question = (
        am.Question.objects.filter(section__version=audit.tool_version, kind=am.Question.Kind.RATING)
        .order_by("section__order", "order")
        .first()
    )
    assert question is not None
    now = timezone.now()
    run = MetricRun.objects.create(trigger=MetricRun.Trigger.MANUAL, status=MetricRun.Status.DONE)
    snapshot = MetricSnapshot.objects.create(
        metric="s47_within_15_days",
        period=datetime.date(2014, 3, 1),
        numerator=1,
        denominator=2,
        computed_at=now,
    )
    plan = acm.ActionPlan.objects.create(
        title="World action plan",
        audit=audit,
        lead=users[roles.MANAGER],
        review_date=datetime.date(2014, 9, 1),
    )
    issue = acm.PlanIssue.objects.create(plan=plan, description="Consent not recorded")
    action = acm.Action.objects.create(
        issue=issue,
        description="Remind teams to record consent",
        owner=other_auditor,
        lead="Service manager",
        due_date=datetime.date(2014, 6, 30),
    )
    update = acm.ProgressUpdate.objects.create(
        action=action, written_on=datetime.date(2014, 5, 1), note="Briefing held", author=other_auditor
    )

    def report(title):
        return PanelReport.objects.create(
            report_type=PanelReport.Type.SCRUTINY_PANEL, title=title, meeting_name="Scrutiny Panel",
            meeting_date=datetime.date(2014, 10, 1), period_start=datetime.date(2014, 4, 1),
            period_end=datetime.date(2014, 9, 30),
        )  # fmt: skip

    issued_report, draft_report = report("World issued report"), report("World draft report")
    done = ReportVersion.Status.DONE
    issued_version = ReportVersion.objects.create(report=issued_report, number=1, status=done, issued_at=now)
    later_draft_version = ReportVersion.objects.create(report=issued_report, number=2, status=done)
    draft_version = ReportVersion.objects.create(report=draft_report, number=1, status=done)
    case_audit_b = case_audit(
        child_b, s47_b, "social_care", other_auditor, status=am.CaseAudit.Status.SUBMITTED, submitted_at=now
    )
    feedback = am.Feedback.objects.create(
        case_audit=case_audit_b,
        worker=worker,
        sent_at=now,
        respond_by=datetime.date(2014, 6, 13),
        remind_on=datetime.date(2014, 6, 11),
    )
    return World(
        users=users,
        north=north,
        south=south,
        child_a=child_a,
        child_b=child_b,
        s47_a=s47_a,
        s47_b=s47_b,
        discussion_a=discussion_a,
        referral_a=referral_a,
        audit=audit,
        reaudit=reaudit,
        case_audit_a=case_audit(child_a, s47_a, "social_care", users[roles.AUDITOR]),
        case_audit_police=case_audit(child_a, s47_a, "police", users[roles.PARTNER_AUDITOR]),
        case_audit_health=case_audit(child_a, s47_a, "health", health_auditor),
        case_audit_b=case_audit_b,
        case_audit_police_b=case_audit(child_b, s47_b, "police", other_police_auditor),
        programme=programme,
        question=question,
        run=run,
        snapshot=snapshot,
        plan=plan,
        issue=issue,
        action=action,
        update=update,
        issued_report=issued_report,
        draft_report=draft_report,
        issued_version=issued_version,
        later_draft_version=later_draft_version,
        draft_version=draft_version,
        worker=worker,
        feedback=feedback,
    )
