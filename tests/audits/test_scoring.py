"""The scoring rule (audits.scoring): its database expressions and its Python twin give the same answers."""

import pytest
from django.db.models import BooleanField, ExpressionWrapper
from hypothesis import example, given
from hypothesis import strategies as st

from audits import results, scoring
from audits.models import Answer, AuditTool, CaseAudit, Question, Section, ToolVersion
from tests.factories import AuditFactory, CaseAuditFactory, ChildFactory
from tests.fuzz.helpers import FUZZ, rolled_back

pytestmark = pytest.mark.django_db

VALUES = ["yes", "partly", "no", "na", ""]  # "" a blank rating (evidence notes only)
RATINGS = ["yes", "partly", "no", "na"]


def _question_specs(count: int):
    """Each question: asked of the sub-sample only or not; its gate (any question of the tool, itself
    included, so chains past MAX_GATE_DEPTH and loops are tried too) and the gate's values."""
    gate = st.none() | st.tuples(
        st.integers(0, count - 1), st.lists(st.sampled_from(RATINGS), min_size=1, max_size=3, unique=True)
    )
    return st.lists(st.tuples(st.booleans(), gate), min_size=count, max_size=count)


@st.composite
def audits(draw):
    count = draw(st.integers(1, 7))
    questions = draw(_question_specs(count))
    cases = draw(
        st.lists(
            st.tuples(
                st.booleans(), st.lists(st.none() | st.sampled_from(VALUES), min_size=count, max_size=count)
            ),
            min_size=1,
            max_size=5,
        )
    )
    return draw(st.booleans()), questions, cases


def _make(partly_counts_half: bool, question_specs, cases):
    version = ToolVersion.objects.create(
        tool=AuditTool.objects.create(name="Generated"), number=1, partly_counts_half=partly_counts_half
    )
    section = Section.objects.create(version=version, order=1, title="Generated")
    questions = [
        Question.objects.create(
            section=section, order=n, code=f"Q{n}", text=f"Question {n}", subsample_only=sub
        )
        for n, (sub, _gate) in enumerate(question_specs)
    ]
    for question, (_sub, gate) in zip(questions, question_specs, strict=True):
        if gate is not None:
            question.applies_if, question.applies_if_values = questions[gate[0]], gate[1]
            question.save()
    audit = AuditFactory.create(tool_version=version)
    case_audits = []
    for in_subsample, values in cases:
        case_audit = CaseAuditFactory.create(
            audit=audit,
            status=CaseAudit.Status.SUBMITTED,
            in_subsample=in_subsample,
            child=ChildFactory.create(),
        )
        Answer.objects.bulk_create(
            Answer(case_audit=case_audit, question=question, value=value)
            for question, value in zip(questions, values, strict=True)
            if value is not None
        )
        case_audits.append(case_audit)
    return audit, questions, case_audits


def _twin(audit, questions, case_audits):
    """Per answer (case audit pk, question pk) -> (counts, points), and per question pk -> Tally."""
    by_pk = {q.pk: q for q in questions}
    half = audit.tool_version.partly_counts_half
    answers: dict[int, dict[int, Answer]] = {c.pk: {} for c in case_audits}
    for answer in Answer.objects.filter(case_audit__audit=audit):
        answers[answer.case_audit_id][answer.question_id] = answer
    per_answer, per_question = {}, {q.pk: scoring.Tally() for q in questions}
    for case_audit in case_audits:
        for question_pk, answer in answers[case_audit.pk].items():
            counts = scoring.answer_counts(by_pk[question_pk], case_audit, answers[case_audit.pk], by_pk)
            worth = scoring.points(answer.value, partly_counts_half=half) if counts else 0.0
            per_answer[(case_audit.pk, question_pk)] = (counts, worth)
            if counts:
                per_question[question_pk].add(answer.value, partly_counts_half=half)
    return per_answer, per_question


def _database(audit, questions):
    answers = Answer.objects.filter(case_audit__audit=audit)
    per_answer = {
        (row["case_audit_id"], row["question_id"]): (row["counts"], row["points"])
        for row in answers.annotate(
            counts=ExpressionWrapper(scoring.COUNTS, output_field=BooleanField()),
            points=scoring.answer_points(),
        ).values("case_audit_id", "question_id", "counts", "points")
    }
    per_question = {q.pk: scoring.Tally() for q in questions}
    scores = {}
    for row in answers.order_by().values("question_id").annotate(**scoring.tally()):
        per_question[row["question_id"]] = scoring.Tally.of(row)
        assert row["counted"] == per_question[row["question_id"]].counted
        scores[row["question_id"]] = row["score"]
    return per_answer, per_question, scores


@FUZZ
@given(generated=audits())
@example(  # D7 on D6 on D4: D4 No, so D6's stray Yes opens nothing
    generated=(
        True,
        [(False, None), (False, (0, ["yes"])), (False, (1, ["yes", "partly"]))],
        [(False, ["no", "yes", "yes"])],
    )
)
@example(generated=(False, [(False, (0, ["yes"]))], [(False, ["yes"])]))  # a question gated on itself
@pytest.mark.slow
def test_the_database_expressions_and_the_python_twin_agree(generated):
    partly_counts_half, question_specs, cases = generated
    with rolled_back():
        audit, questions, case_audits = _make(partly_counts_half, question_specs, cases)
        twin_answers, twin_questions = _twin(audit, questions, case_audits)
        db_answers, db_questions, db_scores = _database(audit, questions)
        assert db_answers == twin_answers
        assert db_questions == twin_questions
        for pk, tally in twin_questions.items():
            if tally.counted:
                assert db_scores[pk] == pytest.approx(tally.score)
            else:
                assert db_scores.get(pk) is None
        # The results page (and the panel report, which reads it) counts with the twin.
        by_code = {r.question.code: r for r in results.audit_results(audit).questions}
        for question in questions:
            result, tally = by_code[question.code], twin_questions[question.pk]
            assert (result.yes, result.partly, result.no) == (tally.yes, tally.partly, tally.no)
            assert (result.numerator, result.denominator) == (tally.points, tally.counted)


def test_a_chain_of_gates_is_followed_only_as_deep_as_the_database_can():
    """A question on a chain of MAX_GATE_DEPTH gates is asked; one gate more and it is not, in both."""
    depth = scoring.MAX_GATE_DEPTH
    chain = [(False, None)] + [(False, (n, ["yes"])) for n in range(depth + 1)]
    audit, questions, case_audits = _make(True, chain, [(False, ["yes"] * (depth + 2))])
    twin, _ = _twin(audit, questions, case_audits)
    db, _, _ = _database(audit, questions)
    case = case_audits[0].pk
    assert twin[(case, questions[depth].pk)] == db[(case, questions[depth].pk)] == (True, 1.0)
    assert twin[(case, questions[depth + 1].pk)] == db[(case, questions[depth + 1].pk)] == (False, 0.0)


def test_the_shipped_tools_chain_no_deeper_than_the_rule_follows():
    def depth(question: Question) -> int:
        return 0 if question.applies_if is None else 1 + depth(question.applies_if)

    deepest = max(depth(q) for q in Question.objects.select_related("applies_if"))
    assert 1 <= deepest <= scoring.MAX_GATE_DEPTH
