"""Action plan factories (the shared ones are in tests/factories.py)."""

import datetime

import factory

from actions.models import Action, ActionPlan, PlanIssue
from common import roles
from tests.factories import AuditFactory, UserFactory


class ActionPlanFactory(factory.django.DjangoModelFactory[ActionPlan]):
    class Meta:
        model = ActionPlan

    title = factory.Sequence(lambda n: f"Action plan {n}")
    audit = factory.SubFactory(AuditFactory)
    lead = factory.SubFactory(UserFactory, roles=[roles.MANAGER])
    review_date = datetime.date(2024, 9, 1)


class PlanIssueFactory(factory.django.DjangoModelFactory[PlanIssue]):
    class Meta:
        model = PlanIssue

    plan = factory.SubFactory(ActionPlanFactory)
    description = factory.Sequence(lambda n: f"Issue identified {n}")


class ActionFactory(factory.django.DjangoModelFactory[Action]):
    class Meta:
        model = Action

    issue = factory.SubFactory(PlanIssueFactory)
    description = factory.Sequence(lambda n: f"Action taken {n}")
    owner = factory.SubFactory(UserFactory, roles=[roles.AUDITOR])
    lead = "Domestic violence co-ordinator"
    due_date = datetime.date(2024, 6, 28)
