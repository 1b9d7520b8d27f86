"""Feedback to practitioners, under /audits/feedback/."""

from django.urls import path

from audits.views import feedback as views

urlpatterns = [
    path("", views.feedback_mine, name="audits-feedback-mine"),
    path("responses/", views.feedback_overview, name="audits-feedback-overview"),
    path("<uuid:feedback_uuid>/", views.feedback_detail, name="audits-feedback"),
    path("<uuid:feedback_uuid>/respond/", views.feedback_respond, name="audits-feedback-respond"),
]
