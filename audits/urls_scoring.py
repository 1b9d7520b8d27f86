"""Scoring and moderation, grouped per case audit (and the audit's lock)."""

from django.urls import path

from audits.views import double, moderation, scoring

urlpatterns = [
    path("mine/", scoring.my_audits, name="audits-mine"),
    path("case/<uuid:case_audit_uuid>/", scoring.score, name="audits-score"),
    path("case/<uuid:case_audit_uuid>/answer/<int:question_id>/", scoring.answer, name="audits-answer"),
    path("case/<uuid:case_audit_uuid>/grade/", scoring.grade, name="audits-grade"),
    path("case/<uuid:case_audit_uuid>/submit/", scoring.submit, name="audits-submit"),
    path("moderation/", moderation.moderation_list, name="audits-moderation"),
    path("case/<uuid:case_audit_uuid>/moderate/", moderation.moderate, name="audits-moderate"),
    path(
        "case/<uuid:case_audit_uuid>/moderate/answer/<int:question_id>/",
        moderation.moderate_answer,
        name="audits-moderate-answer",
    ),
    path(
        "case/<uuid:case_audit_uuid>/moderate/theme/<int:tag_id>/",
        moderation.moderate_theme,
        name="audits-moderate-theme",
    ),
    path(
        "case/<uuid:case_audit_uuid>/moderate/grade/", moderation.moderate_grade, name="audits-moderate-grade"
    ),
    path("case/<uuid:case_audit_uuid>/moderate/return/", moderation.return_to_auditor, name="audits-return"),
    path("case/<uuid:case_audit_uuid>/moderate/done/", moderation.mark_moderated, name="audits-moderated"),
    path("<uuid:audit_uuid>/lock/", moderation.lock, name="audits-lock"),
    path("<uuid:audit_uuid>/pairs/", double.pairs, name="audits-pairs"),
    path("case/<uuid:case_audit_uuid>/reconcile/", double.reconcile, name="audits-reconcile"),
    path("agreement/drift/", double.drift, name="audits-drift"),
]
