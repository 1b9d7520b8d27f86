"""The read-only audit API: audits, case audits with their answers, and an audit's results.

Querysets come from `audits.access`, so the API shows exactly what the pages show: auditors see only
their own case audits, partner agency auditors only their agency's, report officers audits and results
but no answers, panel members nothing. Audits and case audits are named by their UUID.
"""

import django_filters
from django.db.models import Prefetch
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from audits import access
from audits.models import Agency, Answer, Audit, CaseAudit
from audits.results import audit_results
from common.access_log import access_log_record
from common.api import AccessLoggedMixin, HasRole
from common.models import AccessLogEntry

# Roles that see case audits and their answers (an auditor only their own).
CASE_AUDIT_ROLES = (*access.ALL_CASE_AUDITS_ROLES, *access.SCORING_ROLES)


# Serializers ------------------------------------------------------------------------------------------


class AuditSerializer(serializers.ModelSerializer):
    tool = serializers.CharField(source="tool_version.tool.name", read_only=True)
    tool_version = serializers.IntegerField(source="tool_version.number", read_only=True)
    multi_agency = serializers.BooleanField(read_only=True)
    reaudit_of = serializers.UUIDField(source="reaudit_of.uuid", read_only=True, allow_null=True)
    agencies = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text=f"The agencies auditing each case, of: {', '.join(Agency.values)}.",
    )

    class Meta:
        model = Audit
        fields = [
            "uuid",
            "title",
            "theme",
            "planned_month",
            "status",
            "tool",
            "tool_version",
            "agencies",
            "multi_agency",
            "due_date",
            "reaudit_of",
            "sample_confirmed_at",
            "locked_at",
        ]


class AnswerSerializer(serializers.ModelSerializer):
    question = serializers.CharField(source="question.code", read_only=True, help_text="The question's code.")
    question_text = serializers.CharField(source="question.text", read_only=True)

    class Meta:
        model = Answer
        fields = ["question", "question_text", "value", "text", "evidence", "revision", "updated_at"]


class CaseAuditSerializer(serializers.ModelSerializer):
    audit = serializers.UUIDField(source="audit.uuid", read_only=True)
    child_id = serializers.CharField(source="child.child_id", read_only=True)
    team_code = serializers.CharField(source="team.code", read_only=True, allow_null=True)
    auditor = serializers.CharField(source="auditor.username", read_only=True, allow_null=True)
    answers = AnswerSerializer(many=True, read_only=True)

    class Meta:
        model = CaseAudit
        fields = [
            "uuid",
            "audit",
            "child_id",
            "record_date",
            "team_code",
            "agency",
            "in_subsample",
            "auditor",
            "due_date",
            "status",
            "grade",
            "grade_note",
            "escalated",
            "submitted_at",
            "revision",
            "answers",
        ]


class QuestionResultSerializer(serializers.Serializer):
    code = serializers.CharField(source="question.code")
    text = serializers.CharField(source="question.text")
    section = serializers.CharField(source="question.section.title")
    yes = serializers.IntegerField()
    partly = serializers.IntegerField()
    no = serializers.IntegerField()
    not_applicable = serializers.IntegerField()
    does_not_apply = serializers.IntegerField(help_text="Cases the question was not asked of.")
    numerator = serializers.FloatField(help_text="Yes, plus a half for each Partly where the tool counts it.")
    denominator = serializers.IntegerField(help_text="Yes + Partly + No.")
    percent = serializers.IntegerField(
        source="figure.percent", allow_null=True, help_text="Rounded half away from zero."
    )
    interval = serializers.SerializerMethodField(
        help_text="The Wilson 95% interval in whole percent [low, high], only under 30 cases."
    )

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField(), allow_null=True))
    def get_interval(self, obj) -> list[int] | None:
        interval = obj.figure.interval
        return list(interval) if interval else None


class GradeResultSerializer(serializers.Serializer):
    grade = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named label, not Field.label
    count = serializers.IntegerField()
    percent = serializers.IntegerField(source="figure.percent", allow_null=True)


class AuditResultsSerializer(serializers.Serializer):
    audit = serializers.UUIDField(source="audit.uuid")
    agency = serializers.CharField(allow_null=True)
    case_count = serializers.IntegerField(help_text="Case audits submitted or moderated.")
    graded_count = serializers.IntegerField()
    questions = QuestionResultSerializer(many=True)
    grades = GradeResultSerializer(many=True)


# Filters ------------------------------------------------------------------------------------------------


class CaseAuditFilter(django_filters.FilterSet):
    audit = django_filters.UUIDFilter(field_name="audit__uuid", help_text="The audit's UUID.")
    status = django_filters.ChoiceFilter(choices=CaseAudit.Status.choices)
    agency = django_filters.ChoiceFilter(choices=Agency.choices)

    class Meta:
        model = CaseAudit
        fields: list[str] = []


# Viewsets -----------------------------------------------------------------------------------------------

AGENCY_PARAMETER = OpenApiParameter(
    "agency", OpenApiTypes.STR, enum=Agency.values, description="Only this agency's case audits."
)


@extend_schema_view(
    list=extend_schema(summary="Audits"),
    retrieve=extend_schema(summary="An audit"),
)
class AuditViewSet(AccessLoggedMixin, viewsets.ReadOnlyModelViewSet):
    """Audits the user may see: every audit for leads, moderators and report officers; an auditor's own."""

    serializer_class = AuditSerializer
    permission_classes = [IsAuthenticated, HasRole]
    allowed_roles = access.AUDIT_ROLES
    lookup_field = "uuid"
    access_log_names = ("audit", "audits")

    def get_queryset(self):
        return (
            access.audits_visible_to(self.request.user)
            .select_related("tool_version__tool", "reaudit_of")
            .order_by("-planned_month", "title", "pk")
        )

    @extend_schema(
        summary="An audit's results",
        parameters=[AGENCY_PARAMETER],
        responses={200: AuditResultsSerializer, 400: OpenApiResponse(description="Unknown agency.")},
    )
    @action(detail=True, methods=["get"], allowed_roles=access.RESULTS_ROLES)
    def results(self, request, uuid=None):
        """Each rating question's counts, numerator, denominator, percent and small-sample interval."""
        audit = self.get_object()
        agency = request.query_params.get("agency") or None
        if agency is not None and agency not in Agency.values:
            raise ValidationError({"agency": f"Choose one of: {', '.join(Agency.values)}."})
        data = audit_results(audit, agency=agency, viewer=request.user)
        access_log_record(
            request, action=AccessLogEntry.Action.VIEW, object_type="audit results", object_ref=audit.uuid
        )
        return Response(AuditResultsSerializer(data).data)


@extend_schema_view(
    list=extend_schema(summary="Case audits"),
    retrieve=extend_schema(summary="A case audit"),
)
class CaseAuditViewSet(AccessLoggedMixin, viewsets.ReadOnlyModelViewSet):
    """Case audits with their answers: every one for leads and moderators, an auditor's own otherwise."""

    serializer_class = CaseAuditSerializer
    permission_classes = [IsAuthenticated, HasRole]
    allowed_roles = CASE_AUDIT_ROLES
    lookup_field = "uuid"
    filter_backends = [DjangoFilterBackend]
    filterset_class = CaseAuditFilter
    access_log_names = ("case audit", "case audits")
    access_log_child = "child.child_id"

    def get_queryset(self):
        answers = Answer.objects.select_related("question").order_by(
            "question__section__order", "question__order"
        )
        return (
            access.case_audits_visible_to(self.request.user)
            .select_related("audit", "child", "team", "auditor")
            .prefetch_related(Prefetch("answers", queryset=answers))
            .order_by("audit__planned_month", "record_date", "child__child_id", "agency", "pk")
        )
