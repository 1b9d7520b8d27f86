"""The static files production serves, collected once per test process (a session fixture, imported by
tests/conftest.py)."""

from functools import partial
from unittest.mock import patch

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage

# The static files storage production uses (DEBUG off); tests/common/test_settings.py confirms it.
PRODUCTION_STATIC_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"


@pytest.fixture(scope="session")
def production_static(tmp_path_factory):
    """collectstatic with production's storage, run once per test process (no second Django start-up): the
    static files production serves, for the settings tests and for gunicorn in the benchmark tests.

    Gzip only: brotli at whitenoise's quality 11 takes most of a minute over the fonts and the admin's
    files, and is whitenoise's own code; the manifest, the hashed names and the compression step are ours to
    check."""
    root = tmp_path_factory.mktemp("static")
    storages = {**settings.STORAGES, "staticfiles": {"BACKEND": PRODUCTION_STATIC_STORAGE}}
    gzip_only = partial(Compressor, use_brotli=False)
    with (
        override_settings(STATIC_ROOT=root, STORAGES=storages),
        patch.object(
            CompressedManifestStaticFilesStorage, "create_compressor", lambda _, **kw: gzip_only(**kw)
        ),
    ):
        call_command("collectstatic", "--noinput", verbosity=0)
    return root
