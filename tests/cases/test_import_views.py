"""The import pages: upload -> preview -> confirm, and who may use them."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases import models as m
from common.models import AccessLogEntry

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[1] / "data"
EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
TOKEN = "A" * 32


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _upload(client, name: str, content: bytes):
    return client.post(reverse("cases-import"), {"file": SimpleUploadedFile(name, content)})


def _token(response) -> str:
    return response.url.rstrip("/").rsplit("/", 1)[-1]


def test_a_manager_uploads_previews_and_confirms_an_import(client, manager, media_root):
    client.force_login(manager)

    response = _upload(client, "Annex_A.xlsx", (DATA / "Annex_A.xlsx").read_bytes())
    assert response.status_code == 302
    token = _token(response)
    assert response.url == reverse("cases-import-preview", args=[token])

    preview = client.get(response.url)
    assert preview.status_code == 200
    assert preview.context["result"].counts["s47_enquiries"].created == 5
    assert b"Import these records" in preview.content and b"Delta Arthur" in preview.content
    assert not m.S47Enquiry.objects.exists()

    done = client.post(reverse("cases-import-confirm", args=[token]))
    assert done.status_code == 200
    assert b"Case records imported" in done.content
    assert reverse("cases-s47-list").encode() in done.content
    batch = m.ImportBatch.objects.get()
    assert (batch.file_name, batch.imported_by, batch.created) == ("Annex_A.xlsx", manager, 10)
    assert m.S47Enquiry.objects.count() == 5
    entry = AccessLogEntry.objects.get()
    assert (entry.user, entry.action, entry.object_type, entry.object_ref) == (
        manager,
        "import",
        "case extract",
        str(batch.uuid),
    )
    assert not list(media_root.glob("imports/*")), "the upload is removed once imported"


def test_a_confirmed_upload_cannot_be_confirmed_again(client, manager):
    client.force_login(manager)
    token = _token(_upload(client, "annex_a_list5.csv", (EXAMPLES / "annex_a_list5.csv").read_bytes()))
    client.post(reverse("cases-import-confirm", args=[token]))

    again = client.post(reverse("cases-import-confirm", args=[token]))

    assert again.status_code == 404
    assert m.ImportBatch.objects.count() == 1


def test_the_preview_of_a_bad_file_lists_every_error_and_offers_no_import(client, manager):
    client.force_login(manager)
    token = _token(_upload(client, "bad/bad_rows.csv", (EXAMPLES / "bad/bad_rows.csv").read_bytes()))

    preview = client.get(reverse("cases-import-preview", args=[token]))

    assert preview.status_code == 200
    content = preview.content.decode()
    assert "govuk-error-summary" in content and "Import these records" not in content
    assert "&quot;31/02/2024&quot; is not a real date." in content
    assert len(preview.context["result"].errors) == 10


def test_confirming_a_bad_file_imports_nothing(client, manager):
    client.force_login(manager)
    token = _token(_upload(client, "bad/bad_rows.csv", (EXAMPLES / "bad/bad_rows.csv").read_bytes()))

    response = client.post(reverse("cases-import-confirm", args=[token]))

    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert not m.S47Enquiry.objects.exists()
    refusal = m.ImportBatch.objects.get()  # recorded, for the administrators' home page
    assert (refusal.status, refusal.file_name, refusal.imported_by) == ("rejected", "bad_rows.csv", manager)
    assert refusal.error_count == len(response.context["result"].errors) > 0
    assert not AccessLogEntry.objects.exists()


def test_confirm_rejects_get(client, manager):
    client.force_login(manager)
    token = _token(_upload(client, "annex_a_list5.csv", (EXAMPLES / "annex_a_list5.csv").read_bytes()))

    response = client.get(reverse("cases-import-confirm", args=[token]))

    assert response.status_code == 405
    assert not m.S47Enquiry.objects.exists()


def test_the_upload_form_refuses_a_file_that_is_not_csv_or_xlsx(client, manager, media_root):
    client.force_login(manager)

    response = _upload(client, "extract.pdf", b"%PDF-1.4")

    assert response.status_code == 200
    assert b"govuk-error-summary" in response.content
    assert b"This is not a CSV or Excel (.xlsx) file" in response.content
    assert not list(media_root.glob("imports/*"))


def test_the_upload_form_asks_for_a_file(client, manager):
    client.force_login(manager)

    response = client.post(reverse("cases-import"), {})

    assert b"Select a CSV or Excel (.xlsx) file" in response.content


def test_the_upload_page_uses_the_govuk_file_upload(client, administrator):
    client.force_login(administrator)

    response = client.get(reverse("cases-import"))

    assert response.status_code == 200
    assert b'class="govuk-file-upload"' in response.content
    assert b'enctype="multipart/form-data"' in response.content


def test_another_session_cannot_open_an_upload_by_its_token(client, manager, administrator):
    client.force_login(manager)
    token = _token(_upload(client, "annex_a_list5.csv", (EXAMPLES / "annex_a_list5.csv").read_bytes()))
    client.logout()
    client.force_login(administrator)

    assert client.get(reverse("cases-import-preview", args=[token])).status_code == 404
    assert client.post(reverse("cases-import-confirm", args=[token])).status_code == 404
    assert not m.S47Enquiry.objects.exists()


@pytest.mark.parametrize("token", ["../../etc/passwd", "short", "A" * 31 + "."])
def test_a_malformed_token_is_not_found(client, manager, token):
    client.force_login(manager)

    assert client.get(f"/cases/import/{token}/").status_code == 404


@pytest.mark.parametrize("persona", ["auditor", "outsider", "moderator", "panel_member"], indirect=True)
def test_roles_other_than_manager_and_administrator_may_not_import(client, persona):
    client.force_login(persona)

    assert client.get(reverse("cases-import")).status_code == 403
    assert client.get(reverse("cases-import-preview", args=[TOKEN])).status_code == 403
    assert client.post(reverse("cases-import-confirm", args=[TOKEN])).status_code == 403


def test_anonymous_users_are_sent_to_sign_in(client):
    for response in (
        client.get(reverse("cases-import")),
        client.get(reverse("cases-import-preview", args=[TOKEN])),
        client.post(reverse("cases-import-confirm", args=[TOKEN])),
    ):
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
