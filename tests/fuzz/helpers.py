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
APP_LABELS = ("cases", "audits", "actions", "reporting", "common")


def row_counts() -> dict[str, int]:
    """Rows in every table of the project's own apps (their history tables too)."""
    return {
        model._meta.label: model.objects.count()
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
