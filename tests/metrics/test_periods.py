import datetime

import pytest

from metrics.periods import add_months, last_complete_month, month_end, months, parse_month

D = datetime.date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("03/2014", D(2014, 3, 1)),
        ("3/2014", D(2014, 3, 1)),
        ("2014-03", D(2014, 3, 1)),
        (" 12 / 2013 ", D(2013, 12, 1)),
        ("3 2014", D(2014, 3, 1)),  # as the GOV.UK hint writes it: "For example, 3 2026"
    ],
)
def test_it_reads_a_month_as_staff_or_links_write_it(text, expected):
    assert parse_month(text) == expected


@pytest.mark.parametrize(
    "text", ["13/2014", "00/2014", "2014", "March 2014", "", "31/02/2014", "13 2014", "3  "]
)
def test_it_refuses_anything_else(text):
    assert parse_month(text) is None


def test_month_arithmetic_crosses_years():
    assert add_months(D(2014, 11, 1), 3) == D(2015, 2, 1)
    assert add_months(D(2014, 1, 31), -1) == D(2013, 12, 1)
    assert month_end(D(2016, 2, 1)) == D(2016, 2, 29)
    assert months(D(2013, 11, 1), D(2014, 2, 1)) == [
        D(2013, 11, 1),
        D(2013, 12, 1),
        D(2014, 1, 1),
        D(2014, 2, 1),
    ]
    assert months(D(2014, 2, 1), D(2014, 1, 1)) == []


def test_the_last_complete_month_is_the_one_before_today():
    assert last_complete_month(D(2014, 6, 16)) == D(2014, 5, 1)
    assert last_complete_month(D(2014, 1, 1)) == D(2013, 12, 1)
