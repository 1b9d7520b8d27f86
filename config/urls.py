from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from common import views as common_views

urlpatterns = [
    path("", common_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("cases/", include("cases.urls")),
    path("audits/", include("audits.urls")),
    path("dashboard/", include("reporting.urls")),
    path("reports/", include("reporting.urls_reports")),
    path("api/", include("config.api_urls")),
    path("admin/", admin.site.urls),
]
