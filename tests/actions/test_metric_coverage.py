"""An issue linked to a population metric keeps what the figure covered when records were left out."""

import datetime

import pytest
from django.utils import timezone

from actions import selectors
from metrics.models import MetricSnapshot

pytestmark = pytest.mark.django_db


def _snapshot(unknown: int) -> MetricSnapshot:
    return MetricSnapshot.objects.create(
        metric="consent_recorded", period=datetime.date(2014, 3, 1), numerator=1, denominator=2,
        unknown_count=unknown, computed_at=timezone.now(),
    )  # fmt: skip


def test_the_issue_label_says_what_the_figure_covers():
    """1 of 2 counted, 2 left out as unknown: from 2 of 4."""
    label = selectors.metric_label("consent_recorded", _snapshot(unknown=2))
    assert label == (
        "Consent decision recorded, March 2014, "
        "from 2 of 4 S47 enquiries started whose record holds the consent decision"
    )


def test_a_figure_that_left_nothing_out_is_labelled_as_before():
    assert (
        selectors.metric_label("consent_recorded", _snapshot(unknown=0))
        == "Consent decision recorded, March 2014"
    )
