"""Auditors tag findings with learning themes on the scoring page, saved with the answer."""

import pytest
from django.urls import reverse

from audits.models import AnswerTheme, Theme
from tests.audits import test_scoring_views as scoring
from tests.audits.test_scoring_views import HTMX, answer_url, score_url, stored_answer

pytestmark = pytest.mark.django_db
enquiry = scoring.enquiry
case_audit = scoring.case_audit


def theme(name: str) -> Theme:
    return Theme.objects.get(name=name)


def post(client, case_audit, themes, *, revision=0, headers=None, **fields):
    data = {"value": "partly", "evidence": "Police shared late", "revision": revision, "themes_shown": "1"}
    data |= fields
    data["theme_list"] = [str(t.uuid) for t in themes]
    return client.post(answer_url(case_audit, "D1"), data, **(headers or {}))


def test_the_scoring_page_offers_the_active_themes_in_each_question(client, auditor, case_audit):
    Theme.objects.filter(name="Risk assessment").update(is_active=False)
    client.force_login(auditor)
    page = client.get(score_url(case_audit)).content.decode()
    assert "Themes (optional)" in page
    assert "Voice of the child" in page
    assert "Risk assessment" not in page


def test_themes_posted_without_javascript_are_saved_with_the_answer(client, auditor, case_audit):
    client.force_login(auditor)
    response = post(client, case_audit, [theme("Voice of the child"), theme("Information sharing")])
    assert response.status_code == 302
    saved = stored_answer(case_audit, "D1")
    assert set(saved.themes.values_list("name", flat=True)) == {"Voice of the child", "Information sharing"}
    tag = AnswerTheme.objects.get(answer=saved, theme__name="Voice of the child")
    assert (tag.tagged_by, tag.confirmed) == (auditor, False)
    assert tag.history.get().history_user == auditor
    page = client.get(score_url(case_audit)).content.decode()
    assert f'value="{theme("Voice of the child").uuid}" checked' in page


def test_unticking_every_theme_clears_the_tags_and_keeps_the_revision(client, auditor, case_audit):
    client.force_login(auditor)
    post(client, case_audit, [theme("Voice of the child")])
    response = post(client, case_audit, [], revision=1, headers=HTMX)
    assert response.status_code == 200
    saved = stored_answer(case_audit, "D1")
    assert (saved.themes.count(), saved.revision) == (0, 1)


def test_a_save_without_the_themes_field_keeps_the_tags(client, auditor, case_audit):
    client.force_login(auditor)
    post(client, case_audit, [theme("Voice of the child")])
    client.post(answer_url(case_audit, "D1"), {"evidence": "More notes", "revision": 1})
    saved = stored_answer(case_audit, "D1")
    assert list(saved.themes.values_list("name", flat=True)) == ["Voice of the child"]


def test_a_tag_of_a_deactivated_theme_is_kept_when_the_answer_is_saved_again(client, auditor, case_audit):
    client.force_login(auditor)
    post(client, case_audit, [theme("Risk assessment")])
    Theme.objects.filter(name="Risk assessment").update(is_active=False)
    post(client, case_audit, [theme("Voice of the child")], revision=1)
    saved = stored_answer(case_audit, "D1")
    assert set(saved.themes.values_list("name", flat=True)) == {"Risk assessment", "Voice of the child"}


def test_the_grade_note_is_tagged_with_themes_and_a_save_without_them_keeps_them(client, auditor, case_audit):
    client.force_login(auditor)
    url = reverse("audits-grade", args=[case_audit.uuid])
    data = {"grade": "good", "note": "Thorough", "revision": 0, "themes_shown": "1"}
    response = client.post(url, data | {"theme_list": [str(theme("Management oversight").uuid)]})
    assert response.status_code == 302
    case_audit.refresh_from_db()
    assert list(case_audit.grade_themes.values_list("name", flat=True)) == ["Management oversight"]
    page = client.get(score_url(case_audit)).content.decode()
    assert f'id="grade-theme-{theme("Management oversight").pk}" name="theme_list" type="checkbox"' in page
    client.post(url, {"grade": "good", "note": "Thorough, again", "revision": 1})
    assert case_audit.grade_themes.count() == 1
    client.post(url, {"grade": "good", "note": "Thorough, again", "revision": 2, "themes_shown": "1"})
    assert case_audit.grade_themes.count() == 0
