"""Upload size limits: the request as a whole (413 before it is read) and each upload form's own limit."""

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import ImportBatch
from tests.fuzz.helpers import row_counts

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]


def test_the_limits_are_set():
    assert django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024
    assert django_settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024
    assert django_settings.IMPORT_MAX_BYTES <= django_settings.REQUEST_MAX_BYTES <= 64 * 1024 * 1024


def test_a_request_over_the_limit_is_refused_before_it_is_read(client, manager, settings):
    settings.REQUEST_MAX_BYTES = 1000
    client.force_login(manager)
    before = row_counts()

    response = client.post(
        reverse("cases-import"),
        {"file": SimpleUploadedFile("children.csv", b"child_id\r\n" + b"C1\r\n" * 400)},
    )

    assert response.status_code == 413
    assert "larger than the 0 MB limit" in response.content.decode()
    assert row_counts() == before


def test_a_request_under_the_limit_is_served(client, manager, settings):
    settings.REQUEST_MAX_BYTES = 100_000
    client.force_login(manager)
    response = client.post(reverse("cases-import"), {"file": SimpleUploadedFile("children.csv", b"x")})
    assert response.status_code == 302  # on to the preview


def test_a_bad_content_length_is_a_bad_request(client):
    response = client.generic("POST", reverse("login"), b"", CONTENT_LENGTH="lots")
    assert response.status_code == 400


def test_the_case_import_form_refuses_a_file_over_the_import_limit(client, manager, settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    client.force_login(manager)
    content = b"child_id\r\n" + b"C1\r\n" * 300_000

    response = client.post(reverse("cases-import"), {"file": SimpleUploadedFile("children.csv", content)})

    assert "The selected file must be smaller than 1 MB" in response.content.decode()
    assert not ImportBatch.objects.exists()
