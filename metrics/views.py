"""The dashboard (snapshots only), the drill-downs to the records behind each figure, recalculation and
targets."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common import exports, roles
from common.access_log import access_log_record
from common.decorators import role_required
from common.http import AuthenticatedHttpRequest
from common.models import AccessLogEntry
from common.pagination import AFTER, BEFORE, count_up_to, keyset_page, page_of, query_without
from metrics import benchmark, drilldown, measures, presenters, regional, selectors, services, tasks
from metrics.access import BENCHMARK_EXCHANGE_ROLES, DASHBOARD_ROLES, DRILLDOWN_ROLES, TARGET_ROLES
from metrics.forms import (
    AnswerFilterForm,
    BenchmarkExportForm,
    BenchmarkImportForm,
    DashboardForm,
    DrilldownForm,
    RegionForm,
    TargetForm,
)
from metrics.models import BenchmarkPack, MetricRun, MetricTarget
from metrics.periods import month_end

EXPORT_FORMATS = ("csv", "xlsx")
# A filtered drill-down counts its records up to this many ("More than 1,000 records"): counting every record
# not met over a year of ten million enquiries reads each of them, where the page itself reads fifty.
LISTED_COUNT_LIMIT = 1000
FILTER_PARAMS = ("start", "end", "team", "leaving_months")


def _dashboard_data(request: AuthenticatedHttpRequest) -> tuple[DashboardForm, selectors.Dashboard]:
    form = DashboardForm(request.GET or None, today=timezone.localdate())
    period = form.period()
    data = selectors.dashboard(
        first=period.start,
        last=period.end,
        team=period.team,
        leaving_months=form.leaving(),
        targets=selectors.targets_by_metric(),
        today=form.today,
    )
    return form, data


def _filter_query(request: AuthenticatedHttpRequest, params: tuple[str, ...] = FILTER_PARAMS) -> str:
    """The period and team the user chose, carried between the overview, a measure and its drill-down
    (a drill-down, opened on one month, carries back only its team)."""
    query = request.GET.copy()
    for name in list(query):
        if name not in params:
            query.pop(name)
    return query.urlencode()


@role_required(*DASHBOARD_ROLES)
@require_GET
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The overview: one tile per measure, fitting one laptop screen; each links to the measure's page."""
    form, data = _dashboard_data(request)
    panels = presenters.panel_views(data, may_drill_down=roles.has_role(request.user, *DRILLDOWN_ROLES))
    return render(
        request,
        "metrics/dashboard.html",
        {
            "form": form,
            "data": data,
            "panels": panels,
            "latest_counts": data.counts[-1] if data.counts else None,
            "counts_chart": presenters.counts_chart(data),
            "run": selectors.run_in_progress(),
            "may_set_targets": roles.has_role(request.user, *TARGET_ROLES),
            "query": _filter_query(request),
        },
    )


@role_required(*DASHBOARD_ROLES)
@require_GET
def measure(request: AuthenticatedHttpRequest, metric_key: str) -> HttpResponse:
    """One measure: its trend chart, its monthly table and the links to the records behind each figure."""
    metric = _metric(metric_key)
    form, data = _dashboard_data(request)
    panel = next(panel for panel in data.panels if panel.metric.key == metric.key)
    links = presenters.Links(metric, data.team, roles.has_role(request.user, *DRILLDOWN_ROLES))
    return render(
        request,
        "metrics/measure.html",
        {
            "form": form,
            "data": data,
            "view": presenters.panel_view(panel, data, links),
            "query": _filter_query(request),
        },
    )


@role_required(*DRILLDOWN_ROLES)
@require_GET
def drilldown_view(request: AuthenticatedHttpRequest, metric_key: str) -> HttpResponseBase:
    metric = _metric(metric_key)
    form = DrilldownForm(request.GET or None, today=timezone.localdate())
    period = form.period()
    related = form.related() and metric.related is not None
    met, child_id, valid = form.met_value(), form.child(), not form.is_bound or form.is_valid()
    records = selectors.drilldown_records(
        request.user,
        metric,
        first=period.start,
        last=period.end,
        team=period.team,
        related=related,
        met=met,
        child_id=child_id,
        today=form.today,
    )
    if not valid:
        records = records.none()
    overdue = related and metric.related is not None and metric.related.at_period_end
    columns = drilldown.columns(metric, overdue=overdue)
    met_header = None if overdue else metric.short_name
    export = _export(
        request, metric.key, columns, met_header, records, "metric drill-down", "child__child_id"
    )
    if export:
        return export
    parts, keys = selectors.drilldown_pages(records, met=met)
    page = keyset_page(request, parts, keys)
    covered, every = (
        (0, 0)
        if overdue
        else selectors.drilldown_coverage(
            request.user, metric, first=period.start, last=period.end, team=period.team, today=form.today
        )
    )
    count, more = _listed_count(
        records, covered if valid and not (overdue or related or met is not None or child_id) else None
    )
    access_log_record(
        request, action=AccessLogEntry.Action.LIST, object_type="metric drill-down", object_ref=metric.key,
        detail=request.GET.urlencode(), child_ids=[record.child.child_id for record in page],
    )  # fmt: skip
    return render(
        request,
        "metrics/drilldown.html",
        {
            "metric": metric,
            "form": form,
            "period": period,
            "related": related,
            "overdue": overdue,
            "as_at": min(month_end(period.end), form.today),
            "as_at_today": month_end(period.end) >= form.today,
            "coverage": metric.coverage(covered, every - covered),
            "left_out": every - covered,
            "headers": drilldown.headers(columns, None),
            "rows": [(record, [exports.display(v) for v in row]) for record, row in _rows(page, columns)],
            "page": page,
            "count": count,
            "more": more,
            "count_text": f"{count:,}",
            "query": query_without(request, "format", AFTER, BEFORE),
            "filter_query": _filter_query(request, ("team",)),
        },
    )


@role_required(*DRILLDOWN_ROLES)
@require_GET
def audit_drilldown(request: AuthenticatedHttpRequest, metric_key: str) -> HttpResponseBase:
    metric = _metric(metric_key)
    if not metric.audit_question:
        raise Http404("No audit question measures this metric.")
    form = AnswerFilterForm(request.GET or None, today=timezone.localdate())
    period = form.period()
    answers = selectors.drilldown_answers(
        request.user, metric, first=period.start, last=period.end, team=period.team, child_id=form.child()
    )
    if form.is_bound and not form.is_valid():
        answers = answers.none()
    columns = drilldown.ANSWER_COLUMNS
    export = _export(
        request,
        f"{metric.key}-audit",
        columns,
        None,
        answers,
        "audit drill-down",
        "case_audit__child__child_id",
    )
    if export:
        return export
    page = page_of(request, answers)
    access_log_record(
        request, action=AccessLogEntry.Action.LIST, object_type="audit drill-down", object_ref=metric.key,
        detail=request.GET.urlencode(), child_ids=[answer.case_audit.child.child_id for answer in page],
    )  # fmt: skip
    return render(
        request,
        "metrics/audit_drilldown.html",
        {
            "metric": metric,
            "form": form,
            "period": period,
            "figure": selectors.answers_figure(answers),
            "headers": drilldown.headers(columns, None),
            "rows": [(answer, [exports.display(v) for v in row]) for answer, row in _rows(page, columns)],
            "page": page,
            "query": query_without(request, "page", "format"),
            "filter_query": _filter_query(request, ("team",)),
        },
    )


@role_required(*DASHBOARD_ROLES)
@require_POST
def recalculate(request: AuthenticatedHttpRequest) -> HttpResponse:
    run = tasks.metrics_run_request(trigger=MetricRun.Trigger.MANUAL, user=request.user)
    return redirect("metrics-run", run_uuid=run.uuid)


@role_required(*DASHBOARD_ROLES)
@require_GET
def run_detail(request: AuthenticatedHttpRequest, run_uuid: uuid.UUID) -> HttpResponse:
    run = get_object_or_404(MetricRun.objects.select_related("requested_by"), uuid=run_uuid)
    response = render(request, "metrics/run.html", {"run": run, "refresh_seconds": 2})
    if not run.finished:
        response["Refresh"] = "2"  # the page reloads itself while the run goes on (no script needed)
    return response


@role_required(*TARGET_ROLES)
@require_GET
def target_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    targets = selectors.targets_by_metric()
    rows = [(metric, targets.get(metric.key)) for metric in measures.METRICS]
    return render(request, "metrics/target_list.html", {"rows": rows})


@role_required(*TARGET_ROLES)
@require_http_methods(["GET", "POST"])
def target_edit(request: AuthenticatedHttpRequest, metric_key: str) -> HttpResponse:
    metric = _metric(metric_key)
    current = MetricTarget.objects.filter(metric=metric.key).first()
    initial = (
        {"target_percent": current.target_percent, "amber_percent": current.amber_percent} if current else {}
    )
    form = TargetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.metric_target_save(metric=metric.key, user=request.user, **form.cleaned_data)
        messages.success(request, f"Target for {metric.name} saved.")
        return redirect("metrics-targets")
    return render(request, "metrics/target_edit.html", {"metric": metric, "form": form, "current": current})


# Benchmark packs ---------------------------------------------------------------------------------------


@role_required(*DASHBOARD_ROLES)
@require_GET
def region(request: AuthenticatedHttpRequest) -> HttpResponse:
    """This council beside the packs of the statistical neighbours the user chose, per month."""
    packs = list(BenchmarkPack.objects.select_related("imported_by"))
    held = regional.latest_packs(packs)
    form = RegionForm(
        request.GET or None, councils=[(code, found[0].council_name) for code, found in held.items()]
    )
    measure, codes = form.choice()
    chosen = [pack for pack in packs if pack.council_code in codes]
    month_list = regional.months_of(chosen)
    comparison = regional.compare(
        measure=measure, own_name=settings.COUNCIL_NAME, packs=chosen, month_list=month_list
    )
    return render(
        request,
        "metrics/region.html",
        {
            "form": form,
            "comparison": comparison,
            "audit_rows": regional.compare_audits(packs=chosen, month_list=month_list),
            "packs": packs,
            "may_exchange": roles.has_role(request.user, *BENCHMARK_EXCHANGE_ROLES),
        },
    )


@role_required(*BENCHMARK_EXCHANGE_ROLES)
@require_http_methods(["GET", "POST"])
def benchmark_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = BenchmarkExportForm(request.POST or None, today=timezone.localdate())
    if request.method == "POST" and form.is_valid():
        try:
            name, data = benchmark.pack_export(
                first=form.cleaned_data["first"], last=form.cleaned_data["last"]
            )
        except benchmark.BenchmarkPackError as error:
            form.add_error(None, str(error))
        else:
            access_log_record(
                request, action=AccessLogEntry.Action.EXPORT, object_type="benchmark pack", object_ref=name
            )
            response = HttpResponse(data, content_type="application/json")
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
    return render(
        request,
        "metrics/benchmark_export.html",
        {"form": form, "signing_key_set": bool(settings.BENCHMARK_SIGNING_KEY_PATH)},
    )


@role_required(*BENCHMARK_EXCHANGE_ROLES)
@require_http_methods(["GET", "POST"])
def benchmark_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = BenchmarkImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            pack = benchmark.benchmark_pack_import(data=form.cleaned_data["pack"], user=request.user)
        except benchmark.BenchmarkPackError as error:
            form.add_error("pack", f"The pack was not imported. {error}")
        else:
            access_log_record(
                request, action=AccessLogEntry.Action.IMPORT, object_type="benchmark pack",
                object_ref=pack.council_code, detail=f"{pack.first_month:%Y-%m} to {pack.last_month:%Y-%m}",
            )  # fmt: skip
            messages.success(
                request,
                f"Imported the benchmark pack of {pack.council_name} for {pack.first_month:%B %Y} to "
                f"{pack.last_month:%B %Y}.",
            )
            return redirect("metrics-region")
    return render(request, "metrics/benchmark_import.html", {"form": form})


# Helpers ---------------------------------------------------------------------------------------------------


def _metric(key: str) -> measures.Metric:
    try:
        return measures.get(key)
    except KeyError:
        raise Http404("No such metric.") from None


def _listed_count(records, unfiltered: int | None) -> tuple[int, bool]:
    """How many records a drill-down lists, and whether there are more than that. Unfiltered, the list
    is the figure's denominator the user may see, which the coverage has counted already (`unfiltered`);
    filtered (met or not, the count beside the figure, a child), up to LISTED_COUNT_LIMIT."""
    if unfiltered is not None:
        return unfiltered, False
    return count_up_to(records, LISTED_COUNT_LIMIT)


def _rows(page, columns):
    return [(record, [column.value(record) for column in columns]) for record in page.object_list]


def _export(request, name, columns, met_header, queryset, object_type, child_path) -> HttpResponseBase | None:
    kind = request.GET.get("format")
    if kind not in EXPORT_FORMATS:
        return None
    # Every child in the export is named in the log (one short row each), so the export is found by
    # searching the log for any child in it.
    child_ids = queryset.order_by().values_list(child_path, flat=True).distinct().iterator(chunk_size=2000)
    access_log_record(
        request, action=AccessLogEntry.Action.EXPORT, object_type=object_type, object_ref=name,
        detail=f"{kind}: {query_without(request, 'format')}", child_ids=child_ids,
    )  # fmt: skip
    body = drilldown.rows(queryset.iterator(chunk_size=2000), columns, met_header)
    header = drilldown.headers(columns, met_header)
    write = exports.csv_response if kind == "csv" else exports.xlsx_response
    return write(f"{name}-{timezone.localdate():%Y-%m-%d}", header, body)
