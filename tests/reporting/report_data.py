"""A known data set for the panel report tests: the reference QA report's domestic abuse audit (18 cases,
"72% (13 of 18)" for risk considered early), an action plan, and counts of children over time."""

import dataclasses
import datetime
from decimal import Decimal

import pypdf
from django.utils import timezone

from actions.models import Action, ActionPlan, PlanIssue, ProgressUpdate
from audits.models import Answer, AnswerTheme, Audit, Theme
from metrics.models import MetricSnapshot
from reporting import services
from reporting.models import PanelReport
from tests.audits.test_results import reference_cases, scored_case
from tests.factories import AuditFactory, TeamFactory, tool_version

D = datetime.date
CHILD_NAMES = [f"Zebedee Quartermaine{n:02d}" for n in range(18)]


@dataclasses.dataclass
class KnownData:
    audit: Audit
    plan: ActionPlan
    action: Action
    report: PanelReport


def known_audit() -> Audit:
    team = TeamFactory.create(code="NORTH", name="North assessment team")
    audit = AuditFactory.create(
        title="Domestic abuse audit",
        tool_version=tool_version("Domestic abuse"),
        frame_start=D(2013, 11, 1),
        frame_end=D(2014, 1, 31),
        sample_size=18,
        seed=20140206,
        status=Audit.Status.COMPLETE,
    )
    for number, answers in enumerate(reference_cases()):
        scored_case(
            audit,
            answers,
            grade="good" if number % 3 else "requires_improvement",
            team=team,
            child__name=CHILD_NAMES[number],
            child__child_id=f"CHILD-{number:04d}",
        )
    tag_known_themes(audit)
    return audit


def tag_known_themes(audit: Audit) -> None:
    """Two D1 findings tagged Voice of the child (one confirmed), with evidence notes; a third whose note
    names a child (CHILD_NAMES[2]) and gives a child's ID: counted, never quoted."""
    voice = Theme.objects.get(name="Voice of the child")
    answers = list(
        Answer.objects.filter(case_audit__audit=audit, question__code="D1").order_by(
            "case_audit__record_date"
        )[:3]
    )
    notes = [
        "The child's wishes were not recorded",
        "No direct work with the child",
        f"{CHILD_NAMES[2]} (CHILD-0002) was not seen alone",
    ]
    for index, (answer, note) in enumerate(zip(answers, notes, strict=True)):
        Answer.objects.filter(pk=answer.pk).update(evidence=note)
        AnswerTheme.objects.create(
            answer=answer, theme=voice, confirmed_at=timezone.now() if index == 0 else None
        )


def known_plan(audit: Audit, owner) -> tuple[ActionPlan, Action]:
    plan = ActionPlan.objects.create(
        title="Domestic abuse action plan", audit=audit, review_date=D(2014, 4, 1)
    )
    issue = PlanIssue.objects.create(
        plan=plan,
        description="Chronologies need to be in place on all files",
        figure_label="Chronology on file",
        figure_numerator=Decimal(11),
        figure_denominator=17,
    )
    action = Action.objects.create(
        issue=issue,
        description="Chronology days give practitioners protected time to bring chronologies up to date",
        owner=owner,
        lead="Head of Safeguarding and Support",
        due_date=D(2014, 3, 31),
        status=Action.Status.IN_PROGRESS,
    )
    ProgressUpdate.objects.create(
        action=action, written_on=D(2014, 2, 10), note="Two chronology days held", author=owner
    )
    return plan, action


def known_counts() -> None:
    computed = timezone.make_aware(datetime.datetime(2014, 2, 10, 9, 0))
    for month, cp, lac in ((D(2014, 1, 1), 164, 521), (D(2014, 2, 1), 184, 533)):
        MetricSnapshot.objects.create(
            metric="children_on_cp_plans", period=month, numerator=cp, denominator=0, computed_at=computed
        )
        MetricSnapshot.objects.create(
            metric="children_looked_after", period=month, numerator=lac, denominator=0, computed_at=computed
        )


def known_report(user, *, report_type: str = PanelReport.Type.SCRUTINY_PANEL) -> KnownData:
    audit = known_audit()
    plan, action = known_plan(audit, user)
    known_counts()
    report = services.panel_report_create(
        user=user,
        report_type=report_type,
        title="MASH and First Response information sharing: outcome of audit",
        meeting_name="CYPS Scrutiny Panel",
        meeting_date=D(2014, 2, 27),
        item_number="7",
        authorised_by="Director of Children's Services",
        lead_officer="Principal Social Worker",
        wards_affected="All",
        key_decision=False,
        period_start=D(2014, 1, 1),
        period_end=D(2014, 2, 28),
    )
    services.panel_report_selections_save(
        report=report,
        user=user,
        audits=[audit],
        metrics=["children_on_cp_plans", "children_looked_after"],
        action_plans=[plan],
    )
    return KnownData(audit=audit, plan=plan, action=action, report=report)


def pdf_text(pdf: bytes) -> str:
    """The PDF's text with runs of whitespace made single spaces (table cells wrap lines)."""
    import io

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())
