"""Action plan URLs: my actions, plans, issues and actions (each named by its UUID), evidence."""

from django.urls import path

from actions import views

urlpatterns = [
    path("", views.my_actions, name="actions-mine"),
    path("overdue/", views.overdue, name="actions-overdue"),
    path("plans/", views.plan_list, name="actions-plan-list"),
    path("plans/new/", views.plan_create, name="actions-plan-create"),
    path("plans/<uuid:plan_uuid>/", views.plan_detail, name="actions-plan-detail"),
    path("plans/<uuid:plan_uuid>/edit/", views.plan_edit, name="actions-plan-edit"),
    path("plans/<uuid:plan_uuid>/history/", views.plan_history, name="actions-plan-history"),
    path(
        "plans/<uuid:plan_uuid>/export.xlsx", views.plan_export, {"shape": "xlsx"}, name="actions-plan-xlsx"
    ),
    path("plans/<uuid:plan_uuid>/export.csv", views.plan_export, {"shape": "csv"}, name="actions-plan-csv"),
    path(
        "plans/<uuid:plan_uuid>/panel-table.csv",
        views.plan_export,
        {"shape": "panel-csv"},
        name="actions-plan-panel-csv",
    ),
    path("plans/<uuid:plan_uuid>/issues/new/", views.issue_create, name="actions-issue-create"),
    path("issues/<uuid:issue_uuid>/edit/", views.issue_edit, name="actions-issue-edit"),
    path("issues/<uuid:issue_uuid>/actions/new/", views.action_create, name="actions-action-create"),
    path("<uuid:action_uuid>/", views.action_detail, name="actions-action-detail"),
    path("<uuid:action_uuid>/edit/", views.action_edit, name="actions-action-edit"),
    path("<uuid:action_uuid>/updates/", views.action_update_post, name="actions-action-update"),
    path("<uuid:action_uuid>/start/", views.action_start, name="actions-action-start"),
    path("<uuid:action_uuid>/sign-off/", views.action_sign_off, name="actions-action-sign-off"),
    path("<uuid:action_uuid>/refuse/", views.action_refuse, name="actions-action-refuse"),
    path("<uuid:action_uuid>/cancel/", views.action_cancel, name="actions-action-cancel"),
    path("<uuid:action_uuid>/history/", views.action_history, name="actions-action-history"),
    path("evidence/<uuid:evidence_uuid>/", views.evidence_download, name="actions-evidence-download"),
]
