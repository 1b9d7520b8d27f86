"""A panel report's frozen content as HTML (the browser preview) and as a tagged A4 PDF (WeasyPrint).

Renders from the content dict alone (built by reporting.content, shaped as reporting.schema declares),
never from the database, so a stored version renders the same text whenever it is rendered. The PDF is
PDF/UA-1 (tagged, with its language and title from <html lang> and <title>); charts are the dashboard's
server-drawn SVG, each followed by a table of its figures; the font is shipped in static/reports/fonts
(Noto Sans, SIL Open Font Licence).
"""

import base64
import dataclasses
import datetime
import io
import logging
import mimetypes
from pathlib import Path
from typing import cast

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.safestring import SafeString

from common.figures import Figure
from metrics import charts
from reporting.schema import FrozenFigure, ReportContent, Section

# WeasyPrint logs each layout step at INFO; a report of twenty pages would fill the worker's log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

PDF_VARIANT = "pdf/ua-1"
TEMPLATES = {
    "scrutiny_panel": "reporting/reports/scrutiny_panel.html",
    "quality_assurance": "reporting/reports/quality_assurance.html",
}
STYLESHEET = "reports/report.css"
CHART_FONT = "Noto Sans, sans-serif"  # the font report.css loads from static/reports/fonts
PLACEHOLDER_LOGO = "reports/logo-placeholder.svg"


@dataclasses.dataclass(frozen=True)
class RenderedPdf:
    pdf: bytes
    page_count: int


def _logo_data_uri() -> str:
    """The council's logo as a data: URI, the same in the PDF and in the preview (CSP allows data: images)."""
    path = Path(settings.COUNCIL_LOGO_PATH) if settings.COUNCIL_LOGO_PATH else None
    if path is None or not path.is_file():
        path = Path(cast(str, finders.find(PLACEHOLDER_LOGO)))  # one of the app's static files
    kind = mimetypes.guess_type(path.name)[0] or "image/svg+xml"
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _charts(content: ReportContent) -> dict[str, SafeString]:
    """The SVG charts of the frozen series: the counts over time, and one per percentage measure."""
    found = {}
    measures = content["measures"]
    counts = measures.get("counts")
    if counts and counts["months"]:
        labels = [m["month"] for m in counts["months"]]
        series = [
            charts.Series(s["name"], [m["values"][i] for m in counts["months"]])
            for i, s in enumerate(counts["series"])
        ]
        description = " ".join(
            f"{one.name}. " + charts.describe(labels, one.values, unit="") for one in series
        )
        found["counts"] = charts.line_chart(
            chart_id="report-chart-counts",
            title=" and ".join(s.name for s in series) + ", on the first of each month",
            description=description,
            labels=labels,
            series=series,
            percent=False,
            font=CHART_FONT,
        )
    for measure in measures.get("percent", []):
        labels = [m["month"] for m in measure["months"]]
        values = [_percent(m["figure"]) for m in measure["months"]]
        found[measure["key"]] = charts.line_chart(
            chart_id=f"report-chart-{measure['key']}",
            title=f"{measure['name']}, by month",
            description=charts.describe(labels, values),
            labels=labels,
            series=[charts.Series("Case records", values)],
            target=measure["target"],
            font=CHART_FONT,
        )
    return found


def _percent(value: FrozenFigure) -> int | None:
    return Figure(value["n"], value["d"]).percent


def _sections(content: ReportContent) -> dict[str, Section]:
    """The narrative sections by key, for the template to place between the generated parts."""
    return {section["key"]: section for section in content["sections"]}


def report_html(content: ReportContent, *, preview: bool = False, back_url: str = "") -> str:
    """The report as one HTML document. `preview` links the stylesheet by URL for the browser; the PDF
    reads it from the static files on disk."""
    stylesheet = static(STYLESHEET) if preview else Path(cast(str, finders.find(STYLESHEET))).as_uri()
    return render_to_string(
        TEMPLATES[content["type"]],
        {
            "c": content,
            "sections": _sections(content),
            "charts": _charts(content),
            "multi_agency_audits": [audit for audit in content["audits"] if audit["comparison"]],
            "stylesheet": stylesheet,
            "logo": _logo_data_uri(),
            "preview": preview,
            "back_url": back_url,
        },
    )


def report_pdf(content: ReportContent) -> RenderedPdf:
    import weasyprint  # imported here: loading Pango costs time the web pages do not need to spend

    html = weasyprint.HTML(string=report_html(content), base_url=str(settings.BASE_DIR))
    document = html.render(pdf_variant=PDF_VARIANT)
    buffer = io.BytesIO()
    # A fixed identifier and creation date (the version's), so the same version gives the same bytes.
    generated_at = datetime.datetime.fromisoformat(content["version"]["generated_at"])
    document.metadata.created = generated_at.isoformat(timespec="seconds")
    document.metadata.modified = document.metadata.created
    document.write_pdf(
        buffer,
        pdf_variant=PDF_VARIANT,
        pdf_identifier=f"{content['header']['title']} v{content['version']['number']}".encode()[:32],
    )
    return RenderedPdf(pdf=buffer.getvalue(), page_count=len(document.pages))
