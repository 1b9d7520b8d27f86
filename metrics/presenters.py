"""The dashboard's figures as display text and links, built once in Python.

A year of seven measures is some three hundred figures, each a link with a hidden label and, for small
samples, an interval: rendering them through template includes took most of the page's time, so each
is formatted here (text from records escaped, links built escaped) and the template only places them.
"""

import dataclasses
import datetime
from functools import cached_property, lru_cache

from django.urls import reverse
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe

from cases.models import Team
from common.figures import Figure, number
from metrics import charts, selectors
from metrics.measures import Metric
from metrics.periods import month_param

NO_CASES = "No cases"
NOT_KNOWN = "Not known"
NO_ANSWERS = "No audit answers"
ANSWERS = "auditors&#x27; answers"


def change_text(change: int | None) -> str:
    if change is None:
        return "No change to show"
    if change == 0:
        return "No change"
    points = "point" if abs(change) == 1 else "points"
    return f"{'Up' if change > 0 else 'Down'} {abs(change)} {points}"


def _interval(figure: Figure) -> str:
    if not figure.interval:
        return ""
    return f'<span class="govuk-!-font-size-16 govuk-!-display-block">{figure.interval_text}</span>'


def _coverage(coverage: str) -> str:
    if not coverage:
        return ""
    return f'<span class="govuk-!-font-size-16 govuk-!-display-block app-coverage">{escape(coverage)}</span>'


def figure_cell(
    figure: Figure | None, href: str | None, hidden: str, empty: str = NO_CASES, coverage: str = ""
) -> SafeString | str:
    """`72% (13 of 18)`, linked to the records behind it when there is an address, with its interval and,
    where records were left out because their sources did not hold the fields, what it covers.

    `href` and `hidden` are HTML already (Links escapes; `hidden` is escaped once per measure); the figure
    itself is digits and words; the coverage is escaped here.
    """
    if figure is None or not figure.denominator:
        # Records there were, but none whose sources held the fields: the figure is not known, not zero.
        return mark_safe(NOT_KNOWN + _coverage(coverage)) if coverage else empty  # noqa: S308  # nosec B308
    text = str(figure)
    if href:
        text = f'<a class="govuk-link" href="{href}">{text}<span class="govuk-visually-hidden">: {hidden}</span></a>'
    return mark_safe(text + _interval(figure) + _coverage(coverage))  # noqa: S308 (see the docstring)  # nosec B308


def count_cell(count: int, href: str | None, hidden: str) -> SafeString | str:
    if href and count:
        return mark_safe(  # noqa: S308 (as figure_cell)  # nosec B308
            f'<a class="govuk-link" href="{href}">{count}<span class="govuk-visually-hidden"> {hidden}</span></a>'
        )
    return str(count)


@lru_cache(maxsize=512)
def _months_query(first: datetime.date, last: datetime.date) -> str:
    return f"start={month_param(first)}&amp;end={month_param(last)}"


@dataclasses.dataclass(frozen=True)
class Links:
    """The drill-down addresses of one measure, or none for a role that may not open case records."""

    metric: Metric
    team: Team | None
    allowed: bool

    @cached_property
    def team_query(self) -> str:
        return f"&amp;team={self.team.pk}" if self.team else ""

    @cached_property
    def _records_base(self) -> str:
        return reverse("metrics-drilldown", args=[self.metric.key])

    @cached_property
    def _answers_base(self) -> str:
        return reverse("metrics-audit-drilldown", args=[self.metric.key])

    def records(self, first: datetime.date, last: datetime.date, *, related: bool = False) -> str | None:
        """The drill-down's address, escaped for an HTML attribute."""
        if not self.allowed:
            return None
        extra = "&amp;list=related" if related else ""
        return f"{self._records_base}?{_months_query(first, last)}{extra}{self.team_query}"

    def answers(self, first: datetime.date, last: datetime.date) -> str | None:
        if not self.allowed:
            return None
        return f"{self._answers_base}?{_months_query(first, last)}{self.team_query}"


@dataclasses.dataclass
class Row:
    label: str
    records: SafeString | str
    audit: SafeString | str | None
    related: SafeString | str | None


def rows_html(rows: list[Row]) -> SafeString:
    """A table body's rows: one string, as a template loop over some eighty rows cost more than the rest
    of the page together."""
    parts = []
    for row in rows:
        cells = [row.records, row.audit, row.related]
        parts.append(
            '<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">'
            + escape(row.label)
            + "</th>"
            + "".join(
                f'<td class="govuk-table__cell">{conditional_escape(c)}</td>' for c in cells if c is not None
            )
            + "</tr>"
        )
    return mark_safe("".join(parts))  # noqa: S308 (each cell escaped above, unless already safe)  # nosec B308


@dataclasses.dataclass
class PanelView:
    panel: selectors.MetricPanel
    chart: SafeString
    tile: SafeString | str
    coverage: str  # what the latest month's figure covers, if records were left out
    latest: SafeString | str
    change: str
    related: SafeString | str | None
    records_total: SafeString | str
    audit_total: SafeString | str | None
    rows: list[Row]
    sparkline: SafeString | None = None
    figure: str = ""  # the latest month's "72% (13 of 18)", or "" when there were no records

    @property
    def rows_html(self) -> SafeString:
        return rows_html(self.rows)


def panel_view(panel: selectors.MetricPanel, data: selectors.Dashboard, links: Links) -> PanelView:
    metric = panel.metric
    latest = panel.latest
    records_label = escape(metric.records)
    related_label = escape(metric.related.label) if metric.related else ""
    rows = []
    for month in panel.months:
        first_day = month.month
        rows.append(
            Row(
                label=f"{first_day:%b %Y}",
                records=figure_cell(
                    month.records,
                    links.records(first_day, first_day),
                    records_label,
                    coverage=metric.coverage(month.records.denominator, month.unknown),
                ),
                audit=figure_cell(month.audit, links.answers(first_day, first_day), ANSWERS, NO_ANSWERS)
                if metric.audit_question
                else None,
                related=count_cell(
                    month.related or 0,
                    links.records(first_day, first_day, related=True),
                    related_label,
                )
                if metric.related
                else None,
            )
        )
    tile_url = links.records(latest.month, latest.month)
    if latest.records.denominator:
        numbers = format_html("{} of {}", number(latest.records.numerator), latest.records.denominator)
        numbers = (
            mark_safe(f'<a class="govuk-link" href="{tile_url}">{numbers}</a>')  # noqa: S308 (as figure_cell)  # nosec B308
            if tile_url
            else numbers
        )
        tile: str = format_html("{} {}", numbers, metric.records)
    else:
        tile = f"No {metric.records}"
    related = None
    if metric.related and metric.related.at_period_end:
        url = links.records(latest.month, latest.month, related=True)
        related = format_html(
            "{} at the end of {}",
            count_cell(latest.related or 0, url, related_label),
            f"{latest.month:%B %Y}",
        )
    elif metric.related:
        url = links.records(data.first, data.last, related=True)
        related = format_html("{} in the period", count_cell(panel.related_total, url, related_label))
    return PanelView(
        panel=panel,
        chart=metric_chart(panel),
        tile=tile,
        coverage=panel.coverage,
        latest=figure_cell(latest.records, tile_url, records_label, coverage=panel.coverage),
        change=change_text(panel.change),
        related=related,
        records_total=figure_cell(
            panel.records_total,
            links.records(data.first, data.last),
            records_label,
            coverage=panel.total_coverage,
        ),
        audit_total=figure_cell(panel.audit_total, links.answers(data.first, data.last), ANSWERS, NO_ANSWERS)
        if metric.audit_question
        else None,
        rows=rows,
        sparkline=metric_sparkline(panel),
        figure=str(latest.records) if latest.records.denominator else "",
    )


def panel_views(data: selectors.Dashboard, *, may_drill_down: bool) -> list[PanelView]:
    return [panel_view(panel, data, Links(panel.metric, data.team, may_drill_down)) for panel in data.panels]


def _month_labels(months: list[datetime.date]) -> list[str]:
    return [f"{month:%b %y}" for month in months]


def metric_chart(panel: selectors.MetricPanel) -> SafeString:
    labels = _month_labels([m.month for m in panel.months])
    series = [charts.Series("Case records", [m.records.percent for m in panel.months])]
    if panel.metric.audit_question:
        series.append(
            charts.Series(
                "Auditors' findings", [m.audit.percent if m.audit is not None else None for m in panel.months]
            )
        )
    return charts.line_chart(
        chart_id=f"chart-{panel.metric.key}",
        title=f"{panel.metric.name}, by month",
        description=charts.describe(labels, series[0].values),
        labels=labels,
        series=series,
        target=panel.target.target_percent if panel.target else None,
    )


def metric_sparkline(panel: selectors.MetricPanel) -> SafeString:
    labels = _month_labels([m.month for m in panel.months])
    values = [m.records.percent for m in panel.months]
    return charts.sparkline(
        chart_id=f"spark-{panel.metric.key}",
        title=f"{panel.metric.name}: trend by month",
        description=charts.describe(labels, values),
        values=values,
    )


def counts_chart(data: selectors.Dashboard) -> SafeString:
    labels = _month_labels([c.month for c in data.counts])
    series = [
        charts.Series("On child protection plans", [c.cp_plans for c in data.counts]),
        charts.Series("Looked after", [c.looked_after for c in data.counts]),
    ]
    return charts.line_chart(
        chart_id="chart-counts",
        title="Children on child protection plans and looked after, on the first of each month",
        description="Child protection plans. "
        + charts.describe(labels, series[0].values, unit="")
        + " Looked after. "
        + charts.describe(labels, series[1].values, unit=""),
        labels=labels,
        series=series,
        percent=False,
    )
