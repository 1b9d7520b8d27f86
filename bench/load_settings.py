"""Settings for the load test (`make load`): production settings, served over plain HTTP on loopback.

Production marks the session and CSRF cookies Secure (HTTPS only) and redirects to HTTPS; the load test
talks to gunicorn directly on 127.0.0.1 with no TLS proxy in front, so those two are turned off here and
nothing else changes. Never use this module for a real deployment.
"""

from config.settings import *  # noqa: F403

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
