"""Factories this package needs beyond tests/factories.py."""

import datetime

import factory

from audits import models as am
from cases import models as m
from tests.factories import ChildFactory, tool_version


class CPPlanFactory(factory.django.DjangoModelFactory[m.CPPlan]):
    class Meta:
        model = m.CPPlan

    plan_id = factory.Sequence(lambda n: f"CP{n}")
    child = factory.SubFactory(ChildFactory)
    start_date = datetime.date(2014, 3, 1)


class LookedAfterEpisodeFactory(factory.django.DjangoModelFactory[m.LookedAfterEpisode]):
    class Meta:
        model = m.LookedAfterEpisode

    episode_id = factory.Sequence(lambda n: f"LA{n}")
    child = factory.SubFactory(ChildFactory)
    start_date = datetime.date(2014, 3, 1)
    legal_status = "C2"


def question(measures: str, tool: str = "S47 and information sharing") -> am.Question:
    """The shipped tool's question that measures `measures` (the first, if several)."""
    found = (
        am.Question.objects.filter(section__version=tool_version(tool), measures=measures)
        .order_by("section__order", "order")
        .first()
    )
    assert found is not None, f"the {tool} tool has no question measuring {measures}"
    return found
