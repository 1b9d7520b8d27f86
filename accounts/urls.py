from django.conf import settings
from django.urls import URLPattern, URLResolver, include, path

from accounts import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("two-factor/", views.two_factor_verify, name="accounts-two-factor"),
    path("two-factor/set-up/", views.two_factor_setup, name="accounts-two-factor-setup"),
    path("two-factor/set-up/<str:token>/", views.two_factor_enrol, name="accounts-two-factor-enrol"),
    path("two-factor/manage/", views.two_factor_manage, name="accounts-two-factor-manage"),
    path("password/", views.password_change, name="accounts-password-change"),
]

if settings.OIDC_ENABLED:
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))
