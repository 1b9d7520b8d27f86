import datetime

import pytest
from django.core.exceptions import ValidationError

from cases.models import Child, CPPlan, LookedAfterEpisode, Referral
from tests.factories import ChildFactory, ReferralFactory, StrategyDiscussionFactory

D = datetime.date
pytestmark = pytest.mark.django_db


def test_a_child_age_is_counted_in_whole_years_on_a_date():
    child = ChildFactory.create(date_of_birth=D(2010, 3, 4))
    assert child.age_on(D(2014, 3, 3)) == 3
    assert child.age_on(D(2014, 3, 4)) == 4
    assert Child(child_id="X").age_on(D(2014, 3, 4)) is None


def test_an_unknown_gender_code_is_refused_naming_the_field():
    child = ChildFactory.build(gender="purple")
    with pytest.raises(ValidationError) as error:
        child.full_clean()
    assert "gender" in error.value.message_dict


def test_an_unknown_ethnicity_code_is_refused_naming_the_field():
    child = ChildFactory.build(ethnicity="ZZZZ")
    with pytest.raises(ValidationError) as error:
        child.full_clean()
    assert "ethnicity" in error.value.message_dict


def test_an_acknowledgement_before_the_referral_is_refused():
    referral = ReferralFactory.build(received_date=D(2014, 3, 3), acknowledgement_date=D(2014, 3, 1))
    with pytest.raises(ValidationError) as error:
        referral.clean()
    assert "acknowledgement_date" in error.value.message_dict
    assert not Referral(received_date=D(2014, 3, 3)).acknowledged


@pytest.mark.parametrize("model", [CPPlan, LookedAfterEpisode])
def test_plans_and_episodes_may_not_end_before_they_start(model):
    record = model(start_date=D(2014, 3, 3), end_date=D(2014, 3, 2))
    with pytest.raises(ValidationError) as error:
        record.clean()
    assert "end_date" in error.value.message_dict


def test_an_unknown_legal_status_is_refused_naming_the_field():
    episode = LookedAfterEpisode(
        episode_id="E1", child=ChildFactory.create(), start_date=D(2014, 3, 3), legal_status="Z9"
    )
    with pytest.raises(ValidationError) as error:
        episode.full_clean()
    assert "legal_status" in error.value.message_dict


def test_a_strategy_discussion_needs_police_health_and_social_care():
    full = StrategyDiscussionFactory.create()
    no_health = StrategyDiscussionFactory.create(
        health_attended=False, education_attended=True, other_attended="Probation"
    )
    assert full.core_agencies_attended
    assert not no_health.core_agencies_attended
    assert no_health.agencies == ["Social care", "Police", "Education", "Probation"]


def test_changes_to_a_child_record_are_kept_in_its_history():
    child = ChildFactory.create(gender="female")
    child.gender = "male"
    child.save()
    assert [h.gender for h in child.history.order_by("history_date")] == ["female", "male"]
