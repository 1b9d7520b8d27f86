import pytest

from common.figures import NO_CASES, Figure, number, round_half_away, wilson_interval


def test_it_rounds_half_away_from_zero_as_spreadsheets_do():
    """62.5% -> 63% (Python's round() would give 62)."""
    assert round_half_away(62.5) == 63
    assert round_half_away(0.5) == 1
    assert round_half_away(-62.5) == -63
    assert round_half_away(62.49) == 62


def test_a_figure_shows_the_percentage_with_numerator_and_denominator():
    """13 of 18 -> 72.2% -> 72%."""
    assert str(Figure(13, 18)) == "72% (13 of 18)"


def test_half_points_show_in_the_numerator():
    """Partly counts a half: 12.5 of 18 -> 69.4% -> 69%."""
    assert str(Figure(12.5, 18)) == "69% (12.5 of 18)"


def test_five_of_eight_rounds_up_to_63():
    """5 of 8 = 62.5% -> 63%."""
    assert Figure(5, 8).percent == 63


def test_an_empty_denominator_has_no_percentage():
    assert Figure(0, 0).percent is None
    assert str(Figure(0, 0)) == "No cases (0 of 0)"


def test_the_wilson_interval_matches_the_published_formula():
    """8 of 10: Wilson 95% interval is 0.490 to 0.943."""
    low, high = wilson_interval(8, 10)
    assert low == pytest.approx(0.4902, abs=1e-3)
    assert high == pytest.approx(0.9433, abs=1e-3)


def test_the_interval_is_shown_only_for_samples_under_30():
    assert Figure(8, 10).interval == (49, 94)
    assert Figure(20, 30).interval is None


def test_the_interval_stays_within_0_and_100():
    none_of_five, five_of_five = Figure(0, 5).interval, Figure(5, 5).interval
    assert none_of_five is not None and five_of_five is not None
    assert none_of_five[0] == 0
    assert five_of_five[1] == 100


def test_a_count_shows_whole_numbers_without_a_decimal_point_and_half_points_with_one():
    assert (number(13), number(13.0), number(12.5), number(0)) == ("13", "13", "12.5", "0")


def test_an_empty_figure_says_there_were_no_cases():
    assert str(Figure(0, 0)) == NO_CASES == "No cases (0 of 0)"


def test_the_interval_is_written_out_only_for_a_small_sample():
    """8 of 10: Wilson 95% interval 0.490 to 0.943 -> 49 to 94%; 30 cases or more show none."""
    assert Figure(8, 10).interval_text == "95% interval 49 to 94%"
    assert Figure(24, 30).interval_text == ""
    assert Figure(0, 0).interval_text == ""
