"""Keeping an uploaded extract between its preview and the confirmed import.

The bytes go to MEDIA_ROOT/imports (outside the web root, never served) under a random token; the
session of the user who uploaded names the tokens it may use, so a token alone opens nothing. One
upload may hold several files (children, referrals, S47 enquiries...), imported as one: one token,
one file on disk for each.
"""

import contextlib
import hashlib
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.http import Http404

from cases.importing.reading import CSV_ENCODINGS, UTF_8

SESSION_KEY = "case_imports"
MAX_PENDING = 5  # uploads a session may hold at once; older ones are discarded
MAX_AGE_SECONDS = 24 * 60 * 60
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")


@dataclass(frozen=True)
class StoredFile:
    file_name: str
    content: bytes


@dataclass(frozen=True)
class StoredUpload:
    token: str
    files: tuple[StoredFile, ...]
    encoding: str = UTF_8  # the encoding chosen for the CSV files among them

    @property
    def file_name(self) -> str:
        """The files' names, as one line."""
        return ", ".join(f.file_name for f in self.files)


def upload_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def upload_store(session: SessionBase, *, files: list[StoredFile], encoding: str = UTF_8) -> str:
    """Keep the upload (one file or several, to import as one); returns its token."""
    if not files:
        raise ValueError("An upload holds at least one file")
    _discard_stale_files()
    token = secrets.token_urlsafe(24)
    upload_dir().mkdir(parents=True, exist_ok=True, mode=0o700)
    for index, stored in enumerate(files):
        path = _path(token, index)
        path.touch(mode=0o600)
        path.write_bytes(stored.content)
    pending = dict(session.get(SESSION_KEY, {}))
    pending[token] = {
        "files": [{"file_name": f.file_name, "sha256": hashlib.sha256(f.content).hexdigest()} for f in files],
        "encoding": encoding,
        "at": time.time(),
    }
    for old in sorted(pending, key=lambda t: pending[t]["at"])[:-MAX_PENDING]:
        _unlink(old, pending[old])
        del pending[old]
    session[SESSION_KEY] = pending
    return token


def upload_get(session: SessionBase, token: str) -> StoredUpload:
    """The upload this session stored under `token`; 404 for any other token or a tampered file."""
    entry = session.get(SESSION_KEY, {}).get(token) if _TOKEN.match(token) else None
    if not entry or "files" not in entry:  # none, or kept by an older release in another shape
        raise Http404("No such upload. It may have expired: upload the file again.")
    files = []
    for index, kept in enumerate(entry["files"]):
        path = _path(token, index)
        if not path.is_file():
            raise Http404("No such upload. It may have expired: upload the file again.")
        content = path.read_bytes()
        if hashlib.sha256(content).hexdigest() != kept["sha256"]:
            raise Http404("The upload has changed since it was checked: upload the file again.")
        files.append(StoredFile(kept["file_name"], content))
    return StoredUpload(token, tuple(files), entry.get("encoding", UTF_8))


def upload_set_encoding(session: SessionBase, token: str, encoding: str) -> None:
    """Read this session's upload in another encoding from now on (its preview and its import)."""
    upload_get(session, token)  # 404 for a token this session does not hold
    if encoding not in CSV_ENCODINGS:
        raise ValueError(f"Not an encoding a case extract is read in: {encoding!r}")
    pending = dict(session[SESSION_KEY])
    pending[token] = {**pending[token], "encoding": encoding}
    session[SESSION_KEY] = pending


def upload_discard(session: SessionBase, token: str) -> None:
    pending = dict(session.get(SESSION_KEY, {}))
    entry = pending.pop(token, None)
    if entry is not None:
        _unlink(token, entry)
        session[SESSION_KEY] = pending


def _path(token: str, index: int) -> Path:
    if not _TOKEN.match(token):
        raise Http404("No such upload.")
    return upload_dir() / f"{token}.{index}.upload"


def _unlink(token: str, entry: dict) -> None:
    for index in range(len(entry.get("files", ()))):
        _path(token, index).unlink(missing_ok=True)


def _discard_stale_files() -> None:
    cutoff = time.time() - MAX_AGE_SECONDS
    for path in upload_dir().glob("*.upload"):
        with contextlib.suppress(FileNotFoundError):  # another request may have removed it
            if path.stat().st_mtime < cutoff:
                path.unlink()
