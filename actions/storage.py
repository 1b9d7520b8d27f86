"""Where evidence files live: their own storage (settings STORAGES["evidence"]), outside every web root.

A FileSystemStorage under EVIDENCE_ROOT by default; an S3 (or other) backend can be configured there
later without touching the code. Files are only ever read back through the permission-checked
download view, never by URL.
"""

from django.core.files.storage import Storage, storages


def evidence_storage() -> Storage:
    # Django calls a FileField's storage callable once, when the model is loaded: the code reads and writes
    # through this function instead of `Evidence.file`, so a changed STORAGES setting (tests) is followed.
    return storages["evidence"]
