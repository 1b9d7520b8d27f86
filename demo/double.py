"""The demo double-scored audit (`manage.py load_demo`): a domestic abuse audit of 8 cases, 4 of them scored
twice, blind, by the demo auditor and a second demo auditor, so the reconciliation page, the agreement
figures and the blind itself have something to show. Loaded once; every answer comes from the seed.

The four pairs, in sample order:
1. both submitted, with disagreements, reconciled by the demo moderator (the agreed answers count);
2. both submitted, with disagreements, waiting for the moderator;
3. both submitted, agreeing on every question;
4. the second auditor has submitted, the demo auditor has not: blind, so `auditor` cannot see the answers.
"""

import datetime
import random

from django.contrib.auth.models import Group, User
from django.utils import timezone

from audits import double, services
from audits.models import Answer, Audit, CaseAudit, Grade, Question, ToolVersion
from audits.scoring import question_applies
from common import roles
from demo.profiles import DEFAULT_SEED
from demo.users import DEMO_PASSWORD

DEMO_DOUBLE_TITLE = "Domestic abuse audit, double-scored (demo)"
SECOND_AUDITOR = "auditor-two"
RATINGS = (
    Answer.Value.YES,
    Answer.Value.YES,
    Answer.Value.PARTLY,
    Answer.Value.NO,
    Answer.Value.NOT_APPLICABLE,
)
GRADES = (Grade.GOOD, Grade.GOOD, Grade.REQUIRES_IMPROVEMENT, Grade.OUTSTANDING, Grade.INADEQUATE)


def second_auditor() -> User:
    """The second demo auditor (Jamie Second), who signs in like the other demo users."""
    user = User.objects.filter(username=SECOND_AUDITOR).first()
    if user is None:
        user = User(username=SECOND_AUDITOR, first_name="Jamie", last_name="Second")
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.add(Group.objects.get(name=roles.AUDITOR))
    return user


def _score(
    case_audit: CaseAudit,
    user: User,
    questions: list[Question],
    rng: random.Random,
    *,
    like: dict[int, str] | None = None,
    differ_on: int = 0,
    submit: bool = True,
) -> dict[int, str]:
    """Answers every question asked of the case, in order; with `like`, copies those answers but for the first
    `differ_on` rating questions (and about one in eight others), so the pair disagrees where it should."""
    given: dict[int, Answer] = {}
    values: dict[int, str] = {}
    by_pk = {q.pk: q for q in questions}
    differing = differ_on
    for question in questions:
        if not question_applies(question, case_audit, given, by_pk):
            continue
        if question.kind == Question.Kind.TEXT:
            text = rng.choice(("Clear record of the child's voice.", "Chronology needs updating.", ""))
            given[question.pk] = services.answer_save(
                case_audit=case_audit, question=question, user=user, text=text
            )
            continue
        value: str = rng.choice(RATINGS)
        if like is not None and question.pk in like:
            value = like[question.pk]
            if differing > 0 or (differ_on and rng.random() < 0.125):
                value = rng.choice([v for v in RATINGS if v != value])
                differing -= 1
        evidence = rng.choice(("Seen on the case file.", "Strategy notes record this.", "Not on file."))
        # Where the case record holds the answer too, a differing answer needs its reason.
        reason = "The file read as a whole says otherwise." if question.measures else None
        given[question.pk] = services.answer_save(
            case_audit=case_audit,
            question=question,
            user=user,
            value=value,
            evidence=evidence,
            override_reason=reason,
        )
        values[question.pk] = value
    case_audit.refresh_from_db()
    services.grade_save(
        case_audit=case_audit, user=user, grade=rng.choice(GRADES), revision=case_audit.revision
    )
    if submit:
        services.case_audit_submit(case_audit=case_audit, user=user)
    return values


def demo_double_audit_create(*, lead: User, auditor: User, moderator: User) -> Audit | None:
    """Creates the double-scored demo audit unless it exists; None if it does."""
    if Audit.objects.filter(title=DEMO_DOUBLE_TITLE).exists():
        return None
    today = timezone.localdate()
    audit = services.audit_create(
        user=lead,
        title=DEMO_DOUBLE_TITLE,
        theme="Domestic abuse",
        tool_version=ToolVersion.objects.filter(tool__name="Domestic abuse").latest("number"),
        planned_month=today,
        due_date=today + datetime.timedelta(days=21),
    )
    services.sample_draw(
        audit=audit,
        user=lead,
        frame_type=Audit.FrameType.S47,
        frame_start=today - datetime.timedelta(days=365),
        frame_end=today - datetime.timedelta(days=30),
        teams=[],
        size=8,
        double_count=4,
        exclude_recently_audited=False,
        seed=DEFAULT_SEED,
    )
    services.sample_confirm(audit=audit, user=lead)
    second = second_auditor()
    for case_audit in audit.case_audits.all():
        services.case_audit_assign(
            case_audit=case_audit,
            auditor=second if case_audit.scoring == 2 else auditor,
            due_date=audit.due_date,
            user=lead,
        )
    questions = double.questions_of(audit)
    rng = random.Random(f"{DEFAULT_SEED}/double-scoring-demo")  # noqa: S311 - made-up answers, not a secret
    pairs = double.audit_pairs(audit, with_answers=False)
    paired = {p.first.pk for p in pairs}
    for case_audit in audit.case_audits.filter(scoring=1).exclude(pk__in=paired).order_by("record_id"):
        _score(case_audit, auditor, questions, rng)
    plans = [(2, True), (2, True), (0, True), (1, False)]  # (disagreements at least, first submitted)
    for number, (pair, (differ_on, first_submits)) in enumerate(zip(pairs, plans, strict=False)):
        first = _score(pair.first, auditor, questions, rng, submit=first_submits)
        _score(pair.second, second, questions, rng, like=first, differ_on=differ_on)
        if number == 0:
            pair.first.refresh_from_db()
            found = double.disagreements(double.pair_for(pair.first), questions)  # type: ignore[arg-type]
            services.pair_reconcile(
                first=pair.first,
                user=moderator,
                decisions={
                    item.question.pk: (
                        item.second or item.first,
                        "Checked on the case file with both auditors.",
                    )
                    for item in found
                },
            )
    return audit
