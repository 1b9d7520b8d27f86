"""Single sign-on by OpenID Connect: off unless configured; the token exchange mocked at the HTTP boundary."""

import importlib
import json
import time
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
import responses
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth.models import User
from django.test import Client
from django.urls import clear_url_caches, reverse

from accounts.oidc import roles_from_claims
from accounts.two_factor import OIDC_BACKEND
from common import roles
from tests.common.test_settings import _manage
from tests.factories import UserFactory

IDP = "https://login.council.example.test/tenant/oauth2/v2.0"
CLIENT_ID = "casetrack-client-id"
ROLE_MAP = {
    "CaseTrack.Manager": roles.MANAGER,
    "CaseTrack.Auditor": roles.AUDITOR,
    "CaseTrack.Admin": roles.ADMINISTRATOR,
    "CaseTrack.Typo": "No such role",
}
SIGNING_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


class TestRolesFromClaims:
    def test_it_maps_each_claim_value_to_an_app_role(self):
        claims = {"roles": ["CaseTrack.Manager", "CaseTrack.Auditor"]}
        assert roles_from_claims(claims, claim="roles", role_map=ROLE_MAP) == {roles.MANAGER, roles.AUDITOR}

    def test_a_single_string_claim_counts_as_one_value(self):
        claims = {"groups": "CaseTrack.Auditor"}
        assert roles_from_claims(claims, claim="groups", role_map=ROLE_MAP) == {roles.AUDITOR}

    def test_values_not_in_the_map_give_nothing(self):
        claims = {"roles": ["Everyone", "Finance.Approver"]}
        assert roles_from_claims(claims, claim="roles", role_map=ROLE_MAP) == frozenset()

    def test_it_never_gives_the_administrator_role(self):
        claims = {"roles": ["CaseTrack.Admin"]}
        assert roles_from_claims(claims, claim="roles", role_map=ROLE_MAP) == frozenset()

    def test_a_map_entry_naming_no_real_role_gives_nothing(self):
        assert (
            roles_from_claims({"roles": ["CaseTrack.Typo"]}, claim="roles", role_map=ROLE_MAP) == frozenset()
        )

    def test_a_missing_claim_gives_nothing(self):
        assert roles_from_claims({}, claim="roles", role_map=ROLE_MAP) == frozenset()


SHOW_OIDC = (
    "from django.conf import settings; from django.urls import reverse, NoReverseMatch\n"
    "print('backend:', 'accounts.oidc.CouncilOIDCBackend' in settings.AUTHENTICATION_BACKENDS)\n"
    "try:\n    print('callback:', reverse('oidc_authentication_callback'))\n"
    "except NoReverseMatch:\n    print('callback: none')\n"
)
OIDC_ENV = {
    "OIDC_RP_CLIENT_ID": CLIENT_ID,
    "OIDC_RP_CLIENT_SECRET": "client-secret",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{IDP}/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": f"{IDP}/token",
    "OIDC_OP_USER_ENDPOINT": "https://graph.example.test/oidc/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": f"{IDP}/keys",
}


class TestSettings:
    def test_with_no_client_id_there_is_no_backend_and_no_oidc_urls(self):
        result = _manage("shell", "-c", SHOW_OIDC, **{name: None for name in OIDC_ENV})
        assert result.returncode == 0, result.stderr
        assert "backend: False" in result.stdout
        assert "callback: none" in result.stdout

    def test_a_client_id_and_endpoints_turn_the_backend_and_urls_on(self):
        result = _manage("shell", "-c", SHOW_OIDC, **OIDC_ENV)
        assert result.returncode == 0, result.stderr
        assert "backend: True" in result.stdout
        assert "callback: /account/oidc/callback/" in result.stdout

    def test_a_client_id_without_its_endpoints_refuses_to_start(self):
        result = _manage("check", **{**OIDC_ENV, "OIDC_OP_TOKEN_ENDPOINT": None})
        assert result.returncode != 0
        assert "OIDC_OP_TOKEN_ENDPOINT" in result.stderr


def _reload_urls():
    import accounts.urls
    import config.urls

    importlib.reload(accounts.urls)
    importlib.reload(config.urls)
    clear_url_caches()


@pytest.fixture
def oidc(settings):
    """The settings config/settings.py makes from the OIDC_* environment variables, and the URLs with them."""
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = "client-secret"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{IDP}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{IDP}/token"
    settings.OIDC_OP_USER_ENDPOINT = "https://graph.example.test/oidc/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{IDP}/keys"
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.OIDC_RP_SCOPES = "openid email profile"
    settings.OIDC_ROLES_CLAIM = "roles"
    settings.OIDC_ROLE_MAP = ROLE_MAP
    settings.LOGIN_REDIRECT_URL_FAILURE = "/login/"
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, OIDC_BACKEND]
    _reload_urls()
    yield settings
    settings.OIDC_ENABLED = False
    _reload_urls()


def _id_token(nonce: str, audience: str = CLIENT_ID, **claims) -> str:
    now = int(time.time())
    payload = {
        "iss": f"{IDP}",
        "aud": audience,
        "sub": "idp-subject-1",
        "nonce": nonce,
        "iat": now,
        "exp": now + 300,
        **claims,
    }
    return jwt.encode(payload, SIGNING_KEY, algorithm="RS256", headers={"kid": "key-1"})


def _sign_in_through_the_idp(client, *, audience=CLIENT_ID, id_token_claims=None, userinfo=None):
    start = client.get(reverse("oidc_authentication_init"))
    assert start.status_code == 302 and start.url.startswith(f"{IDP}/authorize?")
    query = parse_qs(urlparse(start.url).query)
    assert query["client_id"] == [CLIENT_ID]
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(SIGNING_KEY.public_key()))
    # A refused ID token stops the exchange before the userinfo call.
    with responses.RequestsMock(assert_all_requests_are_fired=audience == CLIENT_ID) as idp:
        idp.post(
            f"{IDP}/token",
            json={
                "access_token": "access-token",
                "token_type": "Bearer",
                "id_token": _id_token(query["nonce"][0], audience, **(id_token_claims or {})),
            },
        )
        idp.get(f"{IDP}/keys", json={"keys": [{**jwk, "kid": "key-1", "alg": "RS256", "use": "sig"}]})
        idp.get(
            "https://graph.example.test/oidc/userinfo",
            json=userinfo
            or {
                "sub": "idp-subject-1",
                "email": "Sam.Smith@council.example",
                "given_name": "Sam",
                "family_name": "Smith",
            },
        )
        return client.get(
            reverse("oidc_authentication_callback"), {"code": "auth-code", "state": query["state"][0]}
        )


@pytest.mark.django_db
class TestSignInThroughTheCouncil:
    def test_the_log_in_page_offers_the_council_account_only_when_configured(self, client, oidc):
        assert "Sign in with your council account" in client.get(reverse("login")).content.decode()
        oidc.OIDC_ENABLED = False
        assert "Sign in with your council account" not in client.get(reverse("login")).content.decode()

    def test_a_first_sign_in_creates_the_user_with_the_mapped_roles(self, client, oidc):
        response = _sign_in_through_the_idp(
            client, id_token_claims={"roles": ["CaseTrack.Manager", "Everyone"]}
        )
        assert response.status_code == 302 and response.url == "/"
        user = User.objects.get(email="sam.smith@council.example")
        assert user.username == "sam.smith@council.example"
        assert (user.first_name, user.last_name) == ("Sam", "Smith")
        assert set(user.groups.values_list("name", flat=True)) == {roles.MANAGER}
        assert not user.has_usable_password()
        assert client.session["_auth_user_id"] == str(user.pk)
        assert client.get("/cases/").status_code == 200

    def test_it_never_makes_an_administrator(self, client, oidc):
        _sign_in_through_the_idp(client, id_token_claims={"roles": ["CaseTrack.Admin"]})
        user = User.objects.get(email="sam.smith@council.example")
        assert not user.groups.exists()
        assert not (user.is_staff or user.is_superuser)

    def test_roles_follow_the_identity_provider_but_an_administrator_given_in_the_app_is_kept(
        self, client, oidc
    ):
        user = UserFactory.create(
            username="sam", email="sam.smith@council.example", roles=[roles.ADMINISTRATOR, roles.AUDITOR]
        )
        _sign_in_through_the_idp(client, id_token_claims={"roles": ["CaseTrack.Manager"]})
        assert set(user.groups.values_list("name", flat=True)) == {roles.ADMINISTRATOR, roles.MANAGER}
        assert User.objects.count() == 1

    def test_a_token_issued_to_another_application_is_refused(self, client, oidc):
        response = _sign_in_through_the_idp(client, audience="some-other-app")
        assert response.status_code == 400
        assert not User.objects.filter(email="sam.smith@council.example").exists()
        assert "_auth_user_id" not in client.session

    def test_the_identity_providers_mfa_is_trusted_when_the_setting_says_so(self, client, oidc):
        oidc.TWO_FACTOR_REQUIRED = True
        oidc.OIDC_TRUSTS_IDP_MFA = True
        _sign_in_through_the_idp(client, id_token_claims={"roles": ["CaseTrack.Manager"]})
        assert client.get("/cases/").status_code == 200

    def test_otherwise_a_single_sign_on_user_still_gives_a_code(self, client, oidc):
        oidc.TWO_FACTOR_REQUIRED = True
        oidc.OIDC_TRUSTS_IDP_MFA = False
        _sign_in_through_the_idp(client, id_token_claims={"roles": ["CaseTrack.Manager"]})
        response = client.get("/cases/")
        assert response.status_code == 302 and response.url.startswith(reverse("accounts-two-factor"))

    def test_a_password_session_is_not_trusted_like_a_single_sign_on_one(self, client, oidc, manager):
        oidc.TWO_FACTOR_REQUIRED = True
        client.force_login(manager)
        assert client.get("/cases/").status_code == 302

    def test_a_disabled_account_loses_its_single_sign_on_session(self, oidc, manager):
        client = Client()
        client.force_login(manager, backend=OIDC_BACKEND)
        assert client.get("/").status_code == 200
        manager.is_active = False
        manager.save()
        assert client.get("/").status_code == 302
