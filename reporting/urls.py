from django.urls import path

from reporting import views

urlpatterns = [
    path("", views.dashboard, name="reporting-dashboard"),
    path("recalculate/", views.recalculate, name="reporting-recalculate"),
    path("runs/<uuid:run_uuid>/", views.run_detail, name="reporting-run"),
    path("targets/", views.target_list, name="reporting-targets"),
    path("targets/<str:metric_key>/", views.target_edit, name="reporting-target-edit"),
    path("<str:metric_key>/records/", views.drilldown_view, name="reporting-drilldown"),
    path("<str:metric_key>/audit-answers/", views.audit_drilldown, name="reporting-audit-drilldown"),
]
