"""Agreement between two scorers (audits.agreement), checked against a published worked example."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from audits.agreement import Agreement, agreement, is_poor, kappa
from common.figures import Kappa, agreement_text
from config.env import StrictEnv

YES, PARTLY, NO, NA = "yes", "partly", "no", "na"


def pairs_of(table: list[list[int]], categories: tuple[str, ...]) -> list[tuple[str, str]]:
    """The paired ratings a cross-table counts: rows the first rater, columns the second."""
    return [
        (categories[row], categories[column])
        for row, counts in enumerate(table)
        for column, count in enumerate(counts)
        for _ in range(count)
    ]


# SAS/STAT User's Guide, "The FREQ Procedure", Getting Started: "Agreement Study" (Table 3.2, Skin Condition
# Data: two dermatologists rate 88 patients terrible, poor, marginal or clear), and its printed "Kappa
# Statistics": simple kappa 0.3449, ASE 0.0724, 95% confidence limits 0.2030 to 0.4868; weighted kappa (PROC
# FREQ's default Cicchetti-Allison weights, which are linear) 0.5082, ASE 0.0655, 95% limits 0.3798 to 0.6366.
# https://support.sas.com/documentation/cdl/en/procstat/67528/HTML/default/procstat_freq_gettingstarted02.htm
SKIN = ("terrible", "poor", "marginal", "clear")
SKIN_CONDITION = [
    [10, 4, 1, 0],
    [5, 10, 12, 2],
    [2, 4, 12, 5],
    [0, 2, 6, 13],
]
PRINTED = 5e-5  # SAS prints four decimal places


def test_kappa_matches_the_published_agreement_study():
    result = kappa(pairs_of(SKIN_CONDITION, SKIN), SKIN)

    assert result.pairs == 88
    assert result.value == pytest.approx(0.3449, abs=PRINTED)
    assert result.standard_error == pytest.approx(0.0724, abs=PRINTED)
    assert result.low == pytest.approx(0.2030, abs=PRINTED)
    assert result.high == pytest.approx(0.4868, abs=PRINTED)


def test_weighted_kappa_matches_the_published_agreement_study():
    result = kappa(pairs_of(SKIN_CONDITION, SKIN), SKIN, weighted=True)

    assert result.value == pytest.approx(0.5082, abs=PRINTED)
    assert result.standard_error == pytest.approx(0.0655, abs=PRINTED)
    assert result.low == pytest.approx(0.3798, abs=PRINTED)
    assert result.high == pytest.approx(0.6366, abs=PRINTED)


# Worked by hand: 12 pairs, rows the first scorer's Yes / Partly / No. Observed agreement 8/12; chance
# agreement (5*5 + 4*4 + 3*3) / 144 = 50/144, so kappa = (96 - 50) / (144 - 50) = 46/94 = 0.4894. With linear
# weights (Partly half way between Yes and No) observed 10/12 and chance 82/144: (120 - 82) / (144 - 82) = 0.6129.
ANSWERS_TABLE = [
    [4, 1, 0],
    [1, 2, 1],
    [0, 1, 2],
]


def test_agreement_reads_answers_on_the_ordered_scale_yes_partly_no():
    result = agreement(pairs_of(ANSWERS_TABLE, (YES, PARTLY, NO)))

    assert (result.pairs, result.agreed) == (12, 8)
    assert result.kappa.value == pytest.approx(46 / 94)
    assert result.weighted_kappa.value == pytest.approx(38 / 62)
    assert result.weighted_kappa.pairs == 12


def test_the_weighted_kappa_counts_yes_against_no_as_further_apart_than_yes_against_partly():
    near = agreement([(YES, YES), (NO, NO), (PARTLY, PARTLY), (YES, PARTLY)])
    far = agreement([(YES, YES), (NO, NO), (PARTLY, PARTLY), (YES, NO)])

    assert near.kappa.value == pytest.approx(far.kappa.value)  # unweighted: a disagreement is a disagreement
    assert near.weighted_kappa.value is not None and far.weighted_kappa.value is not None
    assert near.weighted_kappa.value > far.weighted_kappa.value


def test_not_applicable_counts_in_the_kappa_and_percent_but_not_the_weighted_kappa():
    pairs = [(YES, YES), (NO, NO), (YES, NO), (NA, NA), (NA, YES), (PARTLY, PARTLY)]

    result = agreement(pairs)

    assert (result.pairs, result.agreed) == (6, 4)  # both N/A agree; N/A against Yes disagrees
    assert result.kappa.pairs == 6
    assert result.weighted_kappa.pairs == 4
    assert result.weighted_kappa.value == pytest.approx(
        agreement([(YES, YES), (NO, NO), (YES, NO), (PARTLY, PARTLY)]).weighted_kappa.value
    )


def test_a_pair_with_a_blank_answer_is_left_out_of_every_figure():
    with_blanks = agreement([(YES, YES), (NO, NO), (YES, NO), ("", YES), (NO, ""), ("", "")])

    assert with_blanks == agreement([(YES, YES), (NO, NO), (YES, NO)])
    assert with_blanks.pairs == 3


def test_a_value_that_is_not_an_answer_is_refused():
    with pytest.raises(ValueError, match="Not an answer value: maybe"):
        agreement([(YES, "maybe"), (NO, NO)])


@pytest.mark.parametrize("pairs", [[], [(YES, NO)], [(YES, NO), ("", NO)]])
def test_fewer_than_two_pairs_give_no_kappa(pairs: list[tuple[str, str]]):
    result = agreement(pairs)

    assert result.kappa.value is None
    assert result.kappa.low is None and result.kappa.standard_error is None
    assert result.kappa.reason == "fewer than 2 pairs"
    assert result.weighted_kappa.value is None


def test_every_answer_in_one_category_gives_no_kappa_but_full_agreement():
    result = agreement([(YES, YES)] * 24)

    assert result.kappa.value is None
    assert str(result.kappa) == "kappa not defined: every answer was Yes (24 pairs)"
    assert result.percent_text == "agreement 100% (24 of 24 pairs)"
    assert not is_poor(result)


def test_weighted_kappa_not_defined_where_the_rated_pairs_are_all_one_answer():
    result = agreement([(NO, NO), (NO, NO), (NA, NA), (NA, NO)])

    assert result.kappa.value is not None
    assert str(result.weighted_kappa) == "kappa not defined: every answer was No (2 pairs)"


def test_perfect_agreement_over_two_answers_is_kappa_one():
    result = agreement([(YES, YES), (NO, NO), (YES, YES)])

    assert result.kappa.value == pytest.approx(1.0)
    assert str(result.kappa) == "kappa 1.00 (1.00 to 1.00, 3 pairs)"


def test_the_interval_stops_at_minus_one_and_one():
    result = agreement([(YES, NO), (NO, YES), (YES, YES), (NO, NO), (YES, NO)])

    assert result.kappa.low is not None and result.kappa.high is not None
    assert -1.0 <= result.kappa.low < result.kappa.value < result.kappa.high <= 1.0  # type: ignore[operator]


@pytest.mark.parametrize(
    ("measure", "text"),
    [
        (Kappa(pairs=24, value=0.6234, low=0.4149, high=0.8251), "kappa 0.62 (0.41 to 0.83, 24 pairs)"),
        (Kappa(pairs=10, value=0.625, low=-0.125, high=1.0), "kappa 0.63 (-0.13 to 1.00, 10 pairs)"),
        (Kappa(pairs=5, value=-0.001, low=-0.5, high=0.4), "kappa 0.00 (-0.50 to 0.40, 5 pairs)"),
        (Kappa(pairs=1, reason="fewer than 2 pairs"), "kappa not defined: fewer than 2 pairs (1 pair)"),
        (
            Kappa(pairs=24, reason="every answer was Yes"),
            "kappa not defined: every answer was Yes (24 pairs)",
        ),
    ],
)
def test_kappa_is_written_to_two_places_with_its_interval_and_pairs(measure: Kappa, text: str):
    assert str(measure) == text


@pytest.mark.parametrize(
    ("agreed", "pairs", "text"),
    [
        (20, 24, "agreement 83% (20 of 24 pairs)"),
        (5, 8, "agreement 63% (5 of 8 pairs)"),  # 62.5 rounds half away from zero
        (1, 1, "agreement 100% (1 of 1 pair)"),
        (0, 0, "agreement not defined: no pairs to compare"),
    ],
)
def test_percent_agreement_is_written_with_its_count(agreed: int, pairs: int, text: str):
    assert agreement_text(agreed, pairs) == text


def test_an_agreement_reads_as_its_kappa():
    result = agreement(pairs_of(ANSWERS_TABLE, (YES, PARTLY, NO)))

    assert str(result) == str(result.kappa)
    assert str(result).startswith("kappa 0.49 (")
    assert str(result).endswith(", 12 pairs)")


def _with_kappa(value: float | None) -> Agreement:
    reason = "" if value is not None else "every answer was Yes"
    return Agreement(
        pairs=20, agreed=15, kappa=Kappa(pairs=20, value=value, reason=reason), weighted_kappa=Kappa(20)
    )


def test_poor_is_a_kappa_below_the_setting():
    assert is_poor(_with_kappa(0.39))
    assert not is_poor(_with_kappa(0.4))
    assert not is_poor(_with_kappa(None))
    with override_settings(AGREEMENT_POOR_BELOW=0.6):
        assert is_poor(_with_kappa(0.5))


@pytest.mark.parametrize(("value", "expected"), [("0.4", 0.4), (" 0.25 ", 0.25), ("-0.1", -0.1), ("1", 1.0)])
def test_the_setting_reads_a_decimal_number(monkeypatch: pytest.MonkeyPatch, value: str, expected: float):
    monkeypatch.setenv("AGREEMENT_POOR_BELOW", value)
    assert StrictEnv().float("AGREEMENT_POOR_BELOW", default=0.4, min_value=-1, max_value=1) == expected


def test_the_setting_defaults_to_0_4_when_unset(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("AGREEMENT_POOR_BELOW", "")
    assert StrictEnv().float("AGREEMENT_POOR_BELOW", default=0.4, min_value=-1, max_value=1) == 0.4


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0,4", "AGREEMENT_POOR_BELOW must be a number such as 0.4, not '0,4'."),
        ("nan", "AGREEMENT_POOR_BELOW must be a number such as 0.4, not 'nan'."),
        ("inf", "AGREEMENT_POOR_BELOW must be a number such as 0.4, not 'inf'."),
        ("poor", "AGREEMENT_POOR_BELOW must be a number such as 0.4, not 'poor'."),
        ("40", "AGREEMENT_POOR_BELOW must be at most 1, not 40."),
        ("-2", "AGREEMENT_POOR_BELOW must be at least -1, not -2."),
    ],
)
def test_the_setting_refuses_what_it_cannot_read(monkeypatch: pytest.MonkeyPatch, value: str, message: str):
    monkeypatch.setenv("AGREEMENT_POOR_BELOW", value)
    with pytest.raises(ImproperlyConfigured) as refused:
        StrictEnv().float("AGREEMENT_POOR_BELOW", default=0.4, min_value=-1, max_value=1)
    assert str(refused.value) == message
