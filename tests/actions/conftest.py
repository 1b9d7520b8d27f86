"""Evidence files go to a temporary folder for each test; a tiny valid file of each type; the owner persona
and the clock most action tests are read against (3 June 2024)."""

import datetime
import io
import zipfile

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from common import roles
from tests.factories import UserFactory

# The smallest files whose first bytes are what their type starts with.
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def office_bytes(main_part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(main_part, "<x/>")
    return buffer.getvalue()


def pdf_upload(name: str = "minutes.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture(autouse=True)
def evidence_folder(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "evidence")},
        },
    }
    return tmp_path / "evidence"


@pytest.fixture
def frozen_clock():
    with time_machine.travel(datetime.datetime(2024, 6, 3, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def owner(db):
    return UserFactory.create(username="owner-olu", roles=[roles.AUDITOR])
