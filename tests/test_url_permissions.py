"""Every page URL states the roles that may open it, and every other role is refused.

Walks the project's URL patterns (pages, not the Django admin or the API, whose own tests cover them):
a page without `allowed_roles` must be listed here as open to anyone or to any signed-in user, so a new
URL without a decision fails this test.
"""

import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from common import roles
from tests.factories import UserFactory

OPEN_TO_ANYONE = {"login", "logout"}
ANY_SIGNED_IN_USER = {
    "home",
    "accounts-two-factor",
    "accounts-two-factor-setup",
    "accounts-two-factor-manage",
    "accounts-password-change",
}
SKIPPED_PREFIXES = ("admin/", "api/", "static/")

DUMMY = {"uuid": uuid.UUID("00000000-0000-4000-8000-000000000000"), "int": 999999, "string": "no-such-thing"}


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def _page_patterns():
    found = []
    for route, pattern in _walk(get_resolver().url_patterns):
        if route.startswith(SKIPPED_PREFIXES) or not pattern.name:
            continue
        found.append((route, pattern))
    return found


def _url(pattern: URLPattern) -> str:
    kwargs = {
        name: DUMMY[type(converter).__name__.replace("Converter", "").lower()]
        for name, converter in pattern.pattern.converters.items()
    }
    return reverse(pattern.name, kwargs=kwargs)


PAGES = _page_patterns()


def test_every_page_states_who_may_open_it():
    undecided = [
        route
        for route, pattern in PAGES
        if pattern.name not in OPEN_TO_ANYONE | ANY_SIGNED_IN_USER
        and not getattr(pattern.callback, "allowed_roles", None)
    ]
    assert not undecided, f"pages without allowed_roles: {undecided}"


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "pattern"), PAGES, ids=[route for route, _ in PAGES])
def test_each_page_refuses_every_role_it_does_not_name(client, route, pattern):
    allowed = getattr(pattern.callback, "allowed_roles", None)
    if allowed is None:
        return  # open pages, checked above
    url = _url(pattern)

    def status(method: str) -> int:
        return (client.get(url) if method == "get" else client.post(url)).status_code

    method = "get" if status("get") != 405 else "post"
    anonymous = client.get(url) if method == "get" else client.post(url)
    assert anonymous.status_code == 302 and reverse("login") in anonymous.url, route
    for role in sorted(set(roles.ALL_ROLES) - set(allowed)):
        user = UserFactory(username=f"perm-{role.lower().replace(' ', '-')}", roles=[role])
        client.force_login(user)
        assert status(method) == 403, f"{route} let a {role} in"
        client.logout()
    client.force_login(UserFactory(username="perm-no-role"))
    assert status(method) == 403, f"{route} let a user with no role in"
