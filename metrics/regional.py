"""The regional view: this council's figures beside the benchmark packs it holds, with the median and
quartiles of the councils chosen (statistical neighbours) and this council's rank, per measure and month.

This council's own figures are its stored snapshots (all teams, case records), shown whole as on the
dashboard; the other councils' figures are as their packs publish them, so a figure a pack hides ("fewer
than 5") is shown so and left out of the median, quartiles and rank. Percentages are compared as the
exact proportions (13 of 18, not 72%); counts as the counts (not rates: a pack holds no population).

Quartiles are the "inclusive" method of `statistics.quantiles` (the same as a spreadsheet's QUARTILE.INC):
with the figures in order, the median is the middle one (or the mean of the two middle ones) and each
quartile lies a quarter of the way along, between neighbouring figures. With one figure there are no
quartiles. Rank: 1st is the highest; councils with the same figure share a rank ("=2nd of 7").
"""

import datetime
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cases.standards import PERCENT_KEYS, MetricKey
from common.figures import Figure, number, round_half_away
from metrics import benchmark
from metrics.models import BenchmarkPack, MetricSnapshot
from metrics.periods import months
from metrics.suppression import ANSWER_KEYS, FEWER_THAN

MONTHS_SHOWN = 12
NO_FIGURE = "No figure"


@dataclass(frozen=True)
class Cell:
    text: str
    value: float | None  # None: hidden or no figure, left out of the sums
    own: bool = False


@dataclass(frozen=True)
class MonthRow:
    month: datetime.date
    cells: list[Cell]
    median: str
    lower: str
    upper: str
    rank: str
    compared: int  # how many councils' figures the median is of


@dataclass(frozen=True)
class Comparison:
    measure: MetricKey
    percent: bool
    councils: list[str]  # the column headings: this council first
    rows: list[MonthRow]


def latest_packs(packs: Iterable[BenchmarkPack]) -> dict[str, list[BenchmarkPack]]:
    """The packs by council code, councils in the order of their names, each council's most recently made
    pack first (its figure wins a month two of them cover)."""
    found: dict[str, list[BenchmarkPack]] = {}
    for pack in sorted(packs, key=lambda pack: pack.created_at, reverse=True):
        found.setdefault(pack.council_code, []).append(pack)
    return dict(sorted(found.items(), key=lambda item: (item[1][0].council_name, item[0])))


def months_of(packs: Iterable[BenchmarkPack]) -> list[datetime.date]:
    """The months the packs cover, the last MONTHS_SHOWN of them."""
    covered = sorted({month for pack in packs for month in months(pack.first_month, pack.last_month)})
    return covered[-MONTHS_SHOWN:]


def _pack_value(
    packs: Sequence[BenchmarkPack], measure: MetricKey, month: datetime.date, percent: bool
) -> Cell:
    key = f"{month:%Y-%m}"
    section = "measures" if percent else "counts"
    for pack in packs:
        if not pack.first_month <= month <= pack.last_month:
            continue
        months_held = pack.content.get(section, {}).get(measure.value, {}).get("months", {})
        if key not in months_held:
            return Cell(NO_FIGURE, None)
        return _cell(months_held[key], percent)
    return Cell(NO_FIGURE, None)


def _cell(value, percent: bool, *, own: bool = False) -> Cell:
    if value is None:
        return Cell(FEWER_THAN, None, own)
    if percent:
        figure = Figure(value["met"], value["total"])
        if not figure.denominator:
            return Cell(str(figure), None, own)
        return Cell(str(figure), figure.numerator / figure.denominator, own)
    return Cell(str(value), float(value), own)


def own_figures(measure: MetricKey, month_list: Sequence[datetime.date]) -> dict[datetime.date, dict | int]:
    snapshots = MetricSnapshot.objects.filter(
        metric=measure, team__isnull=True, source=MetricSnapshot.Source.RECORDS, period__in=month_list
    )
    if measure in PERCENT_KEYS:
        return {s.period: {"met": float(s.numerator), "total": s.denominator} for s in snapshots}
    return {s.period: int(s.numerator) for s in snapshots}


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def rank(own: float | None, values: Sequence[float]) -> str:
    """This council's place among `values` (its own among them), highest first: "3rd of 7"."""
    if own is None:
        return ""
    place = 1 + sum(1 for value in values if value > own)
    shared = sum(1 for value in values if value == own) > 1
    return f"{'=' if shared else ''}{_ordinal(place)} of {len(values)}"


def _summary(value: float | None, percent: bool) -> str:
    if value is None:
        return ""
    return f"{round_half_away(value * 100)}%" if percent else number(round(value, 1))


def compare(
    *, measure: MetricKey, own_name: str, packs: Sequence[BenchmarkPack], month_list: Sequence[datetime.date]
) -> Comparison:
    percent = measure in PERCENT_KEYS
    by_council = latest_packs(packs)
    own = own_figures(measure, month_list)
    rows = []
    for month in month_list:
        own_cell = _cell(own[month], percent, own=True) if month in own else Cell(NO_FIGURE, None, True)
        cells = [own_cell] + [_pack_value(held, measure, month, percent) for held in by_council.values()]
        values = sorted(cell.value for cell in cells if cell.value is not None)
        quartiles = statistics.quantiles(values, n=4, method="inclusive") if len(values) >= 2 else None
        rows.append(
            MonthRow(
                month=month,
                cells=cells,
                median=_summary(statistics.median(values), percent) if values else "",
                lower=_summary(quartiles[0], percent) if quartiles else "",
                upper=_summary(quartiles[2], percent) if quartiles else "",
                rank=rank(own_cell.value, values),
                compared=len(values),
            )
        )
    names = [own_name] + [held[0].council_name for held in by_council.values()]
    return Comparison(measure=measure, percent=percent, councils=names, rows=rows)


# Audit answers ---------------------------------------------------------------------------------------------

ANSWER_LABELS = {"yes": "Yes", "partly": "Partly", "no": "No", "na": "N/A"}
HIDDEN_ROW = "fewer than 5 in an answer"


@dataclass(frozen=True)
class QuestionRow:
    tool: str
    code: str
    text: str
    cells: list[str]  # this council's answers first, then each council's, as its pack holds them


def answers_text(answers: dict | None) -> str:
    if answers is None:
        return HIDDEN_ROW
    return ", ".join(f"{ANSWER_LABELS[key]} {answers[key]}" for key in ANSWER_KEYS)


def compare_audits(
    *, packs: Sequence[BenchmarkPack], month_list: Sequence[datetime.date]
) -> list[QuestionRow]:
    """The audit questions the chosen packs hold (by tool, version and code), each council's answer counts
    over its pack's months beside this council's over the months shown."""
    by_council = latest_packs(packs)
    held = [
        {_question_key(q): q for q in found[0].content.get("audit_questions", [])}
        for found in by_council.values()
    ]
    own = (
        {
            _question_key(q): q
            for q in benchmark.audit_questions(first=month_list[0], last=month_list[-1], suppress=False)
        }
        if month_list
        else {}
    )
    keys: dict[tuple, dict] = {}
    for questions in held:
        for key, question in questions.items():
            keys.setdefault(key, question)
    return [
        QuestionRow(
            tool=f"{question['tool']} (version {question['version']})",
            code=question["code"],
            text=question["text"],
            cells=[answers_text(own[key]["answers"]) if key in own else NO_FIGURE]
            + [
                answers_text(questions[key]["answers"]) if key in questions else NO_FIGURE
                for questions in held
            ],
        )
        for key, question in keys.items()
    ]


def _question_key(question: dict) -> tuple:
    return (question["tool"], question["version"], question["code"])
