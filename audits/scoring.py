"""How answers score (DOMAIN.md "Metrics"): the one rule, as database expressions and their Python twin.

An answer counts towards its question's figure when it is Yes, Partly or No and the question is asked
of its case: a sub-sample question only of the sub-sample, and a conditional question only where its
gate's answer is one of the values it names and the gate is itself asked (a gate of a gate must hold
too). Yes counts 1, Partly a half (nothing where the tool version says so), No 0; Not applicable, a
blank answer and a question not asked leave the case out. A figure is (Yes + Partly / 2) of counted.

The expressions (`ASKED`, `COUNTS`, `answer_points()`, `tally()`) filter and aggregate `Answer`
querysets: the dashboard and the drill-downs count with them. Their `agreed=True` forms count, for the
first scoring of a reconciled double-scored case, the answer the moderator agreed (`ReconciledAnswer`)
instead of the stored one, as the results page does. The Python twin (`question_applies`,
`answer_counts`, `Tally`) counts answers already loaded: the results page and the panel reports count
with it. tests/audits/test_scoring.py holds the two to the same answers, as cases/standards.py's
expressions are held to their model properties.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import NoReturn, Protocol, cast

from django.db import NotSupportedError
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, NullIf

from audits.models import Answer, CaseAudit, Question, ReconciledAnswer

COUNTED_VALUES = (Answer.Value.YES, Answer.Value.PARTLY, Answer.Value.NO)
# Gates are followed this deep (a question on a gate on a gate ...); a deeper chain is not asked. The
# shipped tools go two deep (D7 on D6 on D4); SQL cannot recurse without a CTE, so the bound is shared.
MAX_GATE_DEPTH = 4


class _Valued(Protocol):
    value: str


# The Python twin ---------------------------------------------------------------------------------------


def question_applies(
    question: Question,
    case_audit: CaseAudit,
    answers: Mapping[int, _Valued],
    questions: Mapping[int, Question] | None = None,
) -> bool:
    """Whether `question` is asked of `case_audit`, given its answers (question pk -> answer).

    `questions` (pk -> question) saves a query per gate; a gate not in it is read from `applies_if`.
    """
    for _depth in range(MAX_GATE_DEPTH + 1):
        if question.subsample_only and not case_audit.in_subsample:
            return False
        if question.applies_if_id is None:
            return True
        gate = answers.get(question.applies_if_id)
        if gate is None or gate.value not in question.applies_if_values:
            return False
        gate_question = (questions or {}).get(question.applies_if_id) or question.applies_if
        assert gate_question is not None  # applies_if_id is set
        question = gate_question
    return False


def answer_counts(
    question: Question,
    case_audit: CaseAudit,
    answers: Mapping[int, _Valued],
    questions: Mapping[int, Question] | None = None,
) -> bool:
    """Whether the case's answer to `question` counts towards the question's figure."""
    answer = answers.get(question.pk)
    return (
        answer is not None
        and answer.value in COUNTED_VALUES
        and question_applies(question, case_audit, answers, questions)
    )


def points(value: str, *, partly_counts_half: bool) -> float:
    """What one counted answer adds to the numerator."""
    if value == Answer.Value.YES:
        return 1.0
    if value == Answer.Value.PARTLY and partly_counts_half:
        return 0.5
    return 0.0


@dataclass
class Tally:
    """Counted answers: `halves` are the Partly answers worth a half (their tool version says so)."""

    yes: int = 0
    partly: int = 0
    no: int = 0
    halves: int = 0

    def add(self, value: str, *, partly_counts_half: bool) -> None:
        if value == Answer.Value.YES:
            self.yes += 1
        elif value == Answer.Value.PARTLY:
            self.partly += 1
            self.halves += partly_counts_half
        elif value == Answer.Value.NO:
            self.no += 1

    @property
    def counted(self) -> int:
        return self.yes + self.partly + self.no

    @property
    def points(self) -> float:
        return self.yes + self.halves / 2

    @property
    def score(self) -> float | None:
        return self.points / self.counted if self.counted else None

    @classmethod
    def of(cls, row: Mapping[str, int]) -> "Tally":
        """The tally of a row aggregated with `tally()`."""
        return cls(yes=row["yes"], partly=row["partly"], no=row["no"], halves=row["halves"])


def missing_answers(
    case_audit: CaseAudit, questions: Iterable[Question], answers: Mapping[int, Answer]
) -> list:
    """Applicable questions with no answer (rating questions need a value; text questions may be blank)."""
    questions = list(questions)
    by_pk = {q.pk: q for q in questions}
    missing = []
    for question in questions:
        if question.kind != Question.Kind.RATING or not question_applies(
            question, case_audit, answers, by_pk
        ):
            continue
        answer = answers.get(question.pk)
        if answer is None or not answer.value:
            missing.append(question)
    return missing


# The database expressions (over Answer) ------------------------------------------------------------------


class _OneOf(Func):
    """`value` is one of the strings in the JSON list `values` (`Question.applies_if_values`)."""

    output_field = BooleanField()
    arity = 2

    def _compiled(self, compiler):
        (values_sql, values_params), (value_sql, value_params) = (
            compiler.compile(expression) for expression in self.source_expressions
        )
        return values_sql, value_sql, (*values_params, *value_params)

    def as_postgresql(self, compiler, connection, **extra_context):
        values_sql, value_sql, params = self._compiled(compiler)
        return f"({values_sql}) @> to_jsonb(({value_sql})::text)", params

    def as_sqlite(self, compiler, connection, **extra_context):
        values_sql, value_sql, params = self._compiled(compiler)
        # Both parts are compiled expressions (column references); any values are in `params`.
        sql = f"EXISTS (SELECT 1 FROM json_each({values_sql}) WHERE json_each.value = {value_sql})"  # noqa: S608  # nosec B608
        return sql, params

    def as_sql(
        self, compiler, connection, function=None, template=None, arg_joiner=None, **extra_context
    ) -> NoReturn:
        raise NotSupportedError("The scoring rule is written for PostgreSQL and SQLite.")


def agreed_value() -> Coalesce:
    """The answer's value as counted: the agreed one where its case audit's pair is reconciled and the moderator
    agreed an answer to its question, its stored value otherwise (for showing it; the counting uses `_agreed_is`)."""
    return Coalesce(Subquery(_reconciled().values("value")[:1]), F("value"))


def with_agreed_values(answers: QuerySet) -> QuerySet:
    """`answers` annotated with `agreed_value`, the value each counts as."""
    return answers.annotate(agreed_value=agreed_value())


def _reconciled(**values) -> QuerySet:
    return ReconciledAnswer.objects.filter(
        case_audit=OuterRef("case_audit"),
        question=OuterRef("question"),
        case_audit__reconciled_at__isnull=False,
        **values,
    )


def _agreed_is(*values: str) -> Q:
    """The value counted is one of `values`: the agreed one where there is one, the stored one otherwise."""
    return Exists(_reconciled(value__in=values)) | (~Exists(_reconciled()) & Q(value__in=values))


def _asked(depth: int) -> Q:
    """The answer's question is asked of its case audit (the twin of `question_applies`)."""
    asked = Q(question__subsample_only=False) | Q(case_audit__in_subsample=True)
    if depth == 0:
        return asked & Q(question__applies_if__isnull=True)
    gate_holds = Answer.objects.filter(
        _OneOf(OuterRef("question__applies_if_values"), F("value")),
        _asked(depth - 1),
        case_audit=OuterRef("case_audit"),
        question=OuterRef("question__applies_if"),
    )
    return cast(Q, asked & (Q(question__applies_if__isnull=True) | Exists(gate_holds)))  # Q & Exists is a Q


ASKED = _asked(MAX_GATE_DEPTH)
COUNTS = Q(value__in=COUNTED_VALUES) & ASKED  # the twin of `answer_counts`
_HALF = Q(value=Answer.Value.PARTLY, case_audit__audit__tool_version__partly_counts_half=True)
# Gates are read from the stored answers: a gate the moderator reconciled otherwise is the one case where the
# results page (which reads the agreed gate) and these expressions can part.
COUNTS_AGREED = _agreed_is(*COUNTED_VALUES) & ASKED
_HALF_AGREED = _agreed_is(Answer.Value.PARTLY) & Q(case_audit__audit__tool_version__partly_counts_half=True)


def counts(*, agreed: bool = False) -> Q:
    """`COUNTS`, or with agreed=True its form counting the agreed answers of reconciled double-scored cases."""
    return COUNTS_AGREED if agreed else COUNTS


def _is(value: str, *, agreed: bool) -> Q:
    return _agreed_is(value) if agreed else Q(value=value)


def answer_points(*, agreed: bool = False) -> Case:
    """What each answer adds to the numerator (the twin of `points`; 0 for one that does not count)."""
    counted, half = (COUNTS_AGREED, _HALF_AGREED) if agreed else (COUNTS, _HALF)
    return Case(
        When(counted & _is(Answer.Value.YES, agreed=agreed), then=Value(1.0)),
        When(counted & half, then=Value(0.5)),
        default=Value(0.0),
        output_field=FloatField(),
    )


def tally(*, agreed: bool = False) -> dict:
    """Aggregates over answers (`.values(...).annotate(**tally())` or `.aggregate(**tally())`): the counted
    Yes, Partly and No, the Partly worth a half, and the score (Yes + Partly / 2) / counted, None if none."""
    counted_q, half = (COUNTS_AGREED, _HALF_AGREED) if agreed else (COUNTS, _HALF)
    counted = Count("pk", filter=counted_q)
    yes = Count("pk", filter=counted_q & _is(Answer.Value.YES, agreed=agreed))
    halves = Count("pk", filter=counted_q & half)
    return {
        "yes": yes,
        "partly": Count("pk", filter=counted_q & _is(Answer.Value.PARTLY, agreed=agreed)),
        "no": Count("pk", filter=counted_q & _is(Answer.Value.NO, agreed=agreed)),
        "halves": halves,
        "counted": counted,
        "score": (Cast(yes, FloatField()) + Cast(halves, FloatField()) / Value(2.0))
        / NullIf(Cast(counted, FloatField()), Value(0.0)),
    }
