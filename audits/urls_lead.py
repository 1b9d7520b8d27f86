"""The QA lead's pages: the audit list, programmes, tools, creating an audit, its sample and assignment."""

from django.urls import path

from audits.views import lead, programme, themes, tools

urlpatterns = [
    path("", lead.audit_list, name="audits-list"),
    path("new/", lead.audit_create, name="audits-create"),
    path("programmes/", programme.programme_list, name="audits-programme-list"),
    path("programmes/<uuid:programme_uuid>/", programme.programme_detail, name="audits-programme-detail"),
    path("themes/", themes.theme_list, name="audits-theme-list"),
    path("themes/<uuid:theme_uuid>/", themes.theme_edit, name="audits-theme-edit"),
    path("tools/", tools.tool_list, name="audits-tool-list"),
    path("tools/versions/<uuid:version_uuid>/", tools.tool_version, name="audits-tool-version"),
    path("tools/versions/<uuid:version_uuid>/edit/", tools.tool_edit, name="audits-tool-edit"),
    path("tools/versions/<uuid:version_uuid>/preview/", tools.tool_preview, name="audits-tool-preview"),
    path("tools/versions/<uuid:version_uuid>/scoring/", tools.tool_scoring, name="audits-tool-scoring"),
    path(
        "tools/versions/<uuid:version_uuid>/questions/add/",
        tools.tool_question_add,
        name="audits-tool-question-add",
    ),
    path(
        "tools/versions/<uuid:version_uuid>/questions/<int:question_id>/",
        tools.tool_question,
        name="audits-tool-question",
    ),
    path(
        "tools/versions/<uuid:version_uuid>/questions/<int:question_id>/remove/",
        tools.tool_question_remove,
        name="audits-tool-question-remove",
    ),
    path(
        "tools/versions/<uuid:version_uuid>/sections/add/",
        tools.tool_section_add,
        name="audits-tool-section-add",
    ),
    path(
        "tools/versions/<uuid:version_uuid>/sections/<int:section_id>/",
        tools.tool_section,
        name="audits-tool-section",
    ),
    path(
        "tools/versions/<uuid:version_uuid>/sections/<int:section_id>/remove/",
        tools.tool_section_remove,
        name="audits-tool-section-remove",
    ),
    path("<uuid:audit_uuid>/", lead.audit_detail, name="audits-detail"),
    path("<uuid:audit_uuid>/status/", programme.audit_status, name="audits-status"),
    path("<uuid:audit_uuid>/sample/", lead.sample, name="audits-sample"),
    path("<uuid:audit_uuid>/sample/confirm/", lead.sample_confirm, name="audits-sample-confirm"),
    path("<uuid:audit_uuid>/assign/", lead.assign, name="audits-assign"),
]
