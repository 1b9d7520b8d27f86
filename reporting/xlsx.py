"""A report version's tables as an Excel workbook, for officers who rework the figures.

Made from the frozen content dict, like the PDF, so the workbook and the PDF of a version agree. Figures
come as numerator, denominator and percentage in their own columns, and every text cell is neutralised
against formula injection (a text starting with = + - @ is stored with a leading apostrophe).
"""

import io

from openpyxl import Workbook

from common.exports import neutralise
from common.figures import Figure
from reporting.schema import FrozenFigure, PlanAction, ReportContent

# A row with no action yet still gets its line in the sheet.
NO_ACTION: PlanAction = {
    "description": "",
    "lead": "",
    "due": "",
    "status": "",
    "rag": "",
    "latest_update": "",
}


def _cell(value):
    return neutralise(value) if isinstance(value, str) else value


def _figure_cells(value: FrozenFigure | None) -> list:
    if not value:
        return ["", "", ""]
    return [value["n"], value["d"], Figure(value["n"], value["d"]).percent]


def report_xlsx(content: ReportContent) -> bytes:
    workbook = Workbook(write_only=True)

    def sheet(title: str, header: list[str], rows):
        ws = workbook.create_sheet(title)
        ws.append([_cell(h) for h in header])
        for row in rows:
            ws.append([_cell(v) for v in row])

    h = content["header"]
    sheet(
        "Report",
        ["Field", "Value"],
        [
            ("Council", content["council_name"]),
            ("Report type", content["type_label"]),
            ("Report for", f"{h['meeting_name']} {h['meeting_date_text']}"),
            ("Item number", h["item_number"]),
            ("Title", h["title"]),
            ("Authorised by", h["authorised_by"]),
            ("Lead officer", h["lead_officer"]),
            ("Ward(s) affected", h["wards_affected"]),
            ("Decision", "Key decision" if h["key_decision"] else "Non key decision"),
            ("Period", h["period_text"]),
            ("Version", content["version"]["number"] or "Draft"),
            ("Generated", content["version"]["generated_on"]),
        ],
    )
    sheet(
        "Audit results",
        ["Audit", "Section", "Code", "Question", "Result", "Numerator", "Denominator", "Percent"]
        + ["Yes", "Partly", "No", "Not applicable", "Not asked"],
        [
            [a["title"], q["section"], q["code"], q["text"], str(Figure(q["figure"]["n"], q["figure"]["d"]))]
            + _figure_cells(q["figure"])
            + [q["yes"], q["partly"], q["no"], q["not_applicable"], q["not_asked"]]
            for a in content["audits"]
            for q in a["questions"]
        ],
    )
    sheet(
        "Grades",
        ["Audit", "Grade", "Cases", "Graded", "Percent"],
        [
            [a["title"], g["label"], *_figure_cells(g["figure"])]
            for a in content["audits"]
            for g in a["grades"]
        ],
    )
    sheet(
        "Cases",
        ["Audit", "Case", "Agency", "Team", "Grade"],
        [
            [a["title"], c["reference"], c["agency"], c["team"], c["grade"]]
            for a in content["audits"]
            for c in a["cases"]
        ],
    )
    agency_rows = []
    for a in content["audits"]:
        if a["comparison"]:
            for row in a["comparison"]["rows"]:
                for agency, value in zip(a["comparison"]["agencies"], row["figures"], strict=True):
                    agency_rows.append([a["title"], row["code"], row["text"], agency, *_figure_cells(value)])
    sheet(
        "Agencies",
        ["Audit", "Code", "Question", "Agency", "Numerator", "Denominator", "Percent"],
        agency_rows,
    )
    measures = content["measures"]
    sheet(
        "Measures",
        ["Measure", "Month", "Numerator", "Denominator", "Percent", "Beside it", "Covers"],
        [
            # Versions frozen before coverage was recorded have no "coverage": their figures covered all.
            [
                m["name"],
                month["month"],
                *_figure_cells(month["figure"]),
                month["related"],
                month.get("coverage", ""),
            ]
            for m in measures["percent"]
            for month in m["months"]
        ],
    )
    counts = measures["counts"]
    sheet(
        "Counts",
        ["Month"] + ([s["name"] for s in counts["series"]] if counts else []),
        [[row["month"], *row["values"]] for row in counts["months"]] if counts else [],
    )
    sheet(
        "Actions",
        ["Action plan", "Issue identified", "Figure", "Numerator", "Denominator", "Percent"]
        + ["Action taken by the service", "Lead", "Due", "Status", "Latest update"],
        [
            [plan["title"], row["issue"], row["figure_label"], *_figure_cells(row["figure"])]
            + [
                action["description"],
                action["lead"],
                action["due"],
                action["status"],
                action["latest_update"],
            ]
            for plan in content["action_plans"]
            for row in plan["rows"]
            for action in (row["actions"] or [NO_ACTION])
        ],
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
