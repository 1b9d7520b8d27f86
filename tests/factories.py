"""Factories of synthetic records. Each is typed with its model (`DjangoModelFactory[Model]`): call
`XFactory.create(...)` for a typed instance (mypy types a bare `XFactory(...)` as the factory itself)."""

import datetime
from collections.abc import Iterable

import factory
from django.contrib.auth.models import Group, User

from cases import models as m


def _add_roles(user: User, create: bool, extracted: Iterable[str] | None, **kwargs: object) -> None:
    """`UserFactory.create(roles=[...])`: the user joins each role's group."""
    for name in extracted or ():
        user.groups.add(Group.objects.get(name=name))


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct-horse-battery")

    roles = factory.PostGeneration(_add_roles)


class TeamFactory(factory.django.DjangoModelFactory[m.Team]):
    class Meta:
        model = m.Team
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"T{n}")
    name = factory.Sequence(lambda n: f"Assessment team {n}")


class WorkerFactory(factory.django.DjangoModelFactory[m.Worker]):
    class Meta:
        model = m.Worker

    code = factory.Sequence(lambda n: f"W{n}")
    name = factory.Sequence(lambda n: f"Worker {n}")
    team = factory.SubFactory(TeamFactory)


class ChildFactory(factory.django.DjangoModelFactory[m.Child]):
    class Meta:
        model = m.Child

    child_id = factory.Sequence(lambda n: f"C{n:06d}")
    name = factory.Sequence(lambda n: f"Synthetic Child {n}")
    date_of_birth = datetime.date(2012, 5, 1)
    gender = m.Gender.FEMALE
    ethnicity = "WBRI"


class StrategyDiscussionFactory(factory.django.DjangoModelFactory[m.StrategyDiscussion]):
    class Meta:
        model = m.StrategyDiscussion

    discussion_id = factory.Sequence(lambda n: f"SD{n}")
    child = factory.SubFactory(ChildFactory)
    date = datetime.date(2014, 3, 3)
    social_care_attended = True
    police_attended = True
    health_attended = True


class S47EnquiryFactory(factory.django.DjangoModelFactory[m.S47Enquiry]):
    class Meta:
        model = m.S47Enquiry

    child = factory.SubFactory(ChildFactory)
    start_date = datetime.date(2014, 3, 3)
    target_date = factory.LazyAttribute(lambda o: m.s47_target_date(o.start_date))


class ReferralFactory(factory.django.DjangoModelFactory[m.Referral]):
    class Meta:
        model = m.Referral

    referral_id = factory.Sequence(lambda n: f"R{n}")
    child = factory.SubFactory(ChildFactory)
    received_date = datetime.date(2014, 2, 20)


# Audits -------------------------------------------------------------------------------------------
from audits import models as am  # noqa: E402


def tool_version(name: str = "Domestic abuse") -> "am.ToolVersion":
    """A shipped tool's first version (loaded by the audits data migration)."""
    return am.ToolVersion.objects.get(tool__name=name, number=1)


class AuditFactory(factory.django.DjangoModelFactory[am.Audit]):
    class Meta:
        model = am.Audit

    title = factory.Sequence(lambda n: f"Themed audit {n}")
    planned_month = datetime.date(2014, 2, 1)
    tool_version = factory.LazyFunction(tool_version)
    agencies = factory.LazyFunction(lambda: ["social_care"])


class CaseAuditFactory(factory.django.DjangoModelFactory[am.CaseAudit]):
    class Meta:
        model = am.CaseAudit

    audit = factory.SubFactory(AuditFactory)
    child = factory.SubFactory(ChildFactory)
    record_id = factory.Sequence(lambda n: n + 1)
    record_date = datetime.date(2014, 1, 6)
    agency = "social_care"


class AuditToolFactory(factory.django.DjangoModelFactory[am.AuditTool]):
    class Meta:
        model = am.AuditTool

    name = factory.Sequence(lambda n: f"Test audit tool {n}")


class ToolVersionFactory(factory.django.DjangoModelFactory[am.ToolVersion]):
    class Meta:
        model = am.ToolVersion

    tool = factory.SubFactory(AuditToolFactory)
    number = 1


class SectionFactory(factory.django.DjangoModelFactory[am.Section]):
    class Meta:
        model = am.Section

    version = factory.SubFactory(ToolVersionFactory)
    order = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Section {n}")


class QuestionFactory(factory.django.DjangoModelFactory[am.Question]):
    class Meta:
        model = am.Question

    section = factory.SubFactory(SectionFactory)
    order = factory.Sequence(lambda n: n + 1)
    code = factory.Sequence(lambda n: f"Q{n}")
    text = factory.Sequence(lambda n: f"Was practice standard {n} met?")
    kind = am.Question.Kind.RATING


def rating_tool_version(questions: int = 10) -> "am.ToolVersion":
    """A tool of one section with `questions` rating questions, Q1 to Qn, each asked of every case."""
    section = SectionFactory.create(title="Practice standards", order=1)
    for number in range(1, questions + 1):
        QuestionFactory.create(
            section=section, order=number, code=f"Q{number}", text=f"Was practice standard {number} met?"
        )
    return section.version
