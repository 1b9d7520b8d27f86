import datetime

import pytest

from cases.models import S47Enquiry
from cases.services import s47_targets_refresh
from cases.tasks import s47_targets_refresh_task
from tests.factories import S47EnquiryFactory

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def enquiries():
    """Two start dates: 3 March 2014 (target 24 March), and 2 May 2023 (target 24 May, as the coronation
    bank holiday on 8 May 2023 was announced after records were saved with 23 May)."""
    return {
        "stale": S47EnquiryFactory.create(
            child__child_id="C-STALE", start_date=D(2014, 3, 3), target_date=D(2014, 3, 21)
        ),
        "right": S47EnquiryFactory.create(child__child_id="C-RIGHT", start_date=D(2014, 3, 3)),
        "coronation": S47EnquiryFactory.create(
            child__child_id="C-CORONATION", start_date=D(2023, 5, 2), target_date=D(2023, 5, 23)
        ),
    }


def _targets() -> dict[str, datetime.date]:
    return dict(S47Enquiry.objects.values_list("child__child_id", "target_date"))


def test_it_corrects_wrong_targets_and_counts_only_the_rows_it_changed(enquiries):
    assert s47_targets_refresh() == 2
    assert _targets() == {
        "C-STALE": D(2014, 3, 24),
        "C-RIGHT": D(2014, 3, 24),
        "C-CORONATION": D(2023, 5, 24),
    }


def test_it_leaves_right_targets_untouched(enquiries, django_assert_num_queries):
    S47Enquiry.objects.filter(pk=enquiries["stale"].pk).update(target_date=D(2014, 3, 24))
    S47Enquiry.objects.filter(pk=enquiries["coronation"].pk).update(target_date=D(2023, 5, 24))
    with django_assert_num_queries(1):  # reads the (start, target) pairs and updates nothing
        assert s47_targets_refresh() == 0


def test_a_second_run_changes_nothing(enquiries):
    assert s47_targets_refresh() == 2
    assert s47_targets_refresh() == 0


def test_it_updates_once_per_start_date_with_a_wrong_target(enquiries, django_assert_num_queries):
    S47EnquiryFactory.create_batch(5, start_date=D(2014, 3, 3), target_date=D(2014, 3, 20))
    # the distinct (start, target) pairs, then one UPDATE for each of the two start dates
    with django_assert_num_queries(3):
        assert s47_targets_refresh() == 7


def test_an_empty_database_needs_no_refresh():
    assert s47_targets_refresh() == 0


def test_the_task_runs_the_refresh_and_returns_the_count(enquiries):
    assert s47_targets_refresh_task.delay().get() == 2
    enquiries["stale"].refresh_from_db()
    assert enquiries["stale"].target_date == D(2014, 3, 24)
