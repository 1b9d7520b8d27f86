"""Single sign-on through the council's identity provider (OpenID Connect), when configured.

Roles come from a claim (OIDC_ROLES_CLAIM, e.g. Entra ID app roles or groups) through OIDC_ROLE_MAP.
It never makes an administrator: the Administrator role, is_staff and is_superuser are only ever given
in the app by an existing administrator, and an Administrator role given that way is kept.
"""

from collections.abc import Iterable, Mapping

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from common.roles import ADMINISTRATOR, ALL_ROLES

MAPPABLE_ROLES = frozenset(ALL_ROLES) - {ADMINISTRATOR}


def roles_from_claims(claims: Mapping, *, claim: str, role_map: Mapping[str, str]) -> frozenset[str]:
    """The app roles that the identity provider's claim values map to.

    The claim may be a list or a single string. Values not in the map, and map entries naming a role
    the app does not have or the Administrator role, give nothing.
    """
    values = claims.get(claim) or []
    if isinstance(values, str):
        values = [values]
    mapped = {role_map.get(str(value)) for value in values}
    return frozenset(role for role in mapped if role in MAPPABLE_ROLES)


def _merge(id_token_claims: Mapping, userinfo: Mapping) -> dict:
    # Entra ID puts app roles and groups in the ID token, not in the userinfo answer.
    return {**id_token_claims, **userinfo}


class CouncilOIDCBackend(OIDCAuthenticationBackend):
    def verify_token(self, token, **kwargs):
        # The library checks the signature, expiry and nonce but not the audience: a token the same
        # identity provider issued to another application must not sign anyone in here.
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token was issued to another application.")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        return _merge(payload, super().get_userinfo(access_token, id_token, payload))

    def create_user(self, claims) -> User:
        email = claims["email"].strip().lower()
        user = User.objects.create_user(username=email[:150], email=email)
        user.first_name = str(claims.get("given_name", ""))[:150]
        user.last_name = str(claims.get("family_name", ""))[:150]
        user.save(update_fields=["first_name", "last_name"])
        return self.update_user(user, claims)

    @transaction.atomic
    def update_user(self, user: User, claims) -> User:
        """With a role map configured, the user's roles follow the identity provider on every sign-in."""
        role_map = getattr(settings, "OIDC_ROLE_MAP", {})
        if role_map:
            roles = roles_from_claims(claims, claim=settings.OIDC_ROLES_CLAIM, role_map=role_map)
            _set_roles(user, roles)
        return user

    def get_user(self, user_id):
        # The library's own get_user would keep a disabled account's session alive.
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None


def _set_roles(user: User, roles: Iterable[str]) -> None:
    keep = set(user.groups.filter(name=ADMINISTRATOR))
    user.groups.set(keep | set(Group.objects.filter(name__in=set(roles))))
