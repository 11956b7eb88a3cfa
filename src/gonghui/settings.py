"""Settings: one environment-driven file (DESIGN.md "Environment")."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from gonghui.core.env import check_production, is_production, read_or_create_key, var_dir

BASE_DIR = Path(__file__).resolve().parent
PRODUCTION = is_production()
if PRODUCTION:
    check_production()
VAR_DIR = var_dir()

if PRODUCTION:
    SECRET_KEY = os.environ["SECRET_KEY"]
    GONGHUI_PII_KEY = os.environ["GONGHUI_PII_KEY"]
    ALLOWED_HOSTS = [h.strip() for h in os.environ["ALLOWED_HOSTS"].split(",") if h.strip()]
else:
    SECRET_KEY = os.environ.get("SECRET_KEY") or read_or_create_key(VAR_DIR / "secret_key")
    GONGHUI_PII_KEY = os.environ.get("GONGHUI_PII_KEY") or read_or_create_key(
        VAR_DIR / "pii_key", generate=os.urandom(32)
    )
    ALLOWED_HOSTS = [
        h.strip()
        for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
        if h.strip()
    ]
# Older PII keys stay readable until `gonghui rotate_keys` has re-encrypted everything.
GONGHUI_PII_OLD_KEYS = [k for k in os.environ.get("GONGHUI_PII_OLD_KEYS", "").split(",") if k]
if not PRODUCTION and (VAR_DIR / "pii_old_keys").exists():  # left by `gonghui rotate_keys`
    GONGHUI_PII_OLD_KEYS += (VAR_DIR / "pii_old_keys").read_text().split()

DEBUG = os.environ.get("GONGHUI_DEBUG", "") == "1" and not PRODUCTION

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "django_prometheus",
    "gonghui.core",
    "gonghui.orgs",
    "gonghui.accounts",
    "gonghui.members",
    "gonghui.assistance",
    "gonghui.democracy",
    "gonghui.voice",
    "gonghui.governance",
    "gonghui.benefits",
    "gonghui.honors",
    "gonghui.stats",
    "gonghui.demo",
]

# Sessions, CSRF, authentication, messages and htmx are Django's and django-htmx's, standing aside
# for a bearer-token call of /api/ (core.middleware.token_api_request: the API's lean path).
MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "gonghui.core.observability.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "gonghui.core.middleware.ContentSecurityPolicyMiddleware",
    "gonghui.core.middleware.SessionMiddleware",
    "gonghui.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "gonghui.core.middleware.CsrfViewMiddleware",
    "gonghui.core.middleware.AuthenticationMiddleware",
    "gonghui.core.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "gonghui.core.middleware.HtmxMiddleware",
    # After authentication so that the 400 page shows the officer's menu.
    "gonghui.core.middleware.InvalidInputMiddleware",
    "gonghui.core.middleware.RequestContextMiddleware",
    "gonghui.core.observability.DatabaseUnavailableMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "gonghui.urls"
WSGI_APPLICATION = "gonghui.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gonghui.core.context_processors.shell",
            ],
        },
    }
]

DEFAULT_SQLITE_URL = f"sqlite:///{VAR_DIR / 'gonghui.sqlite3'}"
DATABASE_URL = os.environ.get("DATABASE_URL") or DEFAULT_SQLITE_URL
if not DATABASE_URL.startswith(("sqlite://", "postgres://", "postgresql://")):
    raise ImproperlyConfigured("DATABASE_URL must start with sqlite:/// or postgres://")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the task worker and the server work side by side; IMMEDIATE avoids
        # "database is locked" on lock upgrades inside write transactions.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    if DATABASES["default"]["NAME"] and DATABASES["default"]["NAME"] != ":memory:":
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
# A streaming replica for the read-only heavy paths (core.replicas): dashboards, statistics,
# reports and exports read there while its replay lag is under GONGHUI_REPLICA_MAX_LAG seconds.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=60)
    DATABASES["replica"].setdefault("OPTIONS", {})["connect_timeout"] = 2
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # a restarted server costs one retry, not a 500
# The same backend, whose health check skips the round trip on a connection used moments ago.
for _alias in DATABASES.values():
    if _alias["ENGINE"] == "django.db.backends.postgresql":
        _alias["ENGINE"] = "gonghui.core.pgbackend"
DATABASE_ROUTERS = ["gonghui.core.replicas.ReplicaRouter"]
GONGHUI_REPLICA_MAX_LAG = float(os.environ.get("GONGHUI_REPLICA_MAX_LAG", "10"))
GONGHUI_REPLICA_CHECK_SECONDS = float(os.environ.get("GONGHUI_REPLICA_CHECK_SECONDS", "2"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["gonghui.accounts.backends.UsernameOrPhoneBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Lockout: this many failed logins within the window lock the account for the window.
GONGHUI_LOGIN_MAX_FAILURES = int(os.environ.get("GONGHUI_LOGIN_MAX_FAILURES", "5"))
GONGHUI_LOGIN_LOCK_MINUTES = int(os.environ.get("GONGHUI_LOGIN_LOCK_MINUTES", "15"))
# Password checks one client address may ask for, over all accounts (count/seconds).
GONGHUI_LOGIN_CLIENT_RATE = os.environ.get("GONGHUI_LOGIN_CLIENT_RATE", "100/600")
GONGHUI_TOKEN_RATE = os.environ.get("GONGHUI_TOKEN_RATE", "10/60")  # attempts / seconds per IP
# Proxies in front of the app that append to X-Forwarded-For (nginx in deploy/: 1); the client
# address of audit rows and limit keys is the entry that many from the right (core.net).
GONGHUI_TRUSTED_PROXIES = int(os.environ.get("GONGHUI_TRUSTED_PROXIES", "0"))
# Typed card codes one merchant may try per card (members.services.cards.card_verify):
# count/seconds.
GONGHUI_CARD_CODE_GUESS_RATE = os.environ.get("GONGHUI_CARD_CODE_GUESS_RATE", "10/600")
GONGHUI_TOKEN_DAYS = int(os.environ.get("GONGHUI_TOKEN_DAYS", "30"))

# Audit retention: default three years, never under six months (网络安全法 §21).
GONGHUI_AUDIT_RETENTION_DAYS = int(os.environ.get("GONGHUI_AUDIT_RETENTION_DAYS", "1095"))
# An audit action code without a registered label: refused when True (the test suite), only
# logged when False (production must not lose a user's work over a missing label).
GONGHUI_STRICT_AUDIT_ACTIONS = False
# Reading a path model from a view, API or selector without for_viewer() or unscoped(reason=)
# raises (ADR 0020); on in the tests, off in production where it would only cost.
GONGHUI_STRICT_SCOPE = False
# Uploaded rosters with their problem-row workbooks, and finished exports: days kept on disk.
GONGHUI_IMPORT_FILE_RETENTION_DAYS = int(os.environ.get("GONGHUI_IMPORT_FILE_RETENTION_DAYS", "30"))
GONGHUI_EXPORT_FILE_RETENTION_DAYS = int(os.environ.get("GONGHUI_EXPORT_FILE_RETENTION_DAYS", "30"))
if GONGHUI_AUDIT_RETENTION_DAYS < 183:
    raise ImproperlyConfigured("GONGHUI_AUDIT_RETENTION_DAYS may not be under 183 days")

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "gonghui.core.redis_cache.RedisCache", "LOCATION": REDIS_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Tasks: the database backend (worker: `gonghui db_worker`), or RQ when REDIS_URL is set
# (worker: `gonghui rqworker --job-class django_tasks_rq.Job default`).
if REDIS_URL:
    INSTALLED_APPS.append("django_rq")  # the rqworker command; RQBackend's system check wants it
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
# Scheduled jobs (gonghui scheduler): the lock that lets one scheduler fire each cron time —
# "advisory" (PostgreSQL), "redis" or "row"; empty: advisory on PostgreSQL, else Redis where
# REDIS_URL is set, else the run-history row (core.scheduler).
GONGHUI_SCHEDULER_LOCK = os.environ.get("GONGHUI_SCHEDULER_LOCK", "")
# The counters' covering indexes (INCLUDE value) are PostgreSQL's; SQLite builds them without
# the included column, which is what the embedded demo needs.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "GONGHUI_TASK_BACKEND",
            "django_tasks_rq.RQBackend" if REDIS_URL else "django_tasks_db.DatabaseBackend",
        )
    }
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
GONGHUI_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = os.environ.get("GONGHUI_SSL_REDIRECT", "1") == "1"
    SECURE_HSTS_SECONDS = 31536000
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# Logs on stderr: one JSON object per line in production (GONGHUI_LOG_FORMAT=json, the
# default there), plain text in the demo. Request lines: core.observability.
GONGHUI_LOG_FORMAT = os.environ.get("GONGHUI_LOG_FORMAT", "json" if PRODUCTION else "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "gonghui.core.observability.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "json" if GONGHUI_LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["stderr"], "level": os.environ.get("GONGHUI_LOG_LEVEL", "WARNING")},
    "loggers": {
        # One line per request when asked for (production sets GONGHUI_REQUEST_LOG=1).
        "gonghui.request": {
            "level": "INFO" if os.environ.get("GONGHUI_REQUEST_LOG", "") == "1" else "WARNING"
        }
    },
}

NINJA_PAGINATION_PER_PAGE = 50

# Who may read /metrics (Prometheus on the monitoring network; nginx does not pass it on).
GONGHUI_METRICS_ALLOW = [
    a.strip()
    for a in os.environ.get("GONGHUI_METRICS_ALLOW", "127.0.0.1/32,::1/128").split(",")
    if a.strip()
]

# Notifications (core.notify): backends by channel; SMS and WeChat gateways plug in here.
GONGHUI_NOTIFY_BACKENDS = {
    "inbox": "gonghui.core.notify.DatabaseBackend",
    "console": "gonghui.core.notify.ConsoleBackend",
    # Members without a login get short messages; a deployment points this at its gateway
    # (a subclass of gonghui.core.notify.SmsBackend). Demo and tests write them to the log.
    "sms": os.environ.get("GONGHUI_SMS_BACKEND", "gonghui.core.notify.ConsoleBackend"),
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
GONGHUI_IMPORT_MAX_BYTES = int(os.environ.get("GONGHUI_IMPORT_MAX_BYTES", str(50 * 1024 * 1024)))
# Hostile files (core.importing.guard): a workbook is refused before parsing when its first
# sheet declares more rows or columns than these, when its zip holds too many parts or
# inflates past the size; the sheet is read in a child process under an address-space limit
# (MB; 0 reads in the worker itself). A 1,000,000-row roster needs about 2 GB there.
GONGHUI_IMPORT_MAX_ROWS = int(os.environ.get("GONGHUI_IMPORT_MAX_ROWS", "1100000"))
GONGHUI_IMPORT_MAX_COLUMNS = int(os.environ.get("GONGHUI_IMPORT_MAX_COLUMNS", "100"))
GONGHUI_IMPORT_MAX_UNCOMPRESSED = int(
    os.environ.get("GONGHUI_IMPORT_MAX_UNCOMPRESSED", str(2 * 1024 * 1024 * 1024))
)
GONGHUI_IMPORT_MAX_ZIP_ENTRIES = int(os.environ.get("GONGHUI_IMPORT_MAX_ZIP_ENTRIES", "10000"))
GONGHUI_IMPORT_MEMORY_MB = int(os.environ.get("GONGHUI_IMPORT_MEMORY_MB", "4096"))
# A running import whose worker has not reported for this long (another host), or whose
# process is gone (this host), is marked failed by core.import_reap; its rows were never
# committed (the import is one transaction).
GONGHUI_IMPORT_STALE_SECONDS = int(os.environ.get("GONGHUI_IMPORT_STALE_SECONDS", "120"))
