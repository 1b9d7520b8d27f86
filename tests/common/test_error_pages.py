"""The service's 403, 404 and 500 pages: in the layout, with the right status, the same with DEBUG on
(the demo) as off (production); a 403 is logged as a warning line without traceback."""

import logging
import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.db import OperationalError, connection
from django.test import override_settings
from django.urls import reverse

from common import roles
from common.errors import permission_denied, server_error
from tests.actions.factories import ActionFactory

NAV = 'class="govuk-service-navigation'
MENU = 'aria-label="Menu"'


@pytest.fixture(params=[False, True], ids=["production", "debug"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


def test_a_page_outside_your_roles_says_who_can_see_it_and_whom_to_ask(client, auditor, debug):
    client.force_login(auditor)
    response = client.get(reverse("audits-moderation"))
    page = response.content.decode()
    assert response.status_code == 403
    assert "<title>You do not have access to this page - Case audit tracker" in page
    assert '<h1 class="govuk-heading-l">You do not have access to this page</h1>' in page
    assert "This page is for these roles: Moderator, Administrator." in page
    assert "You are signed in as auditor-ash (Auditor)." in page
    assert "ask your service administrator" in page
    assert NAV in page and MENU in page and 'href="/audits/mine/"' in page  # the auditor's own menu


def test_a_refusal_by_an_object_rule_gives_its_reason_not_roles_the_user_holds(rf, manager):
    request = rf.get("/actions/some-action/sign-off/")
    request.user = manager
    request.allowed_roles = (roles.MANAGER, roles.ADMINISTRATOR)  # what role_required keeps
    response = permission_denied(request, PermissionDenied("You own this action."))
    page = response.content.decode()
    assert response.status_code == 403
    assert "You own this action." in page and "This page is for" not in page


def test_a_refusal_by_an_object_rule_without_a_reason_says_so(client, moderator):
    action = ActionFactory.create()  # a moderator may read it, but only its owner or a QA lead may update it
    client.force_login(moderator)
    response = client.post(reverse("actions-action-start", args=[action.uuid]))
    page = response.content.decode()
    assert response.status_code == 403
    assert "Your role lets you use pages like this one, but not for this record." in page
    assert "This page is for" not in page


def test_an_anonymous_visitor_is_still_sent_to_sign_in(client):
    response = client.get(reverse("audits-moderation"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_403_is_a_warning_line_without_traceback(client, auditor, caplog):
    client.force_login(auditor)
    with caplog.at_level(logging.INFO, logger="django.request"):
        assert client.get(reverse("audits-moderation")).status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert [(r.levelno, r.getMessage()) for r in records] == [
        (logging.WARNING, "Forbidden (Permission denied): /audits/moderation/")
    ]
    assert records[0].exc_info is None and records[0].exc_text is None


@pytest.mark.parametrize("signed_in", [True, False], ids=["signed-in", "anonymous"])
def test_an_unknown_address_is_the_service_page_not_found(client, auditor, debug, signed_in):
    if signed_in:
        client.force_login(auditor)
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in page
    assert "If you typed the web address, check it is correct." in page
    assert "ask your service administrator" in page
    assert NAV in page and (MENU in page) is signed_in
    assert "DEBUG = True" not in page  # never Django's technical page, even in the demo


def test_a_record_you_may_not_see_is_page_not_found_with_the_guards_words(client, auditor, debug):
    client.force_login(auditor)
    response = client.get(reverse("audits-detail", args=[uuid.uuid4()]))
    page = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in page and "No such audit, or you may not see it." in page
    assert MENU in page


def test_a_missing_slash_is_still_redirected(client, auditor, settings):
    settings.DEBUG = True
    client.force_login(auditor)
    response = client.get("/audits/mine")
    assert response.status_code == 301 and response.url == "/audits/mine/"


@pytest.mark.urls("tests.common.error_urls")
@pytest.mark.parametrize("signed_in", [True, False], ids=["signed-in", "anonymous"])
def test_a_broken_view_shows_the_service_problem_page(client, auditor, signed_in):
    if signed_in:
        client.force_login(auditor)
    client.raise_request_exception = False
    response = client.get("/broken/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "<title>Sorry, there is a problem with the service - Case audit tracker - " in page
    assert '<h1 class="govuk-heading-l">Sorry, there is a problem with the service</h1>' in page
    assert 'class="govuk-header' in page and "Case audit tracker</a>" in page


def test_the_problem_page_needs_no_database(rf):
    def no_database(*args, **kwargs):
        raise OperationalError("the database is down")

    with connection.execute_wrapper(no_database), override_settings(DEBUG=False):
        response = server_error(rf.get("/broken/"))
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
