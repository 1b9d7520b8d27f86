"""Results, comparisons, re-audits and the answers workbook, grouped under the audit's UUID."""

from django.urls import path

from audits.views import results as views

urlpatterns = [
    path("themes/over-time/", views.theme_trend, name="audits-theme-trend"),
    path("<uuid:audit_uuid>/results/", views.audit_results, name="audits-results"),
    path("<uuid:audit_uuid>/compare/", views.audit_compare, name="audits-compare"),
    path("<uuid:audit_uuid>/reaudit/", views.audit_reaudit, name="audits-reaudit"),
    path("<uuid:audit_uuid>/answers.xlsx", views.answers_export, name="audits-answers-export"),
    path("<uuid:audit_uuid>/answers/import/", views.answers_import, name="audits-answers-import"),
]
