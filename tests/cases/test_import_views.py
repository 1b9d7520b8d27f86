"""The import pages: upload -> preview -> confirm, and who may use them."""

import re
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


def _upload_files(client, *files: tuple[str, bytes]):
    return client.post(reverse("cases-import"), {"file": [SimpleUploadedFile(n, c) for n, c in files]})


def _examples(*names: str) -> list[tuple[str, bytes]]:
    return [(name, (EXAMPLES / name).read_bytes()) for name in names]


# S47 enquiries first: they point to children (and strategy discussions) in the files after them.
IN_REVERSE = ("s47_enquiries.csv", "strategy_discussions.csv", "referrals.csv", "children.csv")


def test_several_files_in_any_order_are_previewed_together_then_imported_as_one(client, manager, media_root):
    client.force_login(manager)

    response = _upload_files(client, *_examples(*IN_REVERSE))
    assert response.status_code == 302
    token = _token(response)
    assert len(list(media_root.glob("imports/*"))) == len(IN_REVERSE), "one token, a file for each"

    preview = client.get(response.url)
    assert preview.status_code == 200
    result = preview.context["result"]
    assert result.ok, result.errors
    assert [f["name"] for f in preview.context["files"]] == list(IN_REVERSE)
    children_rows = len((EXAMPLES / "children.csv").read_text().strip().splitlines()) - 1
    s47_rows = len((EXAMPLES / "s47_enquiries.csv").read_text().strip().splitlines()) - 1
    assert result.by_file["children.csv"].created == children_rows
    assert result.by_file["s47_enquiries.csv"].created == s47_rows
    content = preview.content.decode()
    assert f"{len(IN_REVERSE)} files, checked and imported as one" in content
    assert all(name in content for name in IN_REVERSE)
    assert not m.Child.objects.exists() and not m.S47Enquiry.objects.exists()

    done = client.post(reverse("cases-import-confirm", args=[token]))

    assert done.status_code == 200
    assert b"Case records imported" in done.content
    assert m.Child.objects.count() == children_rows
    assert m.S47Enquiry.objects.count() == s47_rows
    assert m.S47Enquiry.objects.filter(child__isnull=False).count() == s47_rows
    batches = m.ImportBatch.objects.order_by("pk")
    assert [b.file_name for b in batches] == list(IN_REVERSE)
    entry = AccessLogEntry.objects.get()  # one entry for the import, naming each file and its counts
    assert all(f"{name}: " in entry.detail for name in IN_REVERSE)
    assert f"children.csv: {children_rows} created" in entry.detail
    assert not list(media_root.glob("imports/*"))


def test_one_bad_row_in_the_second_file_names_it_and_imports_nothing(client, manager):
    client.force_login(manager)
    lines = (EXAMPLES / "children.csv").read_bytes().splitlines(keepends=True)
    lines[3] = lines[3].replace(b"/20", b"/31/20", 1)  # row 4 (the third child): a date of birth of no day
    files = [
        *_examples("s47_enquiries.csv", "strategy_discussions.csv", "referrals.csv"),
        ("children.csv", b"".join(lines)),
    ]
    token = _token(_upload_files(client, *files))

    preview = client.get(reverse("cases-import-preview", args=[token]))

    errors = preview.context["result"].errors
    assert [(e.place, e.row, e.column) for e in errors] == [("children.csv", 4, "date_of_birth")]
    content = preview.content.decode()
    assert "govuk-error-summary" in content and "Import these records" not in content
    assert '<td class="govuk-table__cell">children.csv</td>' in content

    refused = client.post(reverse("cases-import-confirm", args=[token]))

    assert b"There is a problem" in refused.content
    assert (
        not m.Child.objects.exists() and not m.S47Enquiry.objects.exists() and not m.Referral.objects.exists()
    )
    assert set(m.ImportBatch.objects.values_list("status", flat=True)) == {"rejected"}
    assert not AccessLogEntry.objects.exists()


def test_files_over_the_import_limit_in_total_are_refused_naming_the_biggest(
    client, manager, settings, media_root
):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    client.force_login(manager)
    children = b"child_id\r\n" + b"C1\r\n" * 150_000  # 600 KB each: under the limit alone, over it together
    referrals = b"referral_id\r\n" + b"R1\r\n" * 160_000

    response = _upload_files(client, ("children.csv", children), ("referrals.csv", referrals))

    assert response.status_code == 200
    content = response.content.decode()
    assert "govuk-error-summary" in content
    assert "The selected files add up to 1.2 MB; together they must be smaller than 1 MB" in content
    assert "the biggest is referrals.csv" in content
    assert not list(media_root.glob("imports/*"))
    assert not m.ImportBatch.objects.exists()


def test_one_file_over_the_limit_among_several_is_named(client, manager, settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    client.force_login(manager)

    response = _upload_files(
        client, ("children.csv", b"x"), ("referrals.csv", b"referral_id\r\n" + b"R1\r\n" * 300_000)
    )

    assert "referrals.csv is too big: each file must be smaller than 1 MB" in response.content.decode()


def test_the_same_file_twice_is_refused(client, manager):
    client.force_login(manager)

    response = _upload_files(client, *_examples("children.csv", "children.csv"))

    assert response.status_code == 200
    assert "children.csv is selected twice" in response.content.decode()


def test_a_file_of_the_wrong_kind_among_several_is_named(client, manager):
    client.force_login(manager)

    response = _upload_files(client, *_examples("children.csv"), ("notes.pdf", b"%PDF-1.4"))

    assert "notes.pdf: This is not a CSV or Excel (.xlsx) file" in response.content.decode()


def test_the_upload_input_takes_several_files(client, manager):
    client.force_login(manager)

    response = client.get(reverse("cases-import"))

    file_input = re.search(r'<input type="file"[^>]*>', response.content.decode())
    assert file_input and " multiple" in file_input[0] and 'class="govuk-file-upload"' in file_input[0]


def test_one_file_still_shows_the_single_file_preview(client, manager):
    client.force_login(manager)
    token = _token(_upload(client, "children.csv", (EXAMPLES / "children.csv").read_bytes()))

    preview = client.get(reverse("cases-import-preview", args=[token]))

    content = preview.content.decode()
    assert 'id="files"' not in content and "checked and imported as one" not in content
    assert '<dd class="govuk-summary-list__value">children.csv</dd>' in content
