from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_GET
from django_otp import login as otp_login

from accounts import services, two_factor
from accounts.forms import ChangePasswordForm, OneTimeCodeForm, SignInForm
from common.http import AuthenticatedHttpRequest

WRONG_CODE = "The code is not correct or has expired: enter the code your app shows now"
TOO_MANY_CODES = "Wait a few seconds after a wrong code, then enter the code your app shows now"


class LoginView(auth_views.LoginView):
    """Django's log-in page, with the council sign-in button when single sign-on is configured."""

    redirect_authenticated_user = True
    authentication_form = SignInForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"oidc_enabled": settings.OIDC_ENABLED}


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _check_code(device, form: OneTimeCodeForm) -> bool:
    if not form.is_valid():
        return False
    allowed, _ = device.verify_is_allowed()
    if allowed and device.verify_token(form.cleaned_data["code"]):
        return True
    form.add_error("code", WRONG_CODE if allowed else TOO_MANY_CODES)
    return False


@login_required
def two_factor_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Asks for the code from the user's authenticator app; sends users without one to set one up."""
    next_url = _next_url(request)
    if two_factor.session_verified(request.user):
        return redirect(next_url)
    device = two_factor.confirmed_device(request.user)
    if device is None:
        return redirect(f"{reverse('accounts-two-factor-setup')}?{urlencode({'next': next_url})}")
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and _check_code(device, form):
        otp_login(request, device)
        return redirect(next_url)
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": next_url})


def _link_needed(request: HttpRequest, *, refused: str | None = None, status: int = 200) -> HttpResponse:
    context = {"refused": refused, "link_hours": settings.TWO_FACTOR_LINK_HOURS}
    return render(request, "accounts/two_factor_link_needed.html", context, status=status)


@login_required
@require_GET
def two_factor_enrol(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    """The one-time link an administrator issued: it lets this session set up the user's first app."""
    if two_factor.confirmed_device(request.user) is not None:
        return redirect("accounts-two-factor")
    try:
        services.enrolment_link_redeem(user=request.user, token=token)
    except ValidationError as error:
        return _link_needed(request, refused=error.messages[0], status=404)
    request.session[two_factor.MAY_ENROL_SESSION_KEY] = True
    return redirect("accounts-two-factor-setup")


@login_required
def two_factor_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Sets up an authenticator app: scan the QR code (or type the key), then confirm with a code. Only for
    a session that opened a set-up link: the password alone never shows the secret."""
    next_url = _next_url(request)
    if two_factor.confirmed_device(request.user) is not None:
        # A second device, or a new phone, is set up only after an administrator removes the old one.
        return redirect(f"{reverse('accounts-two-factor')}?{urlencode({'next': next_url})}")
    if not request.session.get(two_factor.MAY_ENROL_SESSION_KEY):
        return _link_needed(request)
    device = two_factor.unconfirmed_device(request.user)
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and _check_code(device, form):
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        otp_login(request, device)
        request.session.pop(two_factor.NO_DEVICE_SESSION_KEY, None)
        request.session.pop(two_factor.MAY_ENROL_SESSION_KEY, None)
        messages.success(request, "Two-factor authentication is set up")
        return redirect(next_url)
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "next": next_url,
            "qr_code": two_factor.qr_code_data_uri(device),
            "secret": two_factor.secret_for_display(device),
            "required": two_factor.two_factor_required_for(request.user),
        },
    )


@login_required
def two_factor_manage(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Shows whether an authenticator app is set up; a new phone replaces it after a code from the old one."""
    device = two_factor.confirmed_device(request.user)
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and device is not None and _check_code(device, form):
        two_factor.devices_remove(user=request.user)
        # The code from the old app proves the person as a set-up link would.
        request.session[two_factor.MAY_ENROL_SESSION_KEY] = True
        messages.success(request, "Your authenticator app has been removed. Set up the new one now.")
        return redirect("accounts-two-factor-setup")
    return render(
        request,
        "accounts/two_factor_manage.html",
        {"device": device, "form": form, "required": two_factor.two_factor_required_for(request.user)},
    )


@login_required
def password_change(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Changing the password ends every other session of the user (Django's session hash); this one stays."""
    form = ChangePasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        messages.success(request, "Your password has been changed. You have been signed out everywhere else.")
        return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form})
