"""The check that no staff-typed text in a panel report names a child from the case records."""

import pytest

from reporting.report_privacy import texts_naming_children
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def children():
    ChildFactory(name="Amelia Jane Thornbury", child_id="C778899")
    ChildFactory(name="Noah Pryce")


def test_a_childs_full_name_in_any_case_is_found():
    found = texts_naming_children(
        [("the issue", "We discussed AMELIA JANE THORNBURY's case."), ("ok", "Case 3 was late.")]
    )
    assert found == ["the issue"]


def test_a_childs_id_is_found():
    assert texts_naming_children([("an action", "Chase the chronology on C778899.")]) == ["an action"]


def test_a_surname_alone_or_a_different_child_is_not_a_name_on_the_records():
    texts = [("a", "Mr Pryce led the training."), ("b", "Noah Smith attended."), ("c", "")]
    assert texts_naming_children(texts) == []


def test_two_texts_cost_two_queries(django_assert_num_queries):
    with django_assert_num_queries(2):
        texts_naming_children([("a", "Noah Pryce"), ("b", "nothing here")])
