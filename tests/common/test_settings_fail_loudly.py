"""A setting the app cannot read stops it at start-up, naming the variable, instead of silently meaning
something else (TWO_FACTOR_REQUIRED=flase used to turn two-factor off)."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config.env import BROKER_SCHEMES, StrictEnv

LOAD_SETTINGS = "import config.settings as s; print(s.TWO_FACTOR_REQUIRED, s.AXES_FAILURE_LIMIT)"


def _load_settings(**env: str) -> subprocess.CompletedProcess:
    """config.settings imported in a fresh process, as every web, worker and manage.py process does."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("DJANGO_") and name not in {"DATABASE_URL", "CELERY_BROKER_URL"}
    }
    return subprocess.run(  # noqa: S603  (our own settings module, fixed arguments)
        [sys.executable, "-c", LOAD_SETTINGS],
        cwd=settings.BASE_DIR,
        env={**inherited, "DEBUG": "true", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("TWO_FACTOR_REQUIRED", "flase", "TWO_FACTOR_REQUIRED must be true or false, not 'flase'."),
        ("DEBUG", "ture", "DEBUG must be true or false, not 'ture'."),
        ("LOGIN_FAILURE_LIMIT", "five", "LOGIN_FAILURE_LIMIT must be a whole number, not 'five'."),
        ("IMPORT_MAX_BYTES", "20MB", "IMPORT_MAX_BYTES must be a whole number, not '20MB'."),
        ("SESSION_IDLE_TIMEOUT_SECONDS", "0", "SESSION_IDLE_TIMEOUT_SECONDS must be at least 1, not 0."),
        ("AGREEMENT_POOR_BELOW", "0,4", "AGREEMENT_POOR_BELOW must be a number such as 0.4, not '0,4'."),
        ("AGREEMENT_POOR_BELOW", "1.5", "AGREEMENT_POOR_BELOW must be at most 1, not 1.5."),
        ("DATABASE_URL", "postgress://u:pw@db:5432/casetrack", "DATABASE_URL must be a database URL"),
        (
            "DATABASE_URL",
            "postgres://u:pw@db:54x2/casetrack",
            "DATABASE_URL has a port that is not a number.",
        ),
        ("CELERY_BROKER_URL", "127.0.0.1:6379/0", "CELERY_BROKER_URL must be a URL starting"),
        ("EMAIL_URL", "smtp-tls://mail.example.org:587", "EMAIL_URL must be an email URL"),
        ("SITE_URL", "casetrack.example.org", "SITE_URL must be a URL starting http:// or https://"),
    ],
)
def test_the_settings_refuse_a_value_they_cannot_read_naming_the_variable(variable, value, message):
    result = _load_settings(**{variable: value})
    assert result.returncode != 0, result.stdout
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_a_database_url_refused_is_not_echoed_with_its_password():
    result = _load_settings(DATABASE_URL="postgress://casetrack:s3cret-pw@db:5432/casetrack")
    assert "DATABASE_URL" in result.stderr
    assert "s3cret-pw" not in result.stderr


def test_the_settings_read_the_values_they_know():
    result = _load_settings(TWO_FACTOR_REQUIRED="off", LOGIN_FAILURE_LIMIT=" 7 ")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "7"]


@pytest.mark.parametrize(("value", "expected"), [("true", True), ("Yes", True), ("1", True), ("OFF", False)])
def test_a_boolean_reads_the_usual_words(monkeypatch, value, expected):
    monkeypatch.setenv("SOME_FLAG", value)
    assert StrictEnv().bool("SOME_FLAG", default=not expected) is expected


@pytest.mark.parametrize("value", ["flase", "2", "enabled", "tru"])
def test_a_boolean_refuses_any_other_word(monkeypatch, value):
    monkeypatch.setenv("SOME_FLAG", value)
    with pytest.raises(ImproperlyConfigured, match=f"SOME_FLAG must be true or false, not '{value}'"):
        StrictEnv().bool("SOME_FLAG", default=True)


def test_an_unset_or_empty_setting_takes_its_default(monkeypatch):
    monkeypatch.delenv("SOME_NUMBER", raising=False)
    monkeypatch.setenv("SOME_FLAG", "")
    env = StrictEnv()
    assert env.int("SOME_NUMBER", default=3) == 3
    assert env.bool("SOME_FLAG", default=True) is True
    assert env.service_url("SOME_NUMBER", schemes=BROKER_SCHEMES, default="") == ""


def test_a_required_setting_that_is_missing_is_named(monkeypatch):
    monkeypatch.delenv("SOME_NUMBER", raising=False)
    with pytest.raises(ImproperlyConfigured, match="Set the SOME_NUMBER environment variable."):
        StrictEnv().int("SOME_NUMBER")


def test_a_number_outside_its_range_is_refused(monkeypatch):
    monkeypatch.setenv("ACTION_DIGEST_WEEKDAY", "7")
    with pytest.raises(ImproperlyConfigured, match="ACTION_DIGEST_WEEKDAY must be at most 6, not 7."):
        StrictEnv().int("ACTION_DIGEST_WEEKDAY", default=0, min_value=0, max_value=6)


def test_a_database_url_needs_a_database_name(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL must name the database"):
        StrictEnv().db("DATABASE_URL")


def test_good_urls_are_read_as_django_environ_reads_them(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u:pw@db:5432/casetrack")
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://redis:6379/0")
    env = StrictEnv()
    database = env.db("DATABASE_URL")
    assert (database["ENGINE"], database["HOST"], database["PORT"], database["NAME"]) == (
        "django.db.backends.postgresql",
        "db",
        5432,
        "casetrack",
    )
    assert env.service_url("CELERY_BROKER_URL", schemes=BROKER_SCHEMES) == "redis://redis:6379/0"
    assert (
        env.db("SQLITE_URL", default="sqlite:////srv/casetrack/db.sqlite3")["NAME"]
        == "/srv/casetrack/db.sqlite3"
    )


def test_every_setting_is_read_through_the_strict_readers():
    """A new setting read with a lenient reader (django-environ's own Env, or a URL read as plain text)
    would bring back the silent misreadings this module prevents."""
    import re

    source = (settings.BASE_DIR / "config" / "settings.py").read_text()

    assert "env = StrictEnv()" in source and "environ.Env(" not in source
    assert not re.findall(r'env\.str\("[A-Z_]*(?:_URL|_ENDPOINT|_BACKEND)"', source)
    assert not re.findall(r"env\((?!\w)", source)  # untyped reads
