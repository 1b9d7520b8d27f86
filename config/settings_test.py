"""Settings for the test suite: the real settings, with a fast password hasher and eager Celery."""

import os
from urllib.parse import urlsplit, urlunsplit

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("DEMO_MODE", "false")

from config.settings import *  # noqa: E402,F403

# Under pytest-xdist (`make test` runs two workers) each worker is a process with its own test database
# (pytest-django adds the suffix), and here its own Redis database and file folders, so two workers never
# take each other's Celery tasks or files. A run without xdist is worker "main".
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
_FOLDER = XDIST_WORKER or "main"

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Unit tests run tasks in-process; the worker integration tests start a real worker against Redis.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")
if XDIST_WORKER:  # worker gwN uses the Redis database N below the configured one (15, 14, ... by default)
    _url = urlsplit(CELERY_BROKER_URL)
    _db = int(_url.path.strip("/") or 0) - int(XDIST_WORKER.removeprefix("gw"))
    CELERY_BROKER_URL = urlunsplit(_url._replace(path=f"/{_db % 16}"))
CELERY_RESULT_BACKEND = None
MEDIA_ROOT = BASE_DIR / "var" / "test-media" / _FOLDER  # noqa: F405
REPORTS_ROOT = BASE_DIR / "var" / "test-reports" / _FOLDER  # noqa: F405
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
# Two-factor authentication is off for the suite; the log-in tests turn it on where they test it.
TWO_FACTOR_REQUIRED = False
# Django's test client.login() authenticates without a request, which django-axes refuses; this backend
# lets it through while keeping the lockout for every real log-in (tests/auth_backends.py).
AUTHENTICATION_BACKENDS = ["tests.auth_backends.AxesUnlessNoRequestBackend", *AUTHENTICATION_BACKENDS[1:]]  # noqa: F405
EVIDENCE_ROOT = BASE_DIR / "var" / "test-evidence" / _FOLDER  # noqa: F405
STORAGES["evidence"] = {  # noqa: F405
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": str(EVIDENCE_ROOT)},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The test databases are thrown away after the run: a commit need not wait for its WAL record to reach the
# disk. Every commit of the migrations, the live-server and transactional tests, and their flushes is
# otherwise an fsync (the PostgreSQL setting applies to this connection only; the server's stays as it is).
# And emptying the tables after a transactional test deletes their rows rather than truncating every table
# (tests/fast_flush_postgresql/base.py).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"]["ENGINE"] = "tests.fast_flush_postgresql"  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"  # noqa: F405
