from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views as accounts_views
from common import views as common_views

handler403 = "common.errors.permission_denied"
handler404 = "common.errors.page_not_found"
handler500 = "common.errors.server_error"

urlpatterns = [
    path("", common_views.home, name="home"),
    path("login/", accounts_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", include("accounts.urls")),
    path("cases/", include("cases.urls")),
    path("audits/", include("audits.urls")),
    path("dashboard/", include("metrics.urls")),
    path("access-log/", common_views.access_log, name="common-access-log"),
    path("actions/", include("actions.urls")),
    path("reports/", include("reporting.urls")),
    path("api/", include("config.api_urls")),
    path("admin/", admin.site.urls),
]
