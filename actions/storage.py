"""Where evidence files live: their own storage (settings STORAGES["evidence"]), outside every web root.

A FileSystemStorage under EVIDENCE_ROOT by default; an S3 (or other) backend can be configured there
later without touching the code. Files are only ever read back through the permission-checked
download view, never by URL.
"""

from django.core.files.storage import Storage, storages


def evidence_storage() -> Storage:
    # A callable, so the storage is looked up when used and tests can point it at a temporary folder.
    return storages["evidence"]
