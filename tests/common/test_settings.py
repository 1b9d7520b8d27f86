"""Production settings, loaded as production loads them: in a fresh process with DEBUG off."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(45),  # 60 characters
    "ALLOWED_HOSTS": "example.org",
}


def _manage(*args: str, **env: str | None) -> subprocess.CompletedProcess:
    # Nothing Django-specific from the test run leaks in (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE).
    inherited = {name: value for name, value in os.environ.items() if not name.startswith("DJANGO_")}
    environ = {**inherited, **PRODUCTION, **env}
    environ = {name: value for name, value in environ.items() if value is not None}
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


def test_production_static_files_collect_with_the_manifest_storage(tmp_path):
    result = _manage("collectstatic", "--noinput", STATIC_ROOT=str(tmp_path / "static"))
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "static" / "staticfiles.json").exists()


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
