"""Settings, read from the environment through the strict readers of config/env.py (django-environ).

Development runs with no configuration at all (SQLite, Celery tasks run in-process).
Production (DEBUG=false) refuses to start without SECRET_KEY and ALLOWED_HOSTS, and any process refuses
to start with a boolean, number or URL it cannot read (ImproperlyConfigured naming the variable).
"""

from datetime import timedelta
from pathlib import Path
from typing import Any

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config import queues, schedule
from config.env import BROKER_SCHEMES, RESULT_BACKEND_SCHEMES, StrictEnv

BASE_DIR = Path(__file__).resolve().parent.parent

env = StrictEnv()
StrictEnv.read_env(BASE_DIR / ".env")  # optional; a missing file is fine

DEBUG = env.bool("DEBUG", default=True)

if DEBUG:
    # A development-only key: never used when DEBUG is off.
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
else:
    SECRET_KEY = env.str("SECRET_KEY", default="")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY must be set (50+ characters) when DEBUG is false.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is false.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

COUNCIL_NAME = env.str("COUNCIL_NAME", default="Demo Borough Council")
# Benchmark packs (metrics.benchmark, docs/operations.md "Benchmark packs"): the code other councils know
# this one by, and its Ed25519 private key (PEM, made by `manage.py benchmark_keygen`) that signs its packs.
COUNCIL_CODE = env.str("COUNCIL_CODE", default="DEMO")
BENCHMARK_SIGNING_KEY_PATH = env.str("BENCHMARK_SIGNING_KEY_PATH", default="")
SERVICE_NAME = "Case audit tracker"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_forms_gds",
    "django_filters",
    "django_htmx",
    "simple_history",
    "rest_framework",
    "knox",  # API tokens: stored hashed, expiring; their scope in accounts.models.ApiTokenScope
    "drf_spectacular",
    "django_celery_beat",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "accounts",
    "common",
    "cases",
    "audits",
    "metrics",
    "actions",
    "reporting",
    "demo",  # synthetic data only: the generator, the demo audit, plan and report, load_demo
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "common.request_limits.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.IdleSessionMiddleware",  # the idle timeout: moves the session's expiry on
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Outside everything that answers for a signed-in user (the two-factor redirect included).
    "common.cache_control.NoStoreWhenSignedInMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "common.errors.ServiceNotFoundPageMiddleware",  # under DEBUG too, the service's own 404 page
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "common.context_processors.service",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections: each gunicorn worker keeps its connection for this many seconds instead of opening
# one per request (a new PostgreSQL backend process each time), and checks it still works before reusing it.
# 0 closes it after every request, as Django does by default.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60, min_value=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out log-ins before any password check
    "django.contrib.auth.backends.ModelBackend",
]

# Log-in lockout (django-axes), keyed on username AND client address together: staff behind one council
# proxy share an address, so one person's mistakes must not lock their colleagues out. And on the
# username alone, with a higher limit, so that guesses spread over many addresses cannot go on against
# one account (accounts.lockout.AccountLockoutHandler applies each limit to its own count).
AXES_HANDLER = "accounts.lockout.AccountLockoutHandler"
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5, min_value=1)
LOGIN_USERNAME_FAILURE_LIMIT = env.int("LOGIN_USERNAME_FAILURE_LIMIT", default=20, min_value=1)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=30, min_value=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "accounts.lockout.lockout_username"
AXES_CLIENT_IP_CALLABLE = "common.client_ip.client_ip"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# How many reverse proxies of our own sit in front of the app and append to X-Forwarded-For (0: none,
# the client address is REMOTE_ADDR). Never more than there really are: the header is otherwise forgeable.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0, min_value=0)

# Two-factor authentication (django-otp, TOTP): required for every role (accounts.two_factor).
TWO_FACTOR_REQUIRED = env.bool("TWO_FACTOR_REQUIRED", default=True)
OTP_TOTP_ISSUER = f"{SERVICE_NAME} ({COUNCIL_NAME})"
# A first authenticator app is set up only through a one-time link an administrator issues; it expires.
TWO_FACTOR_LINK_HOURS = env.int("TWO_FACTOR_LINK_HOURS", default=72, min_value=1)

# Optional single sign-on through the council's identity provider (OpenID Connect, mozilla-django-oidc):
# on only when OIDC_RP_CLIENT_ID is set, and then every endpoint must be set too. See docs/sso.md.
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
# The identity provider normally enforces MFA itself; then SSO sessions are not asked for a TOTP code.
OIDC_TRUSTS_IDP_MFA = env.bool("OIDC_TRUSTS_IDP_MFA", default=True)
if OIDC_ENABLED:
    OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env.service_url(
        "OIDC_OP_AUTHORIZATION_ENDPOINT", schemes={"https", "http"}
    )
    OIDC_OP_TOKEN_ENDPOINT = env.service_url("OIDC_OP_TOKEN_ENDPOINT", schemes={"https", "http"})
    OIDC_OP_USER_ENDPOINT = env.service_url("OIDC_OP_USER_ENDPOINT", schemes={"https", "http"})
    OIDC_OP_JWKS_ENDPOINT = env.service_url("OIDC_OP_JWKS_ENDPOINT", schemes={"https", "http"})
    OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
    OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid email profile")
    # Claim listing the user's groups or app roles, and how its values map to this app's roles.
    OIDC_ROLES_CLAIM = env.str("OIDC_ROLES_CLAIM", default="roles")
    OIDC_ROLE_MAP = env.dict("OIDC_ROLE_MAP", default={})
    LOGIN_REDIRECT_URL_FAILURE = "/login/"
    AUTHENTICATION_BACKENDS.append("accounts.oidc.CouncilOIDCBackend")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "d/m/Y"

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# In development whitenoise serves straight from the app's static folders (no collectstatic needed).
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG

# Uploaded files are kept outside the web root and served only through permission-checked views.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
# Generated panel reports (PDF), likewise outside the web root; the council's logo on them (SVG or PNG;
# a neutral placeholder when unset).
REPORTS_ROOT = env.path("REPORTS_ROOT", default=BASE_DIR / "var" / "reports")
COUNCIL_LOGO_PATH = env.str("COUNCIL_LOGO_PATH", default="")

# Action plan evidence (PDF, DOCX, XLSX, images): its own storage outside the web root, a size limit, and
# an optional virus-scan hook: a dotted path to a callable(file) -> bool (False refuses the file).
EVIDENCE_ROOT = env.path("EVIDENCE_ROOT", default=BASE_DIR / "var" / "evidence")
STORAGES["evidence"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": str(EVIDENCE_ROOT)},
}
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024, min_value=1)
EVIDENCE_SCAN_HOOK = env.str("EVIDENCE_SCAN_HOOK", default="") or None

# Upload limits: a case extract may be a few MB; refuse anything far larger before it is parsed.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=20 * 1024 * 1024, min_value=1)

# How long the access log is kept. Six years (6 x 365 days) by default: local authority retention
# schedules usually keep audit trails of access to children's records for six years (Limitation Act 1980
# s.2: six years to bring a claim), after which they are deleted daily (config/schedule.py).
# A list's filter form is rendered once per set of filters and options, then kept this long in the cache
# (common/templatetags/filter_forms.py); 0 renders it every time.
FILTER_FORM_CACHE_SECONDS = env.int("FILTER_FORM_CACHE_SECONDS", default=300, min_value=0)
ACCESS_LOG_RETENTION_DAYS = env.int("ACCESS_LOG_RETENTION_DAYS", default=6 * 365, min_value=1)
# Need to know: an auditor (or partner agency auditor) sees a case they were assigned, its case audit and
# the child's record, until this many days after the audit is locked (audits.access.current_assignments).
CASE_AUDIT_ACCESS_DAYS_AFTER_LOCK = env.int("CASE_AUDIT_ACCESS_DAYS_AFTER_LOCK", default=30, min_value=0)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Any request body (common/request_limits.py answers 413 above it): the largest upload plus its form.
REQUEST_MAX_BYTES = env.int("REQUEST_MAX_BYTES", default=IMPORT_MAX_BYTES + 1024 * 1024, min_value=1)

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# Email: Django's backend, the console in development (EMAIL_URL, e.g. smtp+tls://user:pass@host:587).
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="case-audit-tracker@localhost")
# Links in emails point here.
SITE_URL = env.service_url("SITE_URL", schemes={"http", "https"}, default="http://127.0.0.1:8000")
# Action reminders: owners each morning; managers a weekly digest on this weekday (0 = Monday).
ACTION_DIGEST_WEEKDAY = env.int("ACTION_DIGEST_WEEKDAY", default=0, min_value=0, max_value=6)
# Agreement between two scorers of the same questions (audits.agreement): a kappa below this is flagged
# "Poor agreement" (0.4 is the usual line between fair and moderate agreement).
AGREEMENT_POOR_BELOW = env.float("AGREEMENT_POOR_BELOW", default=0.4, min_value=-1, max_value=1)
# Feedback to practitioners (audits.feedback): the worker responds within this many working days of the
# feedback being sent (common.workdays), and one reminder goes this many working days before that.
FEEDBACK_RESPONSE_WORKING_DAYS = env.int("FEEDBACK_RESPONSE_WORKING_DAYS", default=10, min_value=1)
FEEDBACK_REMINDER_WORKING_DAYS_BEFORE = env.int(
    "FEEDBACK_REMINDER_WORKING_DAYS_BEFORE", default=2, min_value=0
)

# Security headers and cookies.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_TIMEOUT_SECONDS", default=30 * 60, min_value=1)
# The age above is an idle timeout: accounts.middleware.IdleSessionMiddleware moves a signed-in session's
# expiry on as it is used (saving it at most once a thirtieth of the age, not on every request).
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000, min_value=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Content Security Policy (django-csp): no inline script or style anywhere, nothing from other origins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Celery: with no broker configured, tasks run in-process so the app needs nothing else.
CELERY_BROKER_URL = env.service_url("CELERY_BROKER_URL", schemes=BROKER_SCHEMES, default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND: str | None = env.service_url(
    "CELERY_RESULT_BACKEND", schemes=RESULT_BACKEND_SCHEMES, default=CELERY_BROKER_URL or None
)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = schedule.CELERY_BEAT_SCHEDULE  # every periodic job, declared in config/schedule.py
# A queue per kind of work (metrics, reports, email, imports) besides the default one, and every task's
# queue named (config/queues.py; tests/common/test_queues.py fails on a task without one).
CELERY_TASK_DEFAULT_QUEUE = queues.DEFAULT
CELERY_TASK_QUEUES = queues.QUEUES
CELERY_TASK_ROUTES = queues.ROUTES
# A task's stored result also says which worker ran it and from which queue (`worker`, `queue`), besides
# its name and arguments (ids only: no task here takes personal data). Kept a day (result_expires).
CELERY_RESULT_EXTENDED = True
# Redis redelivers a message whose worker died without acknowledging it (acks_late) once it has been
# unacknowledged for visibility_timeout seconds: longer than the longest task, or a task still running
# is delivered again (the metrics run lock makes that harmless). Swept every interval x throttle seconds.
# When the worker loses Redis (a restart) a running task goes on, and its message is acknowledged once Redis
# is back; Celery 6 would instead cancel it, to run again from the start. Kept as it is, and said so here,
# as every task here is idempotent (tests/integration/test_worker_queues.py restarts Redis mid-task).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600, min_value=1),
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10, min_value=1),
    "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=10, min_value=1),
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "knox.auth.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated", "common.api.TokenScope"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
# API tokens (django-rest-knox): `manage.py api_token <username>` issues one, read-only unless --write.
# Knox's own token model (the accounts migration names it through this setting, as knox makes it swappable).
KNOX_TOKEN_MODEL = "knox.AuthToken"  # noqa: S105 (a model name, not a secret)
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=90, min_value=1)
API_TOKEN_MAX_DAYS = env.int("API_TOKEN_MAX_DAYS", default=365, min_value=1)
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=API_TOKEN_DAYS),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Case audit tracker API",
    "DESCRIPTION": "Read access to case records, audits and metrics, with the same permissions as the pages.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "ENUM_NAME_OVERRIDES": {
        "ActionStatusEnum": "actions.models.Action.Status",
        "ActionPlanStatusEnum": "actions.models.ActionPlan.Status",
    },
}

# One console handler, on the root: Django's own "django" console handler is dropped, or each of its lines
# (runserver's included) would print twice. A refused request (403) is a warning line without traceback.
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_client_error_traceback": {"()": "common.errors.ClientErrorWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.request": {"filters": ["no_client_error_traceback"]},
    },
}
if CELERY_TASK_ALWAYS_EAGER:
    # Tasks run in-process (no broker): no line per task, and no warning that there is no broker host.
    LOGGING["loggers"]["celery.app.trace"] = {"level": "WARNING"}
    LOGGING["loggers"]["kombu.connection"] = {"level": "ERROR"}
# django-axes prints its version banner in every process (each manage.py command, runserver twice).
AXES_VERBOSE = False

# Demo conveniences (demo log-ins on the login page) are only ever on in development.
DEMO_MODE = env.bool("DEMO_MODE", default=DEBUG)
# The demo signs its benchmark packs with a key `manage.py load_demo_packs` makes here, unless one is set.
DEMO_BENCHMARK_KEY_PATH = BASE_DIR / "var" / "demo-benchmark-key.pem"
if DEMO_MODE and not BENCHMARK_SIGNING_KEY_PATH:
    BENCHMARK_SIGNING_KEY_PATH = str(DEMO_BENCHMARK_KEY_PATH)
