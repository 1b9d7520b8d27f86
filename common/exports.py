"""CSV and XLSX downloads, safe against formula injection; one rule for every export of the app.

A text cell that starts with = + - @ (or a tab or carriage return) gets a leading single quote, so a
spreadsheet shows the text instead of running it (OWASP "CSV injection"). The drill-down lists, the access
log, the action plans, the answers workbook and the panel report's workbook all write through here.
"""

import csv
import datetime
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value: str) -> str:
    """A text cell that a spreadsheet would run as a formula, made inert with a leading quote."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def display(value: object) -> str:
    """A cell as text: dates as dd/mm/yyyy (the page and the CSV)."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    return str(value)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(
    file_name: str, header: list[str], body: Iterable[Sequence[object]]
) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"  # Excel reads the file as UTF-8 with this mark
        yield writer.writerow([neutralise(h) for h in header])
        for row in body:
            yield writer.writerow([neutralise(display(value)) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{file_name}.csv"'
    return response


def xlsx_response(file_name: str, header: list[str], body: Iterable[Sequence[object]]) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Records")
    sheet.append([neutralise(h) for h in header])
    for row in body:
        sheet.append([neutralise(value) if isinstance(value, str) else value for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{file_name}.xlsx"'
    return response
