"""Test-only authentication backends (named in config/settings_test.py)."""

from axes.backends import AxesStandaloneBackend


class AxesUnlessNoRequestBackend(AxesStandaloneBackend):
    """django-axes, except for Django's test client.login(), which passes no request to authenticate()."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
