"""Audit URLs, grouped per area: each area's module lists its own paths."""

from django.urls import include, path

urlpatterns = [
    path("", include("audits.urls_lead")),
    path("", include("audits.urls_scoring")),
    path("", include("audits.urls_results")),
    path("feedback/", include("audits.urls_feedback")),
]
