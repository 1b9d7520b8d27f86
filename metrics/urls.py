from django.urls import path

from metrics import views

urlpatterns = [
    path("", views.dashboard, name="metrics-dashboard"),
    path("recalculate/", views.recalculate, name="metrics-recalculate"),
    path("runs/<uuid:run_uuid>/", views.run_detail, name="metrics-run"),
    path("region/", views.region, name="metrics-region"),
    path("region/export/", views.benchmark_export, name="metrics-benchmark-export"),
    path("region/import/", views.benchmark_import, name="metrics-benchmark-import"),
    path("targets/", views.target_list, name="metrics-targets"),
    path("targets/<str:metric_key>/", views.target_edit, name="metrics-target-edit"),
    path("<str:metric_key>/records/", views.drilldown_view, name="metrics-drilldown"),
    path("<str:metric_key>/audit-answers/", views.audit_drilldown, name="metrics-audit-drilldown"),
    path("<str:metric_key>/", views.measure, name="metrics-measure"),
]
