"""The synthetic demo data: reproducible, plausible, telling a story, and loaded once."""

import datetime
import hashlib
from collections.abc import Callable
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from audits.models import AnswerTheme, Audit, CaseAudit, Feedback, Question, ToolVersion
from cases import standards
from cases.models import (
    Child,
    CPPlan,
    LookedAfterEpisode,
    Referral,
    S47Enquiry,
    StrategyDiscussion,
    Team,
    Worker,
    s47_target_date,
)
from cases.services import children_with_stale_match_keys
from common import roles
from common.name_keys import words
from demo import generator
from demo.audit import DEMO_AUDIT_TITLE
from demo.users import demo_username
from metrics.models import MetricTarget

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 6, 30)  # a fixed "today", so every run of a seed gives the same records


def _generate(*, seed: int = 7, children: int = 60) -> generator.DemoCounts:
    return generator.generate(seed=seed, children=children, today=TODAY)


def _digest() -> str:
    """A fingerprint of every generated record's ids, dates and states (not the random UUIDs)."""
    queries = [
        Child.objects.order_by("child_id").values_list(
            "child_id", "name", "date_of_birth", "gender", "ethnicity", "disability"
        ),
        Referral.objects.order_by("referral_id").values_list(
            "referral_id", "child__child_id", "received_date", "source", "acknowledgement_date", "team__code"
        ),
        StrategyDiscussion.objects.order_by("discussion_id").values_list(
            "discussion_id",
            "date",
            "social_care_attended",
            "police_attended",
            "health_attended",
            "other_attended",
        ),
        S47Enquiry.objects.order_by("child__child_id", "start_date").values_list(
            "child__child_id",
            "strategy_discussion__discussion_id",
            "start_date",
            "end_date",
            "outcome",
            "icpc_date",
            "icpc_cp_plan",
            "consent",
            "consent_date",
            "information_shared_date",
            "management_oversight_date",
            "oversight_manager__code",
            "chronology_on_file",
            "team__code",
            "worker__code",
        ),
        CPPlan.objects.order_by("plan_id").values_list("plan_id", "start_date", "end_date", "category"),
        LookedAfterEpisode.objects.order_by("episode_id").values_list(
            "episode_id", "start_date", "end_date", "legal_status"
        ),
        Worker.objects.order_by("code").values_list("code", "name", "team__code"),
    ]
    digest = hashlib.sha256()
    for query in queries:
        for row in query:
            digest.update(repr(row).encode())
    return digest.hexdigest()


class _RolledBack(Exception):
    pass


def _rolled_back_run(look: Callable[[], object], *, seed: int, children: int = 60) -> object:
    """Generates in a transaction of its own, looks at the records, and rolls the run back."""
    try:
        with transaction.atomic():
            _generate(seed=seed, children=children)
            seen = look()
            raise _RolledBack
    except _RolledBack:
        return seen


def _share_within_target(enquiries) -> float:
    completed = enquiries.filter(standards.S47_COMPLETED).count()
    return enquiries.filter(standards.S47_WITHIN_TARGET).count() / completed


def test_the_same_seed_gives_the_same_records():
    assert _rolled_back_run(_digest, seed=7) == _rolled_back_run(_digest, seed=7)
    assert not Child.objects.exists()


def test_a_different_seed_gives_different_records():
    assert _rolled_back_run(_digest, seed=7) != _rolled_back_run(_digest, seed=8)


def test_bulk_written_public_ids_are_unique_random_uuids():
    _generate(children=30)
    made = list(S47Enquiry.objects.values_list("uuid", flat=True)) + list(
        Child.objects.values_list("uuid", flat=True)
    )
    assert len(set(made)) == len(made) > 30
    assert all(value.version == 4 for value in made)


def test_it_makes_about_two_and_a_half_s47_enquiries_per_child_with_their_records():
    counts = _generate(children=60)
    assert Child.objects.count() == counts.children == 60
    assert S47Enquiry.objects.count() == counts.s47_enquiries
    assert 2.0 <= counts.s47_enquiries / 60 <= 3.0
    assert Referral.objects.count() == counts.referrals >= counts.s47_enquiries
    assert StrategyDiscussion.objects.count() == counts.strategy_discussions >= counts.s47_enquiries
    assert CPPlan.objects.count() == counts.cp_plans > 0
    assert LookedAfterEpisode.objects.count() == counts.looked_after_episodes > 0
    assert Team.objects.count() == 6
    assert set(S47Enquiry.objects.values_list("outcome", flat=True)) >= {"nfa", "cin", "icpc"}


def test_every_s47_starts_on_its_strategy_discussion_and_targets_15_working_days_later():
    _generate()
    for enquiry in S47Enquiry.objects.select_related("strategy_discussion"):
        assert enquiry.strategy_discussion is not None
        assert enquiry.strategy_discussion.date == enquiry.start_date
        assert enquiry.strategy_discussion.child_id == enquiry.child_id
        assert enquiry.target_date == s47_target_date(enquiry.start_date)


def test_the_records_keep_the_model_rules_and_children_are_0_to_17_at_their_enquiries():
    _generate()
    for enquiry in S47Enquiry.objects.select_related("child"):
        assert enquiry.end_date is None or enquiry.end_date <= TODAY
        age = enquiry.child.age_on(enquiry.start_date)
        assert age is not None and 0 <= age <= 17
    for model in (Child, Referral, StrategyDiscussion, S47Enquiry, CPPlan, LookedAfterEpisode):
        for record in model.objects.order_by("?")[:25]:
            record.full_clean()
    assert not S47Enquiry.objects.filter(Q(end_date__lt=F("start_date")) | Q(icpc_date__lt=F("start_date")))
    police_protection = LookedAfterEpisode.objects.filter(legal_status="L1", end_date__isnull=False)
    assert all(e.end_date is not None and (e.end_date - e.start_date).days <= 3 for e in police_protection)


def test_compliance_differs_between_teams():
    _generate(children=200)
    shares = {
        team.code: _share_within_target(S47Enquiry.objects.filter(team=team)) for team in Team.objects.all()
    }
    assert max(shares.values()) - min(shares.values()) >= 0.05, shares


def test_compliance_improves_over_time():
    """Completed within 15 working days, and consent recorded: the last full year beats the first."""
    _generate(children=200)
    first, last = (
        S47Enquiry.objects.filter(end_date__year=2019),
        S47Enquiry.objects.filter(end_date__year=2024),
    )
    assert _share_within_target(last) > _share_within_target(first)

    def consent_share(year):
        started = S47Enquiry.objects.filter(start_date__year=year)
        return started.filter(standards.CONSENT_RECORDED).count() / started.count()

    assert consent_share(2024) > consent_share(2019)


def test_some_enquiries_are_open_and_some_retrospective_consent_and_late_conferences_exist():
    _generate(children=200)
    assert S47Enquiry.objects.filter(end_date__isnull=True).exists()
    assert S47Enquiry.objects.filter(standards.CONSENT_RETROSPECTIVE).exists()
    assert S47Enquiry.objects.exclude(standards.CONSENT_RECORDED).exists()
    icpcs = list(S47Enquiry.objects.filter(icpc_date__isnull=False))
    assert any(e.icpc_within_target for e in icpcs) and not all(e.icpc_within_target for e in icpcs)


def test_some_young_people_turn_18_within_months_while_looked_after():
    _generate()
    looked_after = LookedAfterEpisode.objects.filter(end_date__isnull=True).select_related("child")
    turning_18 = [
        episode.child
        for episode in looked_after
        if episode.child.age_on(TODAY) == 17
        and episode.child.age_on(TODAY + datetime.timedelta(days=270)) == 18
    ]
    assert turning_18


def test_names_are_generated_and_every_id_carries_a_demo_prefix():
    _generate()
    for name in Child.objects.values_list("name", flat=True):
        first, last = name.split(" ", 1)
        assert first and last
    assert not Child.objects.exclude(child_id__startswith="DEMO").exists()
    assert not Referral.objects.exclude(referral_id__startswith="DREF").exists()
    assert not StrategyDiscussion.objects.exclude(discussion_id__startswith="DSD").exists()
    assert not CPPlan.objects.exclude(plan_id__startswith="DCP").exists()
    assert not LookedAfterEpisode.objects.exclude(episode_id__startswith="DLA").exists()


def test_demo_children_are_written_with_the_name_guards_keys():
    _generate()
    assert Child.objects.count() and not children_with_stale_match_keys().exists()
    child = Child.objects.first()
    assert child is not None
    assert child.name_words == " ".join(words(child.name)) and child.child_id_key == child.child_id.lower()


def test_a_child_is_the_same_whatever_the_size_of_the_run():
    def fifth_child():
        child = Child.objects.get(child_id="DEMO0000005")
        enquiries = S47Enquiry.objects.filter(child=child).values_list("start_date", "end_date", "outcome")
        return child.name, child.date_of_birth, list(enquiries)

    assert _rolled_back_run(fifth_child, seed=7, children=5) == _rolled_back_run(
        fifth_child, seed=7, children=60
    )


def test_generate_demo_data_refuses_to_add_to_existing_demo_children_unless_appending():
    call_command("generate_demo_data", "--children", "5", stdout=StringIO())
    with pytest.raises(CommandError, match="--append"):
        call_command("generate_demo_data", "--children", "5", stdout=StringIO())
    out = StringIO()
    call_command("generate_demo_data", "--children", "5", "--append", stdout=out)
    assert "S47 enquiries:" in out.getvalue()
    assert list(Child.objects.values_list("child_id", flat=True)) == [f"DEMO{n:07d}" for n in range(1, 11)]
    assert Team.objects.count() == 6  # teams and workers are reused


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True


def _counts() -> dict[str, int]:
    models = (
        Child,
        Referral,
        StrategyDiscussion,
        S47Enquiry,
        CPPlan,
        LookedAfterEpisode,
        Team,
        Worker,
        User,
        Audit,
        CaseAudit,
    )
    return {model.__name__: model.objects.count() for model in models}


def test_load_demo_loads_the_demo_set_and_one_user_per_role(debug_on):
    call_command("load_demo", "--children", "30", stdout=StringIO())
    assert Child.objects.count() == 30
    users = {user.username: user for user in User.objects.all()}
    assert sorted(users) == sorted(
        [
            "auditor",
            "moderator",
            "manager",
            "report-officer",
            "administrator",
            "partner-agency-auditor",
            "panel-member",
            "practitioner",
            "auditor-two",  # the second auditor of the double-scored demo audit (demo.double)
        ]
    )
    assert list(users["auditor-two"].groups.values_list("name", flat=True)) == [roles.AUDITOR]
    for role in roles.ALL_ROLES:
        user = users[demo_username(role)]
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert user.check_password("demo-password")
        assert user.is_superuser == user.is_staff == (role == roles.ADMINISTRATOR)
        assert user.get_full_name()  # shown by name, as staff are (accounts.people)


def test_load_demo_gives_the_demo_auditor_a_confirmed_sample_to_score(debug_on):
    call_command("load_demo", "--children", "200", stdout=StringIO())
    audit = Audit.objects.get(title=DEMO_AUDIT_TITLE)
    assert audit.status == Audit.Status.IN_PROGRESS and audit.sample_confirmed_at is not None
    assert audit.tool_version.tool.name == "S47 and information sharing"
    case_audits = list(audit.case_audits.all())
    assert 0 < len(case_audits) <= 10
    for case_audit in case_audits:
        assert case_audit.auditor is not None and case_audit.auditor.username == "auditor"
    assert audit.case_audits.exclude(status="moderated").exists()  # cases are left to score


def test_load_demo_sends_feedback_on_four_moderated_cases_with_responses_and_an_overdue_one(debug_on):
    call_command("load_demo", "--children", "200", stdout=StringIO())
    call_command("load_demo", "--children", "200", stdout=StringIO())  # again: nothing twice
    feedback = list(Feedback.objects.select_related("case_audit", "worker").order_by("pk"))
    assert len(feedback) == 4
    assert all(f.case_audit.status == "moderated" and f.case_audit.grade for f in feedback)
    answers = [getattr(f, "response", None) for f in feedback]
    assert answers[0] is None and answers[3] is None
    agreed, disagreed = answers[1], answers[2]
    assert agreed is not None and disagreed is not None
    assert [agreed.answer, disagreed.answer] == ["agree", "disagree"]
    assert disagreed.comment
    today = timezone.localdate()
    assert feedback[3].respond_by < today and feedback[3].reminder_sent_at is not None
    assert feedback[0].respond_by > today and feedback[0].reminder_sent_at is None
    practitioner = User.objects.get(username="practitioner")
    assert practitioner.practitioner_profile.worker == feedback[0].worker


def test_load_demo_tags_some_findings_with_themes_and_confirms_some(debug_on):
    call_command("load_demo", "--children", "200", stdout=StringIO())
    call_command("load_demo", "--children", "200", stdout=StringIO())  # again: nothing twice
    tags = AnswerTheme.objects.filter(answer__case_audit__audit__title=DEMO_AUDIT_TITLE)
    assert tags.count() > 0
    assert tags.filter(confirmed_at__isnull=False).exists()
    assert tags.filter(confirmed_at__isnull=True).exists()
    assert tags.values("theme").distinct().count() > 1


def test_load_demo_shows_a_second_tool_version_with_a_conditional_question(debug_on):
    call_command("load_demo", "--children", "30", stdout=StringIO())
    version = ToolVersion.objects.get(tool__name="Domestic abuse", number=2)
    added = Question.objects.get(section__version=version, code="D4a")
    assert (added.applies_if.code if added.applies_if else "", added.applies_if_values) == ("D4", ["yes"])
    assert version.created_by is not None and version.created_by.username == "manager"
    assert not Question.objects.filter(section__version__number=1, code="D4a").exists()


def test_load_demo_run_again_neither_duplicates_nor_wipes_anything(debug_on):
    call_command("load_demo", "--children", "30", stdout=StringIO())
    User.objects.filter(username="manager").update(first_name="Changed")
    before = _counts()
    out = StringIO()
    call_command("load_demo", "--children", "30", stdout=out)
    assert "Demo data already loaded" in out.getvalue()
    assert _counts() == before
    assert User.objects.get(username="manager").first_name == "Changed"


def test_load_demo_refuses_to_run_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("load_demo", "--children", "30", stdout=StringIO())
    assert not User.objects.exists() and not Child.objects.exists()


def test_load_demo_leaves_a_database_with_case_records_alone(debug_on):
    Child.objects.create(child_id="C1")
    out = StringIO()
    call_command("load_demo", "--children", "30", stdout=out)
    assert "only into an empty database" in out.getvalue()
    assert list(Child.objects.values_list("child_id", flat=True)) == ["C1"]
    assert User.objects.filter(username="auditor").exists()


def test_load_demo_sets_a_target_for_every_percentage_measure_once(debug_on):
    out = StringIO()
    call_command("load_demo", "--children", "30", stdout=out)
    assert "Demo targets set for 7 measures." in out.getvalue()
    targets = {t.metric: t for t in MetricTarget.objects.all()}
    assert sorted(targets) == sorted(standards.PERCENT_KEYS)
    assert all(t.amber_percent < t.target_percent <= 100 for t in targets.values())
    for target in targets.values():
        assert target.updated_by is not None and target.updated_by.username == "administrator"
    # An administrator's change survives a second run, and nothing is added.
    MetricTarget.objects.filter(metric="consent_recorded").update(target_percent=70, amber_percent=60)
    again = StringIO()
    call_command("load_demo", "--children", "30", stdout=again)
    assert "Demo targets" not in again.getvalue()
    assert MetricTarget.objects.count() == 7
    assert MetricTarget.objects.get(metric="consent_recorded").target_percent == 70
