"""Moderators confirm or remove the learning themes auditors tagged findings with."""

import pytest
from django.urls import reverse

from audits.models import AnswerTheme, CaseAudit, Theme
from tests.audits.test_services_moderation import submitted
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tag(auditor) -> AnswerTheme:
    case_audit = submitted(auditor, child=ChildFactory.create(child_id="C-MOD"))
    answer = case_audit.answers.order_by("question__code").first()
    assert answer is not None
    return AnswerTheme.objects.create(
        answer=answer, theme=Theme.objects.get(name="Voice of the child"), tagged_by=auditor
    )


def theme_url(tag: AnswerTheme) -> str:
    return reverse("audits-moderate-theme", args=[tag.answer.case_audit.uuid, tag.pk])


def test_the_moderation_page_lists_the_tags_to_confirm(client, moderator, tag):
    client.force_login(moderator)
    page = client.get(reverse("audits-moderate", args=[tag.answer.case_audit.uuid])).content.decode()
    assert "Voice of the child" in page
    assert "Not confirmed" in page
    assert theme_url(tag) in page


def test_a_moderator_confirms_a_tag_and_who_and_when_are_kept(client, moderator, tag):
    client.force_login(moderator)
    response = client.post(theme_url(tag), {"decision": "confirm"})
    assert response.status_code == 302
    tag.refresh_from_db()
    assert tag.confirmed_by == moderator
    assert tag.confirmed_at is not None
    assert tag.history.latest().history_change_reason == "Theme confirmed by the moderator"


def test_confirming_twice_keeps_the_first_confirmation(client, moderator, tag):
    client.force_login(moderator)
    client.post(theme_url(tag), {"decision": "confirm"})
    tag.refresh_from_db()
    first = tag.confirmed_at
    client.post(theme_url(tag), {"decision": "confirm"})
    tag.refresh_from_db()
    assert tag.confirmed_at == first


def test_a_moderator_removes_a_tag(client, moderator, tag):
    client.force_login(moderator)
    client.post(theme_url(tag), {"decision": "remove"})
    assert not AnswerTheme.objects.filter(pk=tag.pk).exists()


def test_a_tag_of_another_case_audit_is_not_touched(client, moderator, tag, auditor):
    other = submitted(auditor, child=ChildFactory.create(child_id="C-OTHER"))
    client.force_login(moderator)
    client.post(reverse("audits-moderate-theme", args=[other.uuid, tag.pk]), {"decision": "remove"})
    assert AnswerTheme.objects.filter(pk=tag.pk).exists()


def test_a_case_audit_not_submitted_keeps_its_tags(client, moderator, tag):
    CaseAudit.objects.filter(pk=tag.answer.case_audit_id).update(status=CaseAudit.Status.IN_PROGRESS)
    client.force_login(moderator)
    client.post(theme_url(tag), {"decision": "remove"})
    assert AnswerTheme.objects.filter(pk=tag.pk).exists()


@pytest.mark.parametrize("persona", ["auditor", "manager"], indirect=True)
def test_other_roles_may_not_moderate_tags(client, persona, tag):
    client.force_login(persona)
    assert client.post(theme_url(tag), {"decision": "remove"}).status_code == 403
    assert AnswerTheme.objects.filter(pk=tag.pk).exists()
