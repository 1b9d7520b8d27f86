"""Action plans through the REST API: plans, issues, actions and progress updates.

Querysets come from `actions.access`, so the API shows what the pages show, and writes go through the
same services with the same guards: QA leads create actions; the owner (or the plan's lead, or a QA lead)
posts progress updates, with evidence files as multipart `files`.
"""

from typing import cast

import django_filters
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from actions import access, selectors, services
from actions.models import Action, ActionPlan, Evidence, PlanIssue, ProgressUpdate
from common.access_log import access_log_record
from common.api import AccessLoggedMixin, HasRole


def _raise(error: DjangoValidationError):
    raise ValidationError(error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages})


# Serializers ------------------------------------------------------------------------------------------


class ActionPlanSerializer(serializers.ModelSerializer):
    audit = serializers.UUIDField(source="audit.uuid", read_only=True, allow_null=True)
    lead = serializers.CharField(source="lead.username", read_only=True, allow_null=True)

    class Meta:
        model = ActionPlan
        fields = ["uuid", "title", "audit", "theme", "lead", "review_date", "status", "created_at"]


class PlanIssueSerializer(serializers.ModelSerializer):
    plan = serializers.UUIDField(source="plan.uuid", read_only=True)
    questions: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    figure = serializers.SerializerMethodField(help_text='The figure at the time, e.g. "41% (7 of 17)".')
    figure_percent = serializers.SerializerMethodField()

    class Meta:
        model = PlanIssue
        fields = [
            "uuid",
            "plan",
            "order",
            "description",
            "questions",
            "metric",
            "figure_label",
            "figure_numerator",
            "figure_denominator",
            "figure",
            "figure_percent",
            "figure_recorded_at",
        ]

    def get_figure(self, issue) -> str | None:
        return str(issue.figure) if issue.figure else None

    def get_figure_percent(self, issue) -> int | None:
        return issue.figure.percent if issue.figure else None


class ActionSerializer(serializers.ModelSerializer):
    issue = serializers.SlugRelatedField(
        slug_field="uuid", queryset=PlanIssue.objects.none(), help_text="The issue's UUID."
    )
    plan = serializers.UUIDField(source="issue.plan.uuid", read_only=True)
    owner = serializers.SlugRelatedField(slug_field="username", queryset=User.objects.filter(is_active=True))
    signed_off_by = serializers.CharField(source="signed_off_by.username", read_only=True, allow_null=True)
    rag = serializers.SerializerMethodField(help_text="Red, amber, green, complete or cancelled, today.")

    class Meta:
        model = Action
        fields = [
            "uuid",
            "plan",
            "issue",
            "description",
            "owner",
            "lead",
            "priority",
            "due_date",
            "status",
            "rag",
            "cancelled_reason",
            "signed_off_by",
            "signed_off_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "cancelled_reason", "signed_off_at", "created_at", "updated_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            cast(serializers.RelatedField, self.fields["issue"]).queryset = access.issues_visible_to(
                request.user
            )

    def get_rag(self, action) -> str:
        return action.rag_on(timezone.localdate())


class EvidenceSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = [
            "uuid",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "scan",
            "uploaded_at",
            "download",
        ]

    def get_download(self, evidence) -> str:
        return reverse("actions-evidence-download", args=[evidence.uuid])


class ProgressUpdateSerializer(serializers.ModelSerializer):
    action = serializers.SlugRelatedField(slug_field="uuid", queryset=Action.objects.none())
    author = serializers.CharField(source="author.username", read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)
    mark_complete = serializers.BooleanField(
        write_only=True, required=False, default=False, help_text="Ask a manager to sign the action off."
    )
    files = serializers.ListField(
        child=serializers.FileField(), write_only=True, required=False, help_text="Evidence files."
    )

    class Meta:
        model = ProgressUpdate
        fields = [
            "id",
            "action",
            "written_on",
            "note",
            "status_after",
            "author",
            "created_at",
            "evidence",
            "mark_complete",
            "files",
        ]
        read_only_fields = ["status_after", "created_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            cast(serializers.RelatedField, self.fields["action"]).queryset = access.actions_visible_to(
                request.user
            )


class PanelTableActionSerializer(serializers.Serializer):
    description = serializers.CharField()
    lead = serializers.CharField()
    due_date = serializers.DateField()
    status_label = serializers.CharField()
    rag = serializers.CharField()


class PanelTableRowSerializer(serializers.Serializer):
    issue_description = serializers.CharField()
    figure_text = serializers.CharField(help_text='e.g. "Consent decision recorded: 41% (7 of 17)".')
    actions = PanelTableActionSerializer(many=True)


# Filters ------------------------------------------------------------------------------------------------


class ActionFilter(django_filters.FilterSet):
    plan = django_filters.UUIDFilter(field_name="issue__plan__uuid", help_text="The plan's UUID.")
    issue = django_filters.UUIDFilter(field_name="issue__uuid")
    owner = django_filters.CharFilter(field_name="owner__username")
    status = django_filters.ChoiceFilter(choices=Action.Status.choices)

    class Meta:
        model = Action
        fields: list[str] = []


class IssueFilter(django_filters.FilterSet):
    plan = django_filters.UUIDFilter(field_name="plan__uuid", help_text="The plan's UUID.")

    class Meta:
        model = PlanIssue
        fields: list[str] = []


class UpdateFilter(django_filters.FilterSet):
    action = django_filters.UUIDFilter(field_name="action__uuid", help_text="The action's UUID.")

    class Meta:
        model = ProgressUpdate
        fields: list[str] = []


# Viewsets -----------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Action plans"), retrieve=extend_schema(summary="An action plan")
)
class ActionPlanViewSet(AccessLoggedMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ActionPlanSerializer
    permission_classes = [IsAuthenticated, HasRole]
    allowed_roles = access.ACTION_ROLES
    lookup_field = "uuid"
    access_log_names = ("action plan", "action plans")

    def get_queryset(self):
        return access.plans_visible_to(self.request.user).select_related("audit", "lead").order_by("pk")

    @extend_schema(
        summary="The panel report's issue/action table", responses={200: PanelTableRowSerializer(many=True)}
    )
    @action(detail=True, methods=["get"], url_path="panel-table")
    def panel_table(self, request, uuid=None):
        """Issue identified -> action taken by the service, with lead, due date, status and RAG today."""
        plan = self.get_object()
        rows = selectors.plan_table_rows(plan, today=timezone.localdate())
        access_log_record(request, action="view", object_type="action plan table", object_ref=plan.uuid)
        return Response(PanelTableRowSerializer(rows, many=True).data)


@extend_schema_view(
    list=extend_schema(summary="Issues identified"), retrieve=extend_schema(summary="An issue identified")
)
class PlanIssueViewSet(AccessLoggedMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = PlanIssueSerializer
    permission_classes = [IsAuthenticated, HasRole]
    allowed_roles = access.ACTION_ROLES
    lookup_field = "uuid"
    filter_backends = [DjangoFilterBackend]
    filterset_class = IssueFilter
    access_log_names = ("issue identified", "issues identified")

    def get_queryset(self):
        return (
            access.issues_visible_to(self.request.user)
            .select_related("plan")
            .prefetch_related("questions")
            .order_by("plan_id", "order", "pk")
        )


@extend_schema_view(
    list=extend_schema(summary="Actions"),
    retrieve=extend_schema(summary="An action"),
    create=extend_schema(summary="Add an action to an issue (QA leads)"),
)
class ActionViewSet(AccessLoggedMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ActionSerializer
    permission_classes = [IsAuthenticated, HasRole]
    allowed_roles = access.ACTION_ROLES
    lookup_field = "uuid"
    filter_backends = [DjangoFilterBackend]
    filterset_class = ActionFilter
    access_log_names = ("action", "actions")

    def get_queryset(self):
        return (
            access.actions_visible_to(self.request.user)
            .select_related("issue__plan", "owner", "signed_off_by")
            .order_by("due_date", "pk")
        )

    def create(self, request, *args, **kwargs):
        if not access.may_manage(request.user):
            raise PermissionDenied("Only a QA lead (a manager or an administrator) can add actions.")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            action = services.action_create(
                issue=data["issue"],
                user=request.user,
                description=data["description"],
                owner=data["owner"],
                lead=data["lead"],
                due_date=data["due_date"],
                priority=data.get("priority", Action.Priority.MEDIUM),
            )
        except DjangoValidationError as error:
            _raise(error)
        return Response(self.get_serializer(action).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Progress updates"),
    retrieve=extend_schema(summary="A progress update"),
    create=extend_schema(summary="Post a progress update, with evidence files (multipart)"),
)
class ProgressUpdateViewSet(AccessLoggedMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ProgressUpdateSerializer
    permission_classes = [IsAuthenticated, HasRole]
    allowed_roles = access.ACTION_ROLES
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filter_backends = [DjangoFilterBackend]
    filterset_class = UpdateFilter
    access_log_names = ("progress update", "progress updates")

    def access_log_ref(self, instance) -> str:
        return str(instance.action.uuid)

    def get_queryset(self):
        return (
            ProgressUpdate.objects.filter(action__in=access.actions_visible_to(self.request.user))
            .select_related("action", "author")
            .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at", "pk")))
            .order_by("-written_on", "-pk")
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        action = data["action"]
        if not access.may_post_update(request.user, action):
            raise PermissionDenied(
                "Only the action's owner, the plan's lead or a QA lead can post an update."
            )
        try:
            update = services.progress_update_post(
                action=action,
                user=request.user,
                note=data["note"],
                written_on=data["written_on"],
                files=data.get("files") or [],
                mark_complete=data.get("mark_complete", False),
            )
        except DjangoValidationError as error:
            _raise(error)
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from None
        return Response(self.get_serializer(update).data, status=status.HTTP_201_CREATED)
