"""Who must give a one-time code, and the TOTP devices (django-otp) they give it from."""

import base64
from typing import Protocol, cast

import segno
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.models import User
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from common.roles import ALL_ROLES, has_role

OIDC_BACKEND = "accounts.oidc.CouncilOIDCBackend"
NO_DEVICE_SESSION_KEY = "accounts_no_otp_device"
# Set when this session opened a valid one-time set-up link (or proved the old app before replacing it):
# only then does the set-up page make and show a secret.
MAY_ENROL_SESSION_KEY = "accounts_may_set_up_otp_device"


def two_factor_required_for(user: User) -> bool:
    """Every role must use two-factor authentication: partner agency auditors and report officers open case
    audit facts, evidence and results, and panel members the reports, as surely as others open a child's
    record. Only a signed-in user with no role (who sees the home page alone) is not asked."""
    return settings.TWO_FACTOR_REQUIRED and has_role(user, *ALL_ROLES)


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


class _OtpUser(Protocol):
    def is_verified(self) -> bool: ...


def session_verified(user: User) -> bool:
    """True once this session gave a code: django-otp's OTPMiddleware puts `is_verified()` on the request's
    user object (django-otp ships no types)."""
    return cast(_OtpUser, user).is_verified()


def two_factor_pending(request: HttpRequest) -> bool:
    """True when this session must give a code before it may see anything.

    Off altogether when TWO_FACTOR_REQUIRED is off (the demo). Otherwise a signed-in, not yet verified
    session is held back if the user's role requires it, or if the user has set up a device anyway.
    Sessions signed in through the council's identity provider are trusted to have done MFA there when
    OIDC_TRUSTS_IDP_MFA is on.
    """
    if not settings.TWO_FACTOR_REQUIRED:
        return False
    user = request.user
    if not user.is_authenticated or session_verified(user):
        return False
    if settings.OIDC_TRUSTS_IDP_MFA and request.session.get(BACKEND_SESSION_KEY) == OIDC_BACKEND:
        return False
    if two_factor_required_for(user):
        return True
    if request.session.get(NO_DEVICE_SESSION_KEY):
        return False
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return True
    request.session[NO_DEVICE_SESSION_KEY] = True  # saves a query on every later request
    return False


def devices_remove(*, user: User) -> int:
    """Removes every TOTP device of the user (a new phone, or an administrator's reset); returns how many."""
    deleted, _ = TOTPDevice.objects.filter(user=user).delete()
    return deleted


def unconfirmed_device(user: User) -> TOTPDevice:
    """The device being set up: the same secret on every visit until it is confirmed with a code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def secret_for_display(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, as authenticator apps accept it typed in."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// URL as an SVG QR code in a data: URI, so the page needs no inline markup or style."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=4)
