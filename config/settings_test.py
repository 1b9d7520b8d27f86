"""Settings for the test suite: the real settings, with a fast password hasher and eager Celery."""

import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("DEMO_MODE", "false")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Unit tests run tasks in-process; the worker integration tests start a real worker against Redis.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")
CELERY_RESULT_BACKEND = None
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
# Two-factor authentication is off for the suite; the log-in tests turn it on where they test it.
TWO_FACTOR_REQUIRED = False
# Django's test client.login() authenticates without a request, which django-axes refuses; this backend
# lets it through while keeping the lockout for every real log-in (tests/auth_backends.py).
AUTHENTICATION_BACKENDS = ["tests.auth_backends.AxesUnlessNoRequestBackend", *AUTHENTICATION_BACKENDS[1:]]  # noqa: F405
EVIDENCE_ROOT = BASE_DIR / "var" / "test-evidence"  # noqa: F405
STORAGES["evidence"] = {  # noqa: F405
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": str(EVIDENCE_ROOT)},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
