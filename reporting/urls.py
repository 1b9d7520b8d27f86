from django.urls import path

from reporting import views

urlpatterns = [
    path("", views.report_list, name="reporting-reports"),
    path("new/", views.report_new, name="reporting-report-new"),
    path("<uuid:report_uuid>/", views.report_detail, name="reporting-report"),
    path("<uuid:report_uuid>/header/", views.report_edit, name="reporting-report-edit"),
    path("<uuid:report_uuid>/selections/", views.report_selections, name="reporting-report-selections"),
    path(
        "<uuid:report_uuid>/sections/<str:key>/", views.report_section_edit, name="reporting-report-section"
    ),
    path("<uuid:report_uuid>/preview/", views.report_preview, name="reporting-report-preview"),
    path("<uuid:report_uuid>/generate/", views.report_generate, name="reporting-report-generate"),
    path("versions/<uuid:version_uuid>/", views.version_detail, name="reporting-version"),
    path("versions/<uuid:version_uuid>/download.pdf", views.version_pdf, name="reporting-version-pdf"),
    path("versions/<uuid:version_uuid>/download.xlsx", views.version_xlsx, name="reporting-version-xlsx"),
    path("versions/<uuid:version_uuid>/issue/", views.version_issue, name="reporting-version-issue"),
]
