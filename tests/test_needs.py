"""A test that needs a missing service is skipped on a developer machine and fails in CI."""

import pytest

from tests.needs import unavailable


def test_without_ci_a_missing_service_skips_the_test(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no PostgreSQL here"):
        unavailable("no PostgreSQL here")


def test_in_ci_a_missing_service_fails_the_test(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="no PostgreSQL here"):
        unavailable("no PostgreSQL here")
