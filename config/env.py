"""Typed readers of the environment that refuse a value they cannot read, naming the variable.

django-environ parses the values; this makes it strict where it is lenient: its ``bool()`` reads any
word it does not know as False (``TWO_FACTOR_REQUIRED=flase`` would turn two-factor off), its ``int()``
fails with a bare ValueError that does not say which variable, and its URL readers accept any scheme.
A setting that cannot be read stops the process at start-up with ImproperlyConfigured instead.
"""

import math
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = frozenset({"true", "on", "yes", "y", "1"})
FALSE_WORDS = frozenset({"false", "off", "no", "n", "0"})

# Celery brokers and result backends this app is deployed with (Redis; amqp for RabbitMQ).
BROKER_SCHEMES = frozenset({"redis", "rediss", "amqp", "amqps", "pyamqp"})
RESULT_BACKEND_SCHEMES = frozenset({"redis", "rediss", "django-db", "rpc"})


class StrictEnv(environ.Env):
    """django-environ's Env, with readers that fail loudly on values they cannot read."""

    def _raw(self, var: str) -> str | None:
        """The variable's value, stripped; None when it is unset (an empty value counts as unset)."""
        value = self.ENVIRON.get(var)
        if value is None or not value.strip():
            return None
        return value.strip()

    def bool(self, var, default=environ.Env.NOTSET):
        value = self._raw(var)
        if value is None:
            return self._default(var, default)
        if value.lower() in TRUE_WORDS:
            return True
        if value.lower() in FALSE_WORDS:
            return False
        raise ImproperlyConfigured(f"{var} must be true or false, not {value!r}.")

    def int(
        self, var, default=environ.Env.NOTSET, *, min_value: int | None = None, max_value: int | None = None
    ):
        value = self._raw(var)
        if value is None:
            return self._default(var, default)
        try:
            number = int(value)
        except ValueError:
            raise ImproperlyConfigured(f"{var} must be a whole number, not {value!r}.") from None
        if min_value is not None and number < min_value:
            raise ImproperlyConfigured(f"{var} must be at least {min_value}, not {number}.")
        if max_value is not None and number > max_value:
            raise ImproperlyConfigured(f"{var} must be at most {max_value}, not {number}.")
        return number

    def float(
        self,
        var,
        default=environ.Env.NOTSET,
        *,
        min_value: float | None = None,
        max_value: float | None = None,
    ):
        """A decimal number such as 0.4; "nan", "inf" and words are refused (django-environ's float() raises a
        bare ValueError, and Python's float() reads "nan" and "infinity")."""
        value = self._raw(var)
        if value is None:
            return self._default(var, default)
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise ImproperlyConfigured(f"{var} must be a number such as 0.4, not {value!r}.")
        if min_value is not None and number < min_value:
            raise ImproperlyConfigured(f"{var} must be at least {min_value:g}, not {number:g}.")
        if max_value is not None and number > max_value:
            raise ImproperlyConfigured(f"{var} must be at most {max_value:g}, not {number:g}.")
        return number

    def db(self, var="DATABASE_URL", default=environ.Env.NOTSET, engine=None):
        value = self._raw(var)
        url = value if value is not None else self._default(var, default)
        # The URL may hold a password: the message names the variable and the part at fault, never the value.
        scheme = urlsplit(url).scheme
        if scheme not in self.DB_SCHEMES:
            raise ImproperlyConfigured(
                f"{var} must be a database URL such as postgres://user:password@host:5432/name "
                f"(scheme {scheme!r} is not a database)."
            )
        _check_port(var, url)
        if scheme != "sqlite" and not urlsplit(url).path.strip("/"):
            raise ImproperlyConfigured(f"{var} must name the database after the host (…/name).")
        return self.db_url_config(url, engine=engine)

    def email_url(self, var="EMAIL_URL", default=environ.Env.NOTSET, backend=None):
        value = self._raw(var)
        url = value if value is not None else self._default(var, default)
        scheme = urlsplit(url).scheme
        if scheme not in self.EMAIL_SCHEMES:
            raise ImproperlyConfigured(
                f"{var} must be an email URL such as smtp+tls://user:password@host:587 "
                f"(scheme {scheme!r} is not one of {', '.join(sorted(self.EMAIL_SCHEMES))})."
            )
        _check_port(var, url)
        return self.email_url_config(url, backend=backend)

    def service_url(self, var, *, schemes, default=environ.Env.NOTSET) -> str:
        """A URL kept as a string (a broker, a site address): its scheme is one of `schemes` and it has a host.

        An empty or unset value gives the default.
        """
        value = self._raw(var)
        if value is None:
            return self._default(var, default)
        parts = urlsplit(value)
        if parts.scheme not in schemes or (not parts.hostname and parts.scheme not in {"django-db", "rpc"}):
            raise ImproperlyConfigured(
                f"{var} must be a URL starting {' or '.join(f'{s}://' for s in sorted(schemes))} with a host."
            )
        _check_port(var, value)
        return value

    def _default(self, var, default):
        if default is self.NOTSET:
            raise ImproperlyConfigured(f"Set the {var} environment variable.")
        return default


def _check_port(var: str, url: str) -> None:
    try:
        urlsplit(url).port  # noqa: B018  (reading it is the check: a port that is not a number raises)
    except ValueError:
        raise ImproperlyConfigured(f"{var} has a port that is not a number.") from None
