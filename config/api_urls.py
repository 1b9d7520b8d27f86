from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from actions import api as actions_api
from audits import api as audits_api
from cases import api as cases_api
from metrics import api as metrics_api

router = DefaultRouter()
router.register("children", cases_api.ChildViewSet, basename="api-child")
router.register("referrals", cases_api.ReferralViewSet, basename="api-referral")
router.register(
    "strategy-discussions", cases_api.StrategyDiscussionViewSet, basename="api-strategy-discussion"
)
router.register("s47-enquiries", cases_api.S47EnquiryViewSet, basename="api-s47-enquiry")
router.register("audits", audits_api.AuditViewSet, basename="api-audit")
router.register("case-audits", audits_api.CaseAuditViewSet, basename="api-case-audit")
router.register("metrics", metrics_api.MetricDefinitionViewSet, basename="api-metric")
router.register("metric-snapshots", metrics_api.MetricSnapshotViewSet, basename="api-metric-snapshot")
router.register("action-plans", actions_api.ActionPlanViewSet, basename="api-action-plan")
router.register("plan-issues", actions_api.PlanIssueViewSet, basename="api-plan-issue")
router.register("actions", actions_api.ActionViewSet, basename="api-action")
router.register("progress-updates", actions_api.ProgressUpdateViewSet, basename="api-progress-update")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("", include(router.urls)),
]
