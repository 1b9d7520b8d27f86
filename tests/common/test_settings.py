"""Production settings, loaded as production loads them: in a fresh process with DEBUG off."""

import json
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

from tests.static_files import PRODUCTION_STATIC_STORAGE

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(45),  # 60 characters
    "ALLOWED_HOSTS": "example.org",
}


def _manage(*args: str, **env: str | None) -> subprocess.CompletedProcess:
    # Nothing Django-specific from the test run leaks in (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE).
    inherited = {name: value for name, value in os.environ.items() if not name.startswith("DJANGO_")}
    merged = {**inherited, **PRODUCTION, **env}
    environ = {name: value for name, value in merged.items() if value is not None}
    return subprocess.run(  # noqa: S603  (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deploy_check_passes_with_no_warnings():
    assert len(PRODUCTION["SECRET_KEY"]) == 60
    result = _manage("check", "--deploy", "--fail-level", "WARNING")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "warning" not in output.lower()


@pytest.mark.parametrize("secret_key", ["", "too-short-to-be-a-real-key"])
def test_production_settings_refuse_an_empty_or_short_secret_key(secret_key):
    result = _manage("check", SECRET_KEY=secret_key)
    assert result.returncode != 0
    assert "SECRET_KEY must be set (50+ characters) when DEBUG is false." in result.stderr


def test_production_settings_refuse_to_load_without_a_secret_key():
    if (settings.BASE_DIR / ".env").exists():
        pytest.skip("a .env file may supply SECRET_KEY; the empty-key test covers this case")
    result = _manage("check", SECRET_KEY=None)
    assert result.returncode != 0
    assert "SECRET_KEY must be set (50+ characters) when DEBUG is false." in result.stderr


def test_production_settings_refuse_to_load_without_allowed_hosts():
    result = _manage("check", ALLOWED_HOSTS="")
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set when DEBUG is false." in result.stderr


def test_production_static_files_collect_with_the_manifest_storage(production_static):
    manifest = json.loads((production_static / "staticfiles.json").read_text())
    hashed = manifest["paths"]["govuk/app.css"]
    assert hashed != "govuk/app.css" and (production_static / hashed).exists()
    assert (production_static / f"{hashed}.gz").exists(), "collected files are compressed for whitenoise"


def test_celery_beat_runs_every_job_declared_in_the_schedule_module():
    from django.conf import settings

    from config.schedule import CELERY_BEAT_SCHEDULE

    assert settings.CELERY_BEAT_SCHEDULE == CELERY_BEAT_SCHEDULE
    assert "cases.tasks.s47_targets_refresh_task" in {job["task"] for job in CELERY_BEAT_SCHEDULE.values()}


@pytest.mark.django_db
def test_every_page_carries_a_content_security_policy_without_inline_script_or_style(client):
    policy = client.get("/login/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy


PRODUCTION_RESPONSE = """
import json, sys
from django.conf import settings
from django.test import Client

response = Client().get("/login/", secure=True, HTTP_HOST="example.org")
csrf = response.cookies[settings.CSRF_COOKIE_NAME]
print(json.dumps({
    "status": response.status_code,
    "headers": dict(response.headers),
    "csrf_cookie": {"secure": bool(csrf["secure"]), "samesite": csrf["samesite"]},
    "session_cookie": {
        "secure": settings.SESSION_COOKIE_SECURE,
        "httponly": settings.SESSION_COOKIE_HTTPONLY,
        "idle_seconds": settings.SESSION_COOKIE_AGE,
    },
    "insecure_redirect": Client().get("/login/", HTTP_HOST="example.org").headers.get("Location"),
    "static_storage": settings.STORAGES["staticfiles"]["BACKEND"],
}))
"""


@pytest.fixture(scope="module")
def production_response(production_static):
    result = _manage("shell", "-c", PRODUCTION_RESPONSE, STATIC_ROOT=str(production_static))
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_responses_carry_the_security_headers(production_response):
    headers = production_response["headers"]
    assert production_response["status"] == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_production_cookies_are_secure_and_the_session_cookie_is_http_only(production_response):
    assert production_response["csrf_cookie"] == {"secure": True, "samesite": "Lax"}
    assert production_response["session_cookie"] == {"secure": True, "httponly": True, "idle_seconds": 1800}


def test_production_serves_static_files_from_the_storage_the_collection_test_uses(production_response):
    assert production_response["static_storage"] == PRODUCTION_STATIC_STORAGE


def test_production_redirects_plain_http_to_https(production_response):
    assert production_response["insecure_redirect"] == "https://example.org/login/"


@pytest.mark.django_db
def test_a_signed_in_session_cookie_is_http_only(client, manager):
    response = client.post("/login/", {"username": manager.username, "password": "correct-horse-battery"})
    assert response.status_code == 302
    assert response.cookies[settings.SESSION_COOKIE_NAME]["httponly"]


def test_the_deploy_check_passes_with_single_sign_on_configured():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        OIDC_RP_CLIENT_ID="client",
        OIDC_RP_CLIENT_SECRET="secret",
        OIDC_OP_AUTHORIZATION_ENDPOINT="https://idp.example.test/authorize",
        OIDC_OP_TOKEN_ENDPOINT="https://idp.example.test/token",
        OIDC_OP_USER_ENDPOINT="https://idp.example.test/userinfo",
        OIDC_OP_JWKS_ENDPOINT="https://idp.example.test/keys",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout + result.stderr


def test_need_to_know_after_an_audit_is_locked_defaults_to_30_days():
    from config import settings as project_settings

    assert project_settings.CASE_AUDIT_ACCESS_DAYS_AFTER_LOCK == 30


@pytest.mark.parametrize("value", ["-1", "thirty"])
def test_a_need_to_know_period_that_is_not_a_whole_number_of_days_stops_the_app_starting(value):
    result = _manage("check", CASE_AUDIT_ACCESS_DAYS_AFTER_LOCK=value)
    assert result.returncode != 0
    assert "CASE_AUDIT_ACCESS_DAYS_AFTER_LOCK must be" in result.stderr
