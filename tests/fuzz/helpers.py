"""Shared pieces of the fuzz tests: row counts of every table, files in each format, a rolled-back try."""

import contextlib
import csv
import io
import struct
import zipfile

import openpyxl
from django.apps import apps
from django.db import transaction
from hypothesis import HealthCheck, settings
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# Each test's examples share one database (the test's transaction); a failing example writes nothing, and
# a passing one is rolled back by `rolled_back`, so every example starts from the same rows.
FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI stays reproducible
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
APP_LABELS = ("cases", "audits", "actions", "metrics", "reporting", "common")


def row_counts() -> dict[str, int]:
    """Rows in every table of the project's own apps (their history tables too)."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in APP_LABELS and not model._meta.proxy
    }


@contextlib.contextmanager
def rolled_back():
    """Runs the body in a savepoint that is always rolled back."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def csv_bytes(rows: list[list], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(sheets: dict[str, list[list]]) -> bytes:
    workbook = openpyxl.Workbook()
    assert workbook.active is not None
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def zip_bomb(inflated_bytes: int) -> bytes:
    """A real zip bomb dressed as a workbook: a worksheet of `inflated_bytes` spaces, deflated to ~1/1000."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b" " * (1024 * 1024)
            for _ in range(inflated_bytes // len(chunk)):
                member.write(chunk)
    return buffer.getvalue()


def lying_zip(declared_bytes: int) -> bytes:
    """A small workbook-like zip whose one worksheet claims (in both headers) to inflate to `declared_bytes`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "<worksheet/>" * 100)
    content = bytearray(buffer.getvalue())
    size = struct.pack("<I", min(declared_bytes, 0xFFFFFFFE))
    local = content.find(b"PK\x03\x04")
    content[local + 22 : local + 26] = size
    central = content.find(b"PK\x01\x02")
    content[central + 24 : central + 28] = size
    return bytes(content)


SPREADSHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


def inflating_workbook(sheets: dict[str, int], *, cells_per_row: int = 20, numbered: bool = False) -> bytes:
    """A workbook written with zipfile, not openpyxl: each sheet named in `sheets` holds about that many
    bytes of cell XML (`<c><v>1</v></c>` repeated, rows of `cells_per_row`), deflated hard.

    Unnumbered rows pack about 240 to 1; `numbered` rows (`<row r="7">`) of 10 cells about 50 to 1, within
    what a real sheet may be, so the size rules alone cannot tell them from one.
    """
    buffer = io.BytesIO()
    names = list(sheets)
    worksheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            + "".join(
                f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{worksheet}"/>'
                for n in range(1, len(names) + 1)
            )
            + "</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{PACKAGE_RELS_NS}"><Relationship Id="rId1" '
            f'Type="{RELATIONSHIPS_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{SPREADSHEET_NS}" xmlns:r="{RELATIONSHIPS_NS}"><sheets>'
            + "".join(
                f'<sheet name="{name}" sheetId="{n}" r:id="rId{n}"/>' for n, name in enumerate(names, 1)
            )
            + "</sheets></workbook>",
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{PACKAGE_RELS_NS}">'
            + "".join(
                f'<Relationship Id="rId{n}" Type="{RELATIONSHIPS_NS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
                for n in range(1, len(names) + 1)
            )
            + "</Relationships>",
        )
        for n, name in enumerate(names, 1):
            with archive.open(f"xl/worksheets/sheet{n}.xml", "w", force_zip64=True) as member:
                member.write(f'<worksheet xmlns="{SPREADSHEET_NS}"><sheetData>'.encode())
                written, row = 0, 1
                while written < sheets[name]:
                    start = f'<row r="{row}">'.encode() if numbered else b"<row>"
                    xml = start + b"<c><v>1</v></c>" * cells_per_row + b"</row>"
                    member.write(xml)
                    written, row = written + len(xml), row + 1
                member.write(b"</sheetData></worksheet>")
    return buffer.getvalue()
