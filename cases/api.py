"""The read-only case record API: serializers, filters and viewsets (routed in config/api_urls.py).

Every queryset starts from `cases.selectors`, so the API shows exactly what the pages show; `HasRole`
admits the case record roles, as `role_required` does for the pages. Records are named by their UUID.
"""

import django_filters
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.permissions import IsAuthenticated

from cases import selectors
from cases.models import Child, Referral, S47Enquiry, StrategyDiscussion
from common import roles
from common.api import AccessLoggedMixin, HasRole
from common.child_ids import normalise_child_id

ISO_DATE_ERROR = "Enter a date as YYYY-MM-DD, for example 2014-03-03."


# Serializers ------------------------------------------------------------------------------------------


class ChildSerializer(serializers.ModelSerializer):
    class Meta:
        model = Child
        fields = ["uuid", "child_id", "name", "date_of_birth", "gender", "ethnicity", "disability"]


class _ChildRecordSerializer(serializers.ModelSerializer):
    """Fields every record on a child's file carries: whose file, and which team."""

    child_uuid = serializers.UUIDField(source="child.uuid", read_only=True)
    child_id = serializers.CharField(source="child.child_id", read_only=True)
    team_code = serializers.CharField(source="team.code", read_only=True, allow_null=True)
    team_name = serializers.CharField(source="team.name", read_only=True, allow_null=True)

    common_fields = ["uuid", "child_uuid", "child_id", "team_code", "team_name"]


class ReferralSerializer(_ChildRecordSerializer):
    acknowledged = serializers.BooleanField(read_only=True)

    class Meta:
        model = Referral
        fields = [
            *_ChildRecordSerializer.common_fields,
            "referral_id",
            "received_date",
            "source",
            "acknowledgement_date",
            "acknowledgement_method",
            "acknowledged",
        ]


class StrategyDiscussionSerializer(_ChildRecordSerializer):
    core_agencies_attended = serializers.BooleanField(
        read_only=True,
        help_text="Police, health and children's social care all took part (Working Together).",
    )

    class Meta:
        model = StrategyDiscussion
        fields = [
            *_ChildRecordSerializer.common_fields,
            "discussion_id",
            "date",
            "social_care_attended",
            "police_attended",
            "health_attended",
            "education_attended",
            "other_attended",
            "core_agencies_attended",
        ]


class S47EnquirySerializer(_ChildRecordSerializer):
    worker_name = serializers.CharField(source="worker.name", read_only=True, allow_null=True)
    oversight_manager_name = serializers.CharField(
        source="oversight_manager.name", read_only=True, allow_null=True
    )
    strategy_discussion_uuid = serializers.UUIDField(
        source="strategy_discussion.uuid", read_only=True, allow_null=True
    )
    target_date = serializers.DateField(
        read_only=True, help_text="15 working days after the start date (bank holidays of England excluded)."
    )
    completed_within_target = serializers.BooleanField(
        read_only=True, allow_null=True, help_text="Ended on or before the target date; null while open."
    )
    icpc_within_target = serializers.BooleanField(
        read_only=True,
        allow_null=True,
        help_text="ICPC held within 15 working days of the start date; null when no ICPC date.",
    )
    consent_recorded = serializers.BooleanField(
        read_only=True,
        allow_null=True,
        help_text="A consent decision is recorded; null when the record's sources held no consent.",
    )
    consent_retrospective = serializers.BooleanField(
        read_only=True, help_text="Consent was sought only after information had been shared."
    )
    management_oversight_recorded = serializers.BooleanField(
        read_only=True,
        allow_null=True,
        help_text="Management oversight is recorded between the start and end of the enquiry; null when the "
        "record's sources held no management oversight.",
    )
    fields_not_held = serializers.ListField(
        source="unknown_field_names",
        child=serializers.CharField(),
        read_only=True,
        help_text="Fields no source of this record held (an Annex A List 5 enquiry holds no end date or "
        "consent): unknown, and left out of the measures that read them.",
    )

    class Meta:
        model = S47Enquiry
        fields = [
            *_ChildRecordSerializer.common_fields,
            "enquiry_id",
            "strategy_discussion_uuid",
            "start_date",
            "end_date",
            "target_date",
            "completed_within_target",
            "outcome",
            "icpc_not_required",
            "icpc_date",
            "icpc_within_target",
            "icpc_cp_plan",
            "consent",
            "consent_date",
            "consent_not_sought_reason",
            "consent_manager_decision",
            "consent_recorded",
            "information_shared_date",
            "consent_retrospective",
            "management_oversight_date",
            "oversight_manager_name",
            "management_oversight_recorded",
            "chronology_on_file",
            "abe_considered",
            "worker_name",
            "fields_not_held",
        ]


# Filters ------------------------------------------------------------------------------------------------


def _iso_date_filter(lookup: str, help_text: str) -> django_filters.DateFilter:
    return django_filters.DateFilter(
        field_name="start_date",
        lookup_expr=lookup,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": ISO_DATE_ERROR},
        help_text=help_text,
    )


class S47EnquiryFilter(django_filters.FilterSet):
    team = django_filters.CharFilter(field_name="team__code", help_text="Team code, for example N.")
    start_from = _iso_date_filter("gte", "Started on or after this date (YYYY-MM-DD).")
    start_to = _iso_date_filter("lte", "Started on or before this date (YYYY-MM-DD).")
    outcome = django_filters.ChoiceFilter(choices=S47Enquiry.Outcome.choices)

    class Meta:
        model = S47Enquiry
        fields: list[str] = []


class ChildFilter(django_filters.FilterSet):
    child_id = django_filters.CharFilter(
        method="filter_child_id",
        help_text="The council's child ID, compared in upper case without spaces (ex 0001 finds EX0001).",
    )

    class Meta:
        model = Child
        fields: list[str] = []

    def filter_child_id(self, queryset, name, value):
        return queryset.filter(child_id=normalise_child_id(value))


# Viewsets -----------------------------------------------------------------------------------------------


BAD_FILTER = OpenApiResponse(
    description="A filter value is invalid: the body names the filter and the problem."
)


class _CaseRecordViewSet(AccessLoggedMixin, viewsets.ReadOnlyModelViewSet):
    """Case records the user may see: case record roles only, and an auditor only their assigned cases."""

    allowed_roles = roles.CASE_RECORD_ROLES
    permission_classes = [IsAuthenticated, HasRole]
    lookup_field = "uuid"
    access_log_child = "child.child_id"

    def access_log_ref(self, instance) -> str:
        # Logged by the child's ID, as the pages log child records: "who has seen this child's file".
        return instance.child.child_id


@extend_schema_view(
    list=extend_schema(summary="Children", responses={200: ChildSerializer(many=True), 400: BAD_FILTER}),
    retrieve=extend_schema(summary="A child"),
)
class ChildViewSet(_CaseRecordViewSet):
    """Children whose records the user may see, by child ID."""

    serializer_class = ChildSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ChildFilter
    access_log_names = ("child", "children")
    access_log_child = "child_id"

    def get_queryset(self):
        return selectors.children_visible_to(self.request.user).order_by("child_id")

    def access_log_ref(self, instance) -> str:
        return instance.child_id


@extend_schema_view(list=extend_schema(summary="Referrals"), retrieve=extend_schema(summary="A referral"))
class ReferralViewSet(_CaseRecordViewSet):
    """Referrals, newest first."""

    serializer_class = ReferralSerializer
    access_log_names = ("referral", "referrals")

    def get_queryset(self):
        return (
            selectors.referrals_visible_to(self.request.user)
            .select_related("child", "team")
            .order_by("-received_date", "pk")
        )


@extend_schema_view(
    list=extend_schema(summary="Strategy discussions"),
    retrieve=extend_schema(summary="A strategy discussion"),
)
class StrategyDiscussionViewSet(_CaseRecordViewSet):
    """Strategy discussions, newest first, with the agencies that took part."""

    serializer_class = StrategyDiscussionSerializer
    access_log_names = ("strategy discussion", "strategy discussions")

    def get_queryset(self):
        return (
            selectors.strategy_discussions_visible_to(self.request.user)
            .select_related("child", "team")
            .order_by("-date", "pk")
        )


@extend_schema_view(
    list=extend_schema(
        summary="S47 enquiries", responses={200: S47EnquirySerializer(many=True), 400: BAD_FILTER}
    ),
    retrieve=extend_schema(summary="An S47 enquiry"),
)
class S47EnquiryViewSet(_CaseRecordViewSet):
    """Section 47 enquiries, newest first, each with its target date and whether each standard was met."""

    serializer_class = S47EnquirySerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = S47EnquiryFilter
    access_log_names = ("S47 enquiry", "S47 enquiries")

    def get_queryset(self):
        return (
            selectors.s47_enquiries_visible_to(self.request.user)
            .select_related("child", "team", "worker", "oversight_manager", "strategy_discussion")
            .order_by("-start_date", "pk")
        )
