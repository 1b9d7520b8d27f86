"""Evidence files: which types are accepted, checked by extension and by content, size, virus-scan hook.

A file is accepted only when its extension is one of ours AND its first bytes are what that type starts
with (a renamed executable is refused): PDF `%PDF-`; PNG, JPEG and GIF by their signatures; DOCX and XLSX
are zip packages holding `[Content_Types].xml` and their main part (`word/document.xml`,
`xl/workbook.xml`). Only the zip's directory is read, nothing is extracted.
"""

import dataclasses
import hashlib
import pathlib
import uuid
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils import timezone
from django.utils.module_loading import import_string

from actions.models import Evidence
from actions.storage import evidence_storage

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PNG, JPEG, GIF = "image/png", "image/jpeg", "image/gif"

ALLOWED_EXTENSIONS = {
    ".pdf": PDF,
    ".docx": DOCX,
    ".xlsx": XLSX,
    ".png": PNG,
    ".jpg": JPEG,
    ".jpeg": JPEG,
    ".gif": GIF,
}
ACCEPT = ",".join(ALLOWED_EXTENSIONS)  # the file input's accept attribute
TYPES_TEXT = "a PDF, a Word document (.docx), an Excel workbook (.xlsx) or an image (PNG, JPEG or GIF)"
OFFICE_MAIN_PART = {DOCX: "word/document.xml", XLSX: "xl/workbook.xml"}


def sniff(file) -> str | None:
    """The content type the file's bytes show, of the types we accept; None for anything else."""
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(file) as package:
                names = set(package.namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        finally:
            file.seek(0)
        if "[Content_Types].xml" in names:
            for content_type, main_part in OFFICE_MAIN_PART.items():
                if main_part in names:
                    return content_type
    return None


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


@dataclasses.dataclass(frozen=True)
class CheckedFile:
    file: File  # an upload, or a file the demo makes
    name: str
    extension: str
    content_type: str
    scan: str


def evidence_check(file: File) -> CheckedFile:
    """Accepts the file, or raises ValidationError with a message for the person who chose it."""
    name = pathlib.PurePath(file.name or "").name
    extension = pathlib.PurePath(name).suffix.lower()
    if extension not in ALLOWED_EXTENSIONS:
        raise ValidationError(f"{name or 'The selected file'} must be {TYPES_TEXT}", code="type")
    if file.size == 0:
        raise ValidationError(f"{name} is empty", code="empty")
    if file.size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError(
            f"{name} must be smaller than {megabytes(settings.EVIDENCE_MAX_BYTES)}", code="size"
        )
    if sniff(file) != ALLOWED_EXTENSIONS[extension]:
        raise ValidationError(
            f"{name} is not a real {extension[1:].upper()} file: its contents do not match its name",
            code="content",
        )
    return CheckedFile(
        file=file,
        name=name,
        extension=extension,
        content_type=ALLOWED_EXTENSIONS[extension],
        scan=_scan(file, name),
    )


def _scan(file, name: str) -> str:
    """Runs the EVIDENCE_SCAN_HOOK, if one is set: True is clean, False refuses the file."""
    hook_path = settings.EVIDENCE_SCAN_HOOK
    if not hook_path:
        return Evidence.Scan.NOT_SCANNED
    file.seek(0)
    clean = import_string(hook_path)(file)
    file.seek(0)
    if not clean:
        raise ValidationError(f"{name} did not pass the virus check", code="infected")
    return Evidence.Scan.CLEAN


def evidence_store(checked: CheckedFile) -> tuple[str, str]:
    """Saves the file under a random name; returns (stored name, sha256)."""
    digest = hashlib.sha256()
    checked.file.seek(0)
    for chunk in checked.file.chunks():
        digest.update(chunk)
    checked.file.seek(0)
    stored = evidence_storage().save(
        f"{timezone.now():%Y/%m}/{uuid.uuid4().hex}{checked.extension}", checked.file
    )
    return stored, digest.hexdigest()
