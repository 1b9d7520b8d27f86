"""Object-level rules: one predicate (`access_*`) and one queryset (`*_visible_to`) per object type, which
agree with each other on every object of the fixture world and with the table below, for every persona.

- An auditor sees only the cases assigned to them (their case audits, those children, their S47 rows).
- A partner agency auditor sees only their own agency's case audits, and of those only the ones assigned
  to them (not a colleague's), and never a child's record.
- A panel member, a report officer and a user with no role never see a child's record or a case audit.
- Managers, moderators and administrators see everything.
- Action plans and their actions: managers, administrators, moderators and report officers see every
  plan; others only plans they lead or own an action in (the world's action is another auditor's); a
  partner agency auditor only their own actions; a panel member none.
- Need to know ends: 30 days (CASE_AUDIT_ACCESS_DAYS_AFTER_LOCK) after an audit is locked, its auditors
  and partner agency auditors no longer see its case audits, the audit, or (auditors) the children.
- Panel reports: report officers, administrators and managers see every report and version (drafts too);
  a panel member only reports with an issued version, and of their versions only the issued ones.
"""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from actions import access as action_access
from audits import access as audit_access
from audits.models import Answer, CaseAudit
from cases import selectors as case_selectors
from common import roles
from metrics import measures
from metrics import selectors as metrics_selectors
from reporting import access as reporting_access
from tests.security.world import ANONYMOUS, NO_ROLE, PERSONAS, World, build_world

pytestmark = pytest.mark.django_db

EVERYONE_WHO_SEES_ALL = (roles.ADMINISTRATOR, roles.MANAGER, roles.MODERATOR)
ALL_PLANS = (roles.ADMINISTRATOR, roles.MANAGER, roles.MODERATOR, roles.REPORT_OFFICER)
ALL_REPORTS = (roles.ADMINISTRATOR, roles.MANAGER, roles.REPORT_OFFICER)

# What each persona sees, by the world's names for its objects.
EXPECTED = {
    "children": {
        roles.AUDITOR: {"child_a"},
        **{role: {"child_a", "child_b"} for role in EVERYONE_WHO_SEES_ALL},
    },
    "audits": {
        roles.AUDITOR: {"audit"},
        roles.PARTNER_AUDITOR: {"audit"},
        roles.REPORT_OFFICER: {"audit", "reaudit"},
        **{role: {"audit", "reaudit"} for role in EVERYONE_WHO_SEES_ALL},
    },
    "case audits": {
        roles.AUDITOR: {"case_audit_a"},
        roles.PARTNER_AUDITOR: {"case_audit_police"},
        **{
            role: {
                "case_audit_a",
                "case_audit_police",
                "case_audit_health",
                "case_audit_b",
                "case_audit_police_b",
            }
            for role in EVERYONE_WHO_SEES_ALL
        },
    },
    "drill-down records": {
        roles.AUDITOR: {"s47_a"},
        **{role: {"s47_a", "s47_b"} for role in EVERYONE_WHO_SEES_ALL},
    },
    "action plans": {role: {"plan"} for role in ALL_PLANS},
    "actions": {role: {"action"} for role in ALL_PLANS},
    "panel reports": {
        roles.PANEL_MEMBER: {"issued_report"},
        **{role: {"issued_report", "draft_report"} for role in ALL_REPORTS},
    },
    "report versions": {
        roles.PANEL_MEMBER: {"issued_version"},
        **{role: {"issued_version", "later_draft_version", "draft_version"} for role in ALL_REPORTS},
    },
}
OBJECTS = {
    "children": ("child_a", "child_b"),
    "audits": ("audit", "reaudit"),
    "case audits": (
        "case_audit_a",
        "case_audit_police",
        "case_audit_health",
        "case_audit_b",
        "case_audit_police_b",
    ),
    "drill-down records": ("s47_a", "s47_b"),
    "action plans": ("plan",),
    "actions": ("action",),
    "panel reports": ("issued_report", "draft_report"),
    "report versions": ("issued_version", "later_draft_version", "draft_version"),
}
# The single-object predicate and the list queryset of each object type.
GUARDS = {
    "children": (case_selectors.access_child, case_selectors.children_visible_to),
    "audits": (audit_access.access_audit, audit_access.audits_visible_to),
    "case audits": (audit_access.access_case_audit, audit_access.case_audits_visible_to),
    "action plans": (action_access.access_plan, action_access.plans_visible_to),
    "actions": (action_access.access_action, action_access.actions_visible_to),
    "panel reports": (reporting_access.access_panel_report, reporting_access.panel_reports_visible_to),
    "report versions": (reporting_access.access_report_version, reporting_access.report_versions_visible_to),
}
CONSENT = measures.get("consent_recorded")  # S47 enquiries started in the month: both of the world's


@pytest.fixture
def world() -> World:
    return build_world()


def _user(world: World, persona: str):
    return world.users[persona] or AnonymousUser()


def _names(world: World, kind: str, found) -> set[str]:
    by_pk = {getattr(world, name).pk: name for name in OBJECTS[kind]}
    return {by_pk[obj.pk] for obj in found if obj.pk in by_pk}


def _allowed(predicate, user, obj) -> bool:
    try:
        predicate(user, obj.uuid)
    except Http404:
        return False
    return True


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("kind", list(GUARDS))
def test_the_predicate_and_the_queryset_agree_with_the_table(world, persona, kind):
    predicate, visible_to = GUARDS[kind]
    user = _user(world, persona)
    listed = _names(world, kind, visible_to(user))
    admitted = {name for name in OBJECTS[kind] if _allowed(predicate, user, getattr(world, name))}
    assert listed == admitted, (
        f"{kind}, {persona}: the queryset lists {listed}, the predicate admits {admitted}"
    )
    assert listed == EXPECTED[kind].get(persona, set()), f"{kind}, {persona}"


@pytest.mark.parametrize("persona", PERSONAS)
def test_drill_down_records_are_the_case_records_the_persona_may_see(world, persona):
    user = _user(world, persona)
    records = metrics_selectors.drilldown_records(
        user,
        CONSENT,
        first=datetime.date(2014, 3, 1),
        last=datetime.date(2014, 3, 1),
        today=datetime.date(2014, 6, 1),
    )
    shown = _names(world, "drill-down records", records)
    assert shown == _names(world, "drill-down records", case_selectors.s47_enquiries_visible_to(user))
    assert shown == EXPECTED["drill-down records"].get(persona, set())
    children = {record.child_id for record in records}
    assert children <= set(case_selectors.children_visible_to(user).values_list("pk", flat=True))


@pytest.mark.parametrize("persona", PERSONAS)
def test_audit_drill_down_answers_come_only_from_case_audits_the_persona_may_see(world, persona):
    question = world.question
    question.measures = CONSENT.key  # the question now measures a metric, so its answers drill down
    question.save()
    metric = CONSENT
    for case_audit in world.case_audits:
        Answer.objects.create(case_audit=case_audit, question=question, value=Answer.Value.YES)
    CaseAudit.objects.filter(pk__in=[c.pk for c in world.case_audits]).update(
        status=CaseAudit.Status.SUBMITTED
    )
    user = _user(world, persona)

    answers = metrics_selectors.drilldown_answers(
        user, metric, first=datetime.date(2014, 1, 1), last=datetime.date(2014, 12, 1)
    )

    shown = _names(world, "case audits", [answer.case_audit for answer in answers])
    assert shown == EXPECTED["case audits"].get(persona, set())


@pytest.mark.parametrize(
    "persona", [roles.PARTNER_AUDITOR, roles.PANEL_MEMBER, roles.REPORT_OFFICER, NO_ROLE]
)
def test_partner_auditors_panel_members_and_report_officers_never_see_a_childs_record(world, persona):
    user = world.users[persona]
    assert not case_selectors.children_visible_to(user).exists()
    assert not case_selectors.s47_enquiries_visible_to(user).exists()
    assert not case_selectors.referrals_visible_to(user).exists()
    assert not case_selectors.strategy_discussions_visible_to(user).exists()
    for child in world.children:
        with pytest.raises(Http404):
            case_selectors.access_child(user, child.uuid)


def test_a_partner_auditor_whose_agency_differs_from_the_case_audit_does_not_see_it(world):
    """Assigned by mistake across agencies: the agency rule still hides it."""
    partner = world.users[roles.PARTNER_AUDITOR]
    world.case_audit_health.auditor = partner
    world.case_audit_health.save()
    assert _names(world, "case audits", audit_access.case_audits_visible_to(partner)) == {"case_audit_police"}


def test_an_auditor_who_is_unassigned_loses_sight_of_the_child(world):
    auditor = world.users[roles.AUDITOR]
    world.case_audit_a.auditor = None
    world.case_audit_a.save()
    assert not case_selectors.children_visible_to(auditor).exists()
    with pytest.raises(Http404):
        case_selectors.access_child(auditor, world.child_a.uuid)


def test_the_anonymous_visitor_sees_nothing(world):
    user = _user(world, ANONYMOUS)
    for _, visible_to in GUARDS.values():
        assert not visible_to(user).exists()


LOCKED_AT = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
# Once need to know has ended, the assigned roles lose what their assignments gave them; others keep all.
ASSIGNMENT_KINDS = ("children", "audits", "case audits")


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("kind", ASSIGNMENT_KINDS)
@pytest.mark.parametrize(
    ("after_lock", "ended"),
    [(datetime.timedelta(days=30, seconds=-1), False), (datetime.timedelta(days=30), True)],
    ids=["a second before 30 days", "30 days"],
)
def test_the_predicate_and_the_queryset_agree_that_sight_ends_30_days_after_the_lock(
    world, persona, kind, after_lock, ended
):
    """Locked on 2 March 09:00: the auditor still sees child A on 1 April 08:59:59, not from 09:00."""
    world.audit.locked_at = LOCKED_AT
    world.audit.save()
    predicate, visible_to = GUARDS[kind]
    with time_machine.travel(LOCKED_AT + after_lock, tick=False):
        user = _user(world, persona)
        listed = _names(world, kind, visible_to(user))
        admitted = {name for name in OBJECTS[kind] if _allowed(predicate, user, getattr(world, name))}
    expected = EXPECTED[kind].get(persona, set())
    if ended and persona in (roles.AUDITOR, roles.PARTNER_AUDITOR):
        expected = set()
    assert listed == admitted == expected, f"{kind}, {persona}: listed {listed}, admitted {admitted}"
