"""Django settings for CaribClear.

Every setting that differs between machines comes from the environment, so the same code runs the
embedded SQLite demo and a PostgreSQL production site. See README.md for the variables.
"""

from __future__ import annotations

import os
import secrets
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("CARIBCLEAR_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("CARIBCLEAR_DEBUG", False)

_DEV_SECRET = "insecure-development-key-only-for-the-local-demo-and-tests"  # noqa: S105
#: Management commands that sign, encrypt and serve nothing: they run without a web secret (a throwaway one).
SECRETLESS_COMMANDS = frozenset({"screen_file"})
SECRET_KEY = os.environ.get("CARIBCLEAR_SECRET_KEY") or (_DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    if len(sys.argv) > 1 and Path(sys.argv[0]).name == "manage.py" and sys.argv[1] in SECRETLESS_COMMANDS:
        SECRET_KEY = secrets.token_urlsafe(50)
    else:
        raise SystemExit("Set CARIBCLEAR_SECRET_KEY (or CARIBCLEAR_DEBUG=1 for a local demo).")

ALLOWED_HOSTS = env_list("CARIBCLEAR_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CARIBCLEAR_CSRF_TRUSTED_ORIGINS")
# The public address used in links of e-mails and QR codes on certificates.
SITE_URL = os.environ.get("CARIBCLEAR_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_countries",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "caribclear.core",
    "caribclear.accounts",
    "caribclear.reference",
    "caribclear.vessels",
    "caribclear.clearance",
    "caribclear.screening",
    "caribclear.risk",
    "caribclear.intel",
    "caribclear.cargo",
    "caribclear.dashboards",
    "caribclear.training",
    "caribclear.partners",
    "caribclear.passengers",
    "caribclear.valuation",
    "caribclear.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "caribclear.core.headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "caribclear.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "caribclear.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "caribclear.core.resume.ResumeMiddleware",
    "caribclear.core.idempotency.IdempotencyMiddleware",
    "caribclear.core.problems.ApiProblemMiddleware",
]
# How the idempotency middleware (in core, which imports no app) finds the account behind an API token.
# UNCTAD's ASYCUDA World AWMDS schema (awmds.xsd, not shipped: no licence statement): AWMDS manifests are
# validated against it when set.
CARIBCLEAR_AWMDS_SCHEMA = os.environ.get("CARIBCLEAR_AWMDS_SCHEMA", "")
CARIBCLEAR_API_USER_LOOKUP = "caribclear.accounts.selectors.user_for_api_token"
# API POSTs that commit before answering (core/idempotency.py): all others run in one transaction with
# their Idempotency-Key claim. The boarding check screens in a worker thread that must see the list.
CARIBCLEAR_IDEMPOTENCY_COMMITTING_VIEWS = ["api:boarding_check"]
# API searches posted to keep names out of URLs: no Idempotency-Key, their answers never stored.
CARIBCLEAR_IDEMPOTENCY_SEARCH_VIEWS = ["api:intel_seizure_search", "api:intel_alert_search"]

ROOT_URLCONF = "caribclear.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "caribclear.accounts.context_processors.organisation",
            ],
        },
    },
]

WSGI_APPLICATION = "caribclear.wsgi.application"

# --- Database -------------------------------------------------------------------------------------
# DATABASE_URL selects the engine (postgres://user@host:5432/name in production). The default is an
# embedded SQLite file in WAL mode so a new user runs everything with no server.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'caribclear.sqlite3'}"),
        conn_max_age=int(os.environ.get("CARIBCLEAR_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
# A database that does not answer is a 503 within seconds (core/unavailable.py), never a hung request:
# PostgreSQL connections give up after CARIBCLEAR_DB_CONNECT_TIMEOUT seconds.
DB_CONNECT_TIMEOUT = int(os.environ.get("CARIBCLEAR_DB_CONNECT_TIMEOUT", "5"))
# A read replica (streaming replication) for dashboards and reports: DATABASE_REPLICA_URL. Without it those
# reads go to the default database. Views opt in with core.replica.replica_reads; writes never go there.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("CARIBCLEAR_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    # The test suite never builds a database on the replica: there the alias reads the test database.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
for _alias in DATABASES.values():
    if _alias["ENGINE"].startswith("django.db.backends.postgresql"):
        _alias.setdefault("OPTIONS", {})["connect_timeout"] = DB_CONNECT_TIMEOUT
CARIBCLEAR_REPLICA_READS = "replica" in DATABASES
DATABASE_ROUTERS = ["caribclear.core.replica.ReplicaRouter"]
# Seconds a client is told to wait (Retry-After) when the database is out of reach.
CARIBCLEAR_RETRY_AFTER_SECONDS = int(os.environ.get("CARIBCLEAR_RETRY_AFTER_SECONDS", "30"))
# Background workers (manage.py worker): a worker writes a heartbeat every few seconds; a job whose worker
# has not been seen for the lease is put back in the queue, at most CARIBCLEAR_JOB_MAX_ATTEMPTS times.
CARIBCLEAR_WORKER_HEARTBEAT_SECONDS = float(os.environ.get("CARIBCLEAR_WORKER_HEARTBEAT_SECONDS", "5"))
CARIBCLEAR_WORKER_LEASE_SECONDS = float(os.environ.get("CARIBCLEAR_WORKER_LEASE_SECONDS", "30"))
CARIBCLEAR_JOB_MAX_ATTEMPTS = int(os.environ.get("CARIBCLEAR_JOB_MAX_ATTEMPTS", "3"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and security ------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five failed logins for one account lock it for 30 minutes (officials and operators alike).
AXES_FAILURE_LIMIT = int(os.environ.get("CARIBCLEAR_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("CARIBCLEAR_LOGIN_LOCKOUT_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["username"]
# Lock-out is per account, not per address: a port office or a marina shares one public IP address, and
# locking it would shut out every officer or sailor behind it. Hence the silenced axes.W006 below. The
# account is the e-mail address as sign-in matches it (any case, outer spaces ignored).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "caribclear.accounts.lockout.normalised_username"
AXES_CLIENT_IP_CALLABLE = "caribclear.core.clientip.axes_client_ip"
# Beside it, one address may fail this many sign-ins (over all accounts) within the lock-out period.
CARIBCLEAR_LOGIN_IP_FAILURE_LIMIT = int(os.environ.get("CARIBCLEAR_LOGIN_IP_FAILURE_LIMIT", "50"))
# Registrations (new or of an address that has an account) from one address per hour.
CARIBCLEAR_REGISTRATION_IP_LIMIT = int(os.environ.get("CARIBCLEAR_REGISTRATION_IP_LIMIT", "20"))
# Behind a reverse proxy: the header it writes the client's address into, and how many proxies of
# yours stand in front of the application (the client is read that many entries from the right).
CARIBCLEAR_TRUSTED_PROXY_HEADER = os.environ.get("CARIBCLEAR_TRUSTED_PROXY_HEADER", "")
CARIBCLEAR_TRUSTED_PROXY_COUNT = int(os.environ.get("CARIBCLEAR_TRUSTED_PROXY_COUNT", "1"))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
OTP_TOTP_ISSUER = "CaribClear"

SESSION_COOKIE_AGE = 60 * 60 * 12
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("CARIBCLEAR_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("CARIBCLEAR_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish")), ("fr", _("French")), ("nl", _("Dutch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["caribclear.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# django-countries 9 takes ISO 3166's short names, some of which nobody uses in English ("Naoero",
# "Netherlands (Kingdom of the)"): the names people write, translated by our own catalogues.
COUNTRIES_OVERRIDE = {"NR": _("Nauru"), "NL": _("Netherlands")}
LANGUAGE_COOKIE_NAME = "caribclear_language"
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Files ----------------------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("CARIBCLEAR_STATIC_ROOT", PROJECT_DIR / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("CARIBCLEAR_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("CARIBCLEAR_PLAIN_STATIC")
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- E-mail ---------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "CARIBCLEAR_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("CARIBCLEAR_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("CARIBCLEAR_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("CARIBCLEAR_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("CARIBCLEAR_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("CARIBCLEAR_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("CARIBCLEAR_FROM_EMAIL", "CaribClear <no-reply@caribclear.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Processes that screen a long list (a ship's): 1, or 0 for every core (forked workers sharing the index,
# worth it only where cores are idle; see caribclear/screening/services/runs.py).
SCREENING_WORKERS = int(os.environ.get("CARIBCLEAR_SCREENING_WORKERS", "1"))

# --- Background tasks -----------------------------------------------------------------------------
# A database-backed queue that works on SQLite and PostgreSQL; run `manage.py worker` (db_worker with a heartbeat).
# CARIBCLEAR_TASKS_IMMEDIATE=1 runs tasks in-process after commit (tests, the single-process demo).
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if env_bool("CARIBCLEAR_TASKS_IMMEDIATE")
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default", "screening"],
    }
}

# Logs go to standard error: JSON lines (`core/logs.py`: time, level, logger, message, the request id and
# any extra fields; one `caribclear.access` line per request) unless CARIBCLEAR_LOG_FORMAT=plain, the
# default in debug.
LOG_FORMAT = os.environ.get("CARIBCLEAR_LOG_FORMAT", "plain" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "caribclear.core.logs.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "caribclear.core.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["request"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("CARIBCLEAR_LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # One line per request; CARIBCLEAR_ACCESS_LOG=0 leaves them to the proxy's own log.
        "caribclear.access": {"level": "INFO" if env_bool("CARIBCLEAR_ACCESS_LOG", True) else "WARNING"},
    },
}

# --- Health and metrics ---------------------------------------------------------------------------
# /metrics (Prometheus) answers a scraper that sends this token as `Authorization: Bearer <token>`, or
# one whose address is in the allow-list (addresses or networks: "10.0.0.0/8,127.0.0.1"); with neither
# set it answers 404. /healthz (liveness) and /readyz (readiness) are open.
CARIBCLEAR_METRICS_TOKEN = os.environ.get("CARIBCLEAR_METRICS_TOKEN", "")
CARIBCLEAR_METRICS_ALLOW = env_list("CARIBCLEAR_METRICS_ALLOW")

# --- Domain settings ------------------------------------------------------------------------------
# How long the officer queue keeps a tab's count (the list itself is always live).
QUEUE_COUNT_CACHE_SECONDS = int(os.environ.get("CARIBCLEAR_QUEUE_COUNT_CACHE_SECONDS", "30"))
# Currency declaration threshold (USD equivalent) above which the declaration must list the amount.
CURRENCY_DECLARATION_THRESHOLD_USD = int(os.environ.get("CARIBCLEAR_CURRENCY_THRESHOLD_USD", "10000"))
# Training credentials (Open Badges 3.0) are signed with this private EC P-256 key (a JWK as JSON).
# Without it, a key is generated into CREDENTIAL_KEY_FILE (the demo only; never in production).
CREDENTIAL_SIGNING_KEY = os.environ.get("CARIBCLEAR_CREDENTIAL_KEY", "")
CREDENTIAL_KEY_FILE = VAR_DIR / "credential-key.jwk" if DEBUG else None

# Customs valuation risk database (issue 13): the regional pooling rule CCLEC sets (a cell's statistics are
# used and shown only with at least min_lines lines from at least min_importers importers, none holding
# more than max_share of them) and the reference currency unit values are compared in.
VALUATION_POOLING = {
    "min_lines": int(os.environ.get("CARIBCLEAR_VALUATION_MIN_LINES", "20")),
    "min_importers": int(os.environ.get("CARIBCLEAR_VALUATION_MIN_IMPORTERS", "3")),
    "max_share": float(os.environ.get("CARIBCLEAR_VALUATION_MAX_SHARE", "0.5")),
}
VALUATION_CURRENCY = os.environ.get("CARIBCLEAR_VALUATION_CURRENCY", "USD")
# A process that loads declarations keeps the period's statistics between loads, so a refresh reads only the
# lines stored since (seconds instead of a re-read of every line of the touched headings), at the cost of
# about 200 MB of memory per million lines in that process: turn it on for the one process that loads.
VALUATION_KEEP_STATISTICS = env_bool("CARIBCLEAR_VALUATION_KEEP_STATISTICS", False)
