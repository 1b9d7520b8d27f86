"""Signing a locust client in as production has people do it: the login form, then the code of their
authenticator app (two-factor is on, as shipped). Used by the load test (bench/locustfile.py, one sign-in
per simulated user) and the capacity benchmark (bench/capacity_locustfile.py, one sign-in per role whose
session cookie that role's simulated users share: a TOTP code is accepted once, so ten users cannot each
sign in as the same account within the same 30 seconds).

Each step is reported to locust under its own name: `log in (form)`, `log in`, `log in (two-factor code)`.
"""

import re

from django_otp.oath import totp
from locust.clients import HttpSession

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def sign_in(client: HttpSession, *, username: str, password: str, otp_key: str) -> str:
    """Signs `client` in (its cookie jar then holds the session); returns "" when signed in, else what went
    wrong, which is also marked as the failed step's failure in locust's figures."""
    form = client.get("/login/", name="log in (form)")
    with client.post(
        "/login/",
        {"username": username, "password": password, "csrfmiddlewaretoken": csrf_token(form.text)},
        name="log in",
        catch_response=True,
    ) as response:
        if "/two-factor/" not in response.url:
            problem = f"{username} was not asked for a two-factor code ({response.url})"
            response.failure(problem)
            return problem
    code = totp(bytes.fromhex(otp_key))
    with client.post(
        response.url,
        {"code": f"{code:06d}", "csrfmiddlewaretoken": csrf_token(response.text)},
        name="log in (two-factor code)",
        catch_response=True,
    ) as verified:
        if "/two-factor/" in verified.url or "/login" in verified.url:
            problem = f"{username} could not sign in with a two-factor code"
            verified.failure(problem)
            return problem
    return ""


def csrf_token(html: str) -> str:
    """The CSRF token of the first form in the page, or "" when it has none."""
    token = CSRF.search(html)
    return token[1] if token else ""
