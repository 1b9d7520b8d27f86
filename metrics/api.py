"""The metrics through the REST API: their definitions and the stored snapshots (routed in
config/api_urls.py). The same roles as the dashboard; snapshots are counts, never case records."""

import django_filters
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from cases.standards import MetricKey
from common.api import HasRole
from metrics import measures
from metrics.access import DASHBOARD_ROLES
from metrics.models import MetricSnapshot

MONTH_HELP = "A month as YYYY-MM-DD, its first day (for example 2014-03-01)."


class MetricDefinitionSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    definition = serializers.CharField()
    kind = serializers.CharField(help_text="percentage (numerator of denominator) or count")
    records = serializers.CharField(allow_blank=True, help_text="What the denominator counts.")
    period = serializers.CharField(allow_blank=True, help_text="How a record falls in a month.")
    related = serializers.CharField(allow_blank=True, help_text="The count reported beside the figure.")
    audit_question = serializers.BooleanField(help_text="Audit questions measure this too.")
    needs_fields = serializers.ListField(
        child=serializers.CharField(),
        help_text="The fields of a record the metric reads: a record whose sources did not hold them all "
        "is left out of it (unknown, not 'not met'). Empty for counts.",
    )
    covers = serializers.CharField(allow_blank=True, help_text="What every figure of the metric covers.")


def _definitions() -> list[dict]:
    rows = [
        {
            "key": m.key,
            "name": m.name,
            "definition": m.definition,
            "kind": "percentage",
            "records": m.records,
            "period": f"{m.period_label} in the month",
            "related": m.related.label if m.related else "",
            "audit_question": m.audit_question,
            "needs_fields": list(m.need.fields),
            "covers": m.covers,
        }
        for m in measures.METRICS
    ]
    rows += [
        {
            "key": c.key,
            "name": c.name,
            "definition": c.definition,
            "kind": "count",
            "records": "",
            "period": "",
            "related": "",
            "audit_question": False,
            "needs_fields": [],
            "covers": "",
        }
        for c in measures.COUNT_MEASURES
    ]
    return rows


@extend_schema_view(
    list=extend_schema(summary="Metric definitions"),
    retrieve=extend_schema(
        summary="A metric definition",
        parameters=[
            OpenApiParameter(
                "key", str, OpenApiParameter.PATH, enum=MetricKey.values, description="Metric key"
            )
        ],
    ),
)
class MetricDefinitionViewSet(viewsets.ViewSet):
    """Each metric's name, plain-English definition and what it counts (from reporting/measures.py)."""

    allowed_roles = DASHBOARD_ROLES
    permission_classes = [IsAuthenticated, HasRole]
    lookup_field = "key"
    serializer_class = MetricDefinitionSerializer

    def list(self, request):
        return Response(MetricDefinitionSerializer(_definitions(), many=True).data)

    def retrieve(self, request, key=None):
        for row in _definitions():
            if row["key"] == key:
                return Response(MetricDefinitionSerializer(row).data)
        raise NotFound("No such metric.")


class MetricSnapshotSerializer(serializers.ModelSerializer):
    team_code = serializers.CharField(
        source="team.code", read_only=True, allow_null=True, help_text="Empty: all teams."
    )
    percent = serializers.SerializerMethodField(help_text="Rounded half away from zero; null for counts.")
    records_in_period = serializers.SerializerMethodField(
        help_text="The records of the month before those whose sources did not hold the metric's fields "
        "were left out: denominator + unknown_count."
    )
    coverage = serializers.SerializerMethodField(
        help_text="What the figure covers where records were left out, e.g. 'from 120 of 180 S47 enquiries "
        "started whose record holds the consent decision'; empty when none were."
    )

    class Meta:
        model = MetricSnapshot
        fields = [
            "metric",
            "source",
            "period",
            "team_code",
            "numerator",
            "denominator",
            "percent",
            "related_count",
            "unknown_count",
            "records_in_period",
            "coverage",
            "computed_at",
        ]

    def get_percent(self, snapshot) -> int | None:
        return snapshot.figure.percent

    def get_records_in_period(self, snapshot) -> int:
        return snapshot.denominator + snapshot.unknown_count

    def get_coverage(self, snapshot) -> str:
        if snapshot.metric not in measures.BY_KEY:
            return ""
        return measures.get(snapshot.metric).coverage(snapshot.denominator, snapshot.unknown_count)


class MetricSnapshotFilter(django_filters.FilterSet):
    metric = django_filters.ChoiceFilter(choices=MetricKey.choices)
    source = django_filters.ChoiceFilter(choices=MetricSnapshot.Source.choices)
    team = django_filters.CharFilter(
        method="filter_team", help_text="A team code; 'all' (the default) for all teams together."
    )
    period_from = django_filters.DateFilter(field_name="period", lookup_expr="gte", help_text=MONTH_HELP)
    period_to = django_filters.DateFilter(field_name="period", lookup_expr="lte", help_text=MONTH_HELP)

    class Meta:
        model = MetricSnapshot
        fields: list[str] = []

    def filter_team(self, queryset, name, value):
        if value in ("", "all"):
            return queryset.filter(team__isnull=True)
        return queryset.filter(team__code=value)

    @property
    def qs(self):
        queryset = super().qs
        if not self.form.cleaned_data.get("team"):
            queryset = queryset.filter(team__isnull=True)
        return queryset


@extend_schema_view(
    list=extend_schema(summary="Metric snapshots"), retrieve=extend_schema(summary="A snapshot")
)
class MetricSnapshotViewSet(viewsets.ReadOnlyModelViewSet):
    """Stored figures by metric, source (case records or auditors' findings), month and team."""

    allowed_roles = DASHBOARD_ROLES
    permission_classes = [IsAuthenticated, HasRole]
    serializer_class = MetricSnapshotSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = MetricSnapshotFilter

    def get_queryset(self):
        return MetricSnapshot.objects.select_related("team").order_by("metric", "source", "period", "pk")
