"""Generated report PDFs, kept in REPORTS_ROOT (outside the web root) and served only by a view that
checks the reader may see the version. The location is read on each call, so tests can point it at a
temporary folder."""

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage


def _storage() -> FileSystemStorage:
    return FileSystemStorage(location=settings.REPORTS_ROOT)


def pdf_save(name: str, content: bytes) -> str:
    storage = _storage()
    if storage.exists(name):
        storage.delete(name)  # a retried generation replaces its own half-written file
    return storage.save(name, ContentFile(content))


def pdf_read(name: str) -> bytes | None:
    storage = _storage()
    if not name or not storage.exists(name):
        return None
    with storage.open(name, "rb") as handle:
        return handle.read()
