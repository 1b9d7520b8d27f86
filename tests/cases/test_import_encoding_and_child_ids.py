"""Clean text and identities on import (#11.4): a CSV file is read in one encoding or refused, naming the
row, and a child ID is stored in one form (trimmed, upper case, no spaces), unique in that form."""

import importlib
import logging

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.forms import modelform_factory
from django.urls import reverse

from cases import models as m
from cases.importing import cases_import, cases_import_preview
from common.child_ids import normalise_child_id
from tests.factories import ChildFactory, S47EnquiryFactory

pytestmark = pytest.mark.django_db

# "Zoë" in UTF-8, then a row pasted from a Windows program: its apostrophe is the Windows-1252 byte 0x92.
UTF8_WITH_A_STRAY_BYTE = "child_id,name\r\nC1,Zoë Brontë\r\n".encode() + b"C2,Sin\x92ad O'Brien\r\n"
WINDOWS_1252 = "child_id,name\r\nC1,Zoë Brontë\r\nC2,Sinéad O’Brien\r\n".encode("cp1252")


def _names() -> list[str]:
    return sorted(m.Child.objects.values_list("name", flat=True))


def _errors(result) -> list[tuple]:
    return [(e.row, e.column, e.reason) for e in result.errors]


# Encodings ------------------------------------------------------------------------------------------------


def test_a_utf8_file_with_a_stray_byte_is_refused_naming_the_row_not_imported_as_mojibake():
    result = cases_import(file_name="children.csv", content=UTF8_WITH_A_STRAY_BYTE, user=None)

    assert not result.ok
    assert len(result.errors) == 1
    assert result.errors[0].reason.startswith("Row 3 is not valid UTF-8 text (byte 0x92)")
    assert "choose that one (for example Windows-1252)" in result.errors[0].reason
    assert not m.Child.objects.exists()


def test_the_row_named_is_the_spreadsheet_row_when_a_cell_holds_a_line_break():
    content = 'child_id,notes\r\nC1,"two\r\nlines"\r\nC2,ok\r\nC3,caf\xe9\r\n'.encode("latin-1")

    result = cases_import_preview(file_name="children.csv", content=content)

    assert result.errors[0].reason.startswith("Row 4 is not valid UTF-8 text (byte 0xE9)")


def test_a_windows_1252_file_is_not_guessed_but_imports_when_the_user_picks_windows_1252():
    refused = cases_import(file_name="children.csv", content=WINDOWS_1252, user=None)
    assert refused.errors[0].reason.startswith("Row 2 is not valid UTF-8 text (byte 0xEB)")

    result = cases_import(file_name="children.csv", content=WINDOWS_1252, user=None, encoding="cp1252")

    assert result.ok, result.errors
    assert _names() == ["Sinéad O’Brien", "Zoë Brontë"]


def test_a_file_not_valid_in_the_encoding_picked_is_refused_too():
    content = b"child_id,name\r\nC1,Ann\r\nC2,\x81\r\n"  # 0x81 is no character in Windows-1252

    result = cases_import_preview(file_name="children.csv", content=content, encoding="cp1252")

    assert result.errors[0].reason.startswith("Row 3 is not valid Windows-1252 text (byte 0x81)")


def test_a_byte_order_mark_names_the_encoding_whatever_was_picked():
    content = "\ufeffchild_id,name\r\nC1,Zoë\r\n".encode()

    assert cases_import(file_name="children.csv", content=content, user=None, encoding="cp1252").ok
    assert _names() == ["Zoë"]


def test_utf16_without_a_byte_order_mark_imports_when_picked():
    content = "child_id,name\r\nC1,Zoë\r\n".encode("utf-16-le")

    assert cases_import(file_name="children.csv", content=content, user=None, encoding="utf-16").ok
    assert _names() == ["Zoë"]


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_upload_page_offers_the_encoding_and_imports_in_the_one_chosen(client, manager, media_root):
    client.force_login(manager)
    page = client.get(reverse("cases-import"))
    assert b'value="utf-8"' in page.content and b'value="cp1252"' in page.content

    upload = client.post(
        reverse("cases-import"),
        {"file": SimpleUploadedFile("children.csv", WINDOWS_1252), "encoding": "cp1252"},
    )
    preview = client.get(upload.url)
    assert preview.context["result"].ok
    assert b"Windows-1252 text" in preview.content

    client.post(reverse("cases-import-confirm", args=[upload.url.rstrip("/").rsplit("/", 1)[-1]]))
    assert _names() == ["Sinéad O’Brien", "Zoë Brontë"]


def test_a_refused_upload_is_read_again_in_the_encoding_picked_on_the_preview(client, manager, media_root):
    client.force_login(manager)
    upload = client.post(reverse("cases-import"), {"file": SimpleUploadedFile("children.csv", WINDOWS_1252)})
    token = upload.url.rstrip("/").rsplit("/", 1)[-1]
    preview = client.get(upload.url)
    assert not preview.context["result"].ok
    assert b"Row 2 is not valid UTF-8 text" in preview.content
    assert reverse("cases-import-encoding", args=[token]).encode() in preview.content

    again = client.post(reverse("cases-import-encoding", args=[token]), {"encoding": "cp1252"})
    assert again.status_code == 302 and again.url == reverse("cases-import-preview", args=[token])
    assert client.get(again.url).context["result"].ok
    client.post(reverse("cases-import-confirm", args=[token]))
    assert _names() == ["Sinéad O’Brien", "Zoë Brontë"]


def test_an_encoding_the_form_does_not_offer_is_refused(client, manager, media_root):
    client.force_login(manager)
    upload = client.post(reverse("cases-import"), {"file": SimpleUploadedFile("children.csv", WINDOWS_1252)})
    token = upload.url.rstrip("/").rsplit("/", 1)[-1]

    response = client.post(reverse("cases-import-encoding", args=[token]), {"encoding": "latin-1"})

    assert response.status_code == 200
    assert b"Select a valid choice" in response.content
    assert not client.get(upload.url).context["result"].ok  # still read as UTF-8


def test_the_command_line_import_takes_an_encoding(tmp_path):
    path = tmp_path / "children.csv"
    path.write_bytes(WINDOWS_1252)

    with pytest.raises(CommandError):
        call_command("import_cases", str(path), stdout=open("/dev/null", "w"), stderr=open("/dev/null", "w"))  # noqa: SIM115
    call_command("import_cases", str(path), "--encoding", "cp1252", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert _names() == ["Sinéad O’Brien", "Zoë Brontë"]


# Child IDs ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "stored"),
    [("EX0001", "EX0001"), ("ex0001", "EX0001"), (" EX 0001 ", "EX0001"), ("ex\u00a00001", "EX0001")],
)
def test_a_child_id_has_one_stored_form(written, stored):
    assert normalise_child_id(written) == stored


def test_an_imported_child_id_is_stored_in_upper_case_without_spaces():
    content = b"child_id,name\r\n ex 0001 ,Ann\r\n"

    assert cases_import(file_name="children.csv", content=content, user=None).ok
    assert list(m.Child.objects.values_list("child_id", flat=True)) == ["EX0001"]


def test_one_child_written_three_ways_in_one_file_is_a_clash_naming_both_rows():
    content = b"child_id,name\r\nEX0001,Ann\r\nex0001,Ann\r\nEX 0001,Ann\r\n"

    result = cases_import(file_name="children.csv", content=content, user=None)

    assert _errors(result) == [
        (
            3,
            "child_id",
            'Duplicate child_id (EX0001): row 2 has the same. "ex0001" here and "EX0001" there are the same '
            "child ID: child IDs are compared in upper case without spaces.",
        ),
        (
            4,
            "child_id",
            'Duplicate child_id (EX0001): row 2 has the same. "EX 0001" here and "EX0001" there are the same '
            "child ID: child IDs are compared in upper case without spaces.",
        ),
    ]
    assert not m.Child.objects.exists()


def test_an_import_finds_a_stored_child_however_its_id_is_written():
    child = ChildFactory.create(child_id="EX0001", name="Ann")
    enquiries = b"child_id,start_date\r\nex 0001,03/03/2014\r\n"
    children = b"child_id,name\r\nex0001,Ann Smith\r\n"

    assert cases_import(file_name="s47_enquiries.csv", content=enquiries, user=None).ok
    result = cases_import(file_name="children.csv", content=children, user=None)

    assert result.ok and result.counts["children"].updated == 1
    assert m.Child.objects.get() == child
    assert m.S47Enquiry.objects.get().child == child


def test_annex_a_rows_that_write_one_child_id_two_ways_are_one_child():
    header = "Child Unique ID,Strategy discussion initiating Section 47 Enquiry Start Date"
    content = f"{header}\r\nEX0001,03/03/2014\r\nex 0001,01/09/2014\r\n".encode()

    assert cases_import(file_name="list5.csv", content=content, user=None).ok
    assert list(m.Child.objects.values_list("child_id", flat=True)) == ["EX0001"]
    assert m.S47Enquiry.objects.filter(child__child_id="EX0001").count() == 2


def test_a_child_saved_by_hand_is_stored_normalised_and_unique_in_that_form():
    child = m.Child.objects.create(child_id=" ex 0001 ")
    assert child.child_id == "EX0001"
    assert m.Child.objects.get(child_id="EX 0001") == child  # an exact lookup compares the stored form

    form = modelform_factory(m.Child, fields=["child_id"])(data={"child_id": "Ex0001"})
    assert not form.is_valid()
    assert form.errors["child_id"] == ["Child with this Child ID already exists."]
    with pytest.raises(ValidationError):
        m.Child(child_id="ex 0001").full_clean()


def test_searches_and_the_api_find_a_child_however_its_id_is_written(client, manager):
    S47EnquiryFactory.create(child__child_id="EX0001")
    S47EnquiryFactory.create(child__child_id="EX0002")
    client.force_login(manager)

    children = client.get(reverse("cases-child-list"), {"child_id": "ex 000"})
    enquiries = client.get(reverse("cases-s47-list"), {"child_id": " ex 0001"})
    api = client.get(reverse("api-child-list"), {"child_id": "ex 0002"})

    assert {c.child_id for c in children.context["page"].object_list} == {"EX0001", "EX0002"}
    assert {e.child.child_id for e in enquiries.context["page"].object_list} == {"EX0001"}
    assert [row["child_id"] for row in api.json()["results"]] == ["EX0002"]


# The data migration -------------------------------------------------------------------------------------


def _store_as_written(child: m.Child, child_id: str) -> None:
    """As a row written before IDs were normalised (the field would normalise an UPDATE)."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_child SET child_id = %s WHERE id = %s", [child_id, child.pk])


def test_the_migration_normalises_stored_ids_and_reports_clashes_without_failing(caplog, capsys):
    migration = importlib.import_module("cases.migrations.0002_child_id_normalised")
    lone, first, second = ChildFactory.create(), ChildFactory.create(), ChildFactory.create()
    _store_as_written(lone, "ab 12")
    _store_as_written(first, "EX0001")
    _store_as_written(second, "ex 0001")

    with caplog.at_level(logging.WARNING):
        migration.normalise_child_ids(apps, None)

    stored = dict(m.Child.objects.values_list("pk", "child_id"))
    assert stored == {lone.pk: "AB12", first.pk: "EX0001", second.pk: "ex 0001"}
    assert "1 child ID(s) were left as they are" in caplog.text
    assert f"EX0001: 'EX0001' (id {first.pk}), 'ex 0001' (id {second.pk})" in capsys.readouterr().out


def test_a_child_id_of_only_invisible_characters_is_a_blank_not_an_empty_id():
    content = "child_id,name\r\n\u200b\u200b,Ann\r\n".encode()

    result = cases_import(file_name="children.csv", content=content, user=None)

    assert _errors(result) == [(2, "child_id", "A value is required, but the cell is blank.")]
