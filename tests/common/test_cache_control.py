"""Nothing sensitive stays behind: every response to a signed-in request says `no-store, private`, so the
browser's back-button cache, a shared PC's disk cache and any proxy keep none of it. The URL x role
sweep (tests/test_url_permissions.py) checks the header on every URL for every signed-in persona; these
tests pin the cases that sweep cannot see (API tokens, file downloads, a view's own header) and what
anonymous visitors get."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from accounts.services import api_token_issue
from actions.models import Evidence
from common import roles
from common.cache_control import NoStoreWhenSignedInMiddleware
from tests.actions.conftest import pdf_upload
from tests.dates import date_parts
from tests.security.world import build_world

pytestmark = pytest.mark.django_db

NO_STORE = "no-store, private"


@pytest.fixture
def world():
    return build_world()


def test_a_childs_record_is_not_stored(client, world):
    client.force_login(world.users[roles.MANAGER])
    response = client.get(reverse("cases-child-detail", args=[world.child_a.uuid]))
    assert response.status_code == 200
    assert response["Cache-Control"] == NO_STORE


@pytest.mark.parametrize(
    ("name", "argument"),
    [("actions-plan-csv", "plan"), ("actions-plan-xlsx", "plan"), ("audits-answers-export", "audit")],
)
def test_exports_are_not_stored(client, world, name, argument):
    client.force_login(world.users[roles.MANAGER])
    response = client.get(reverse(name, args=[getattr(world, argument).uuid]))
    assert response.status_code == 200
    assert response["Cache-Control"] == NO_STORE


def test_an_evidence_file_is_not_stored(client, world, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    manager = world.users[roles.MANAGER]
    client.force_login(manager)
    client.post(
        reverse("actions-action-update", args=[world.action.uuid]),
        {**date_parts("written_on", "01/01/2024"), "note": "Register", "files": [pdf_upload()]},
    )
    evidence = Evidence.objects.get()
    response = client.get(reverse("actions-evidence-download", args=[evidence.uuid]))
    assert response.status_code == 200 and response.streaming
    assert response["Cache-Control"] == NO_STORE


def test_the_api_signed_in_by_session_is_not_stored(client, world):
    client.force_login(world.users[roles.MANAGER])
    response = client.get(reverse("api-child-detail", args=[world.child_a.uuid]))
    assert response.status_code == 200
    assert response["Cache-Control"] == NO_STORE


def test_the_api_signed_in_by_token_is_not_stored(client, world):
    """DRF reads the token inside the view: the header must follow the user DRF found, not the session."""
    _, key = api_token_issue(user=world.users[roles.MANAGER])
    response = client.get(
        reverse("api-child-detail", args=[world.child_a.uuid]), HTTP_AUTHORIZATION=f"Token {key}"
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == NO_STORE


def test_a_refusal_to_a_signed_in_user_is_not_stored_either(client, world):
    client.force_login(world.users[roles.PANEL_MEMBER])
    response = client.get(reverse("cases-child-list"))
    assert response.status_code == 403
    assert response["Cache-Control"] == NO_STORE


def cached_for_an_hour(request):
    return HttpResponse(headers={"Cache-Control": "max-age=3600"})


def test_a_views_own_cache_header_is_replaced_for_a_signed_in_user(world):
    request = RequestFactory().get("/")
    request.user = world.users[roles.AUDITOR]
    assert NoStoreWhenSignedInMiddleware(cached_for_an_hour)(request)["Cache-Control"] == NO_STORE


def test_an_anonymous_request_keeps_the_views_header():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert NoStoreWhenSignedInMiddleware(cached_for_an_hour)(request)["Cache-Control"] == "max-age=3600"


def test_a_request_answered_before_authentication_keeps_its_header():
    """Static files: WhiteNoise answers before AuthenticationMiddleware, so there is no user to judge."""
    request = RequestFactory().get("/static/app/app.css")
    assert NoStoreWhenSignedInMiddleware(cached_for_an_hour)(request)["Cache-Control"] == "max-age=3600"
