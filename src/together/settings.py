"""Django settings. Values that vary between installations come from :mod:`together.conf`."""

from datetime import timedelta
from pathlib import Path

import dj_database_url

from . import conf

_env = conf.read()

BASE_DIR = conf.BASE_DIR
PACKAGE_DIR = Path(__file__).resolve().parent

SECRET_KEY = _env["SECRET_KEY"]
DEBUG = _env["DEBUG"]
ALLOWED_HOSTS = _env["ALLOWED_HOSTS"]
CSRF_TRUSTED_ORIGINS = _env["CSRF_TRUSTED_ORIGINS"]
MIN_GROUP_SIZE = _env["MIN_GROUP_SIZE"]
OPERATOR_NAME = _env["OPERATOR_NAME"]
SUPPORT_EMAIL = _env["SUPPORT_EMAIL"]
RESPONSE_RATE_LIMIT = _env["RESPONSE_RATE_LIMIT"]
SIGN_IN_RATE_LIMIT = _env["SIGN_IN_RATE_LIMIT"]
API_RATE_LIMIT = _env["API_RATE_LIMIT"]
TRUSTED_PROXIES = _env["TRUSTED_PROXIES"]
SIGN_IN_LOCKOUT = _env["SIGN_IN_LOCKOUT"]
MAX_REQUEST_BYTES = _env["MAX_REQUEST_MB"] * 1024 * 1024
HEALTH_MIN_FREE_BYTES = _env["HEALTH_MIN_FREE_MB"] * 1024 * 1024
PASSWORD_RESET_TIMEOUT = 60 * 60 * _env["PASSWORD_RESET_HOURS"]
PASSWORD_RESET_RATE_LIMIT = _env["PASSWORD_RESET_RATE_LIMIT"]
PASSWORD_RESET_ACCOUNT_LIMIT = _env["PASSWORD_RESET_ACCOUNT_LIMIT"]
INVITATION_TIMEOUT = 60 * 60 * 24 * _env["INVITATION_DAYS"]
SIGNUP = _env["SIGNUP"]
SIGNUP_OPEN_DOMAINS = _env["SIGNUP_OPEN_DOMAINS"]
SIGNUP_LINK_TIMEOUT = 60 * 60 * _env["SIGNUP_LINK_HOURS"]
SIGNUP_RATE_LIMIT = _env["SIGNUP_RATE_LIMIT"]
AUDIT_LOG_DAYS = _env["AUDIT_LOG_DAYS"]
SOLO_RETENTION_DAYS = _env["SOLO_RETENTION_DAYS"]

INSTALLED_APPS = [
    "together.accounts",
    "together.frameworks",
    "together.partnerships",
    "together.reviews",
    "together.results",
    "together.actions",
    "together.releases",
    "together.imports",
    "together.reports",
    "together.api",
    "together.backups",
    "together.signin",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "together.operator",
    "together.messaging",
    "together.jobs",
    "together.solo",
    "together.feedback",
    "together.paper",
    "together.engagement",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "together.web",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "together.web.middleware.NoStore",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "together.web.languages.RememberLanguage",
    "django.middleware.csrf.CsrfViewMiddleware",
    "together.web.csrf.SendCsrfCookieOnlyWhenChanged",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "together.web.middleware.RefuseUnstorableText",
    "axes.middleware.AxesMiddleware",
    "together.signin.middleware.RequireMultiFactor",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "together.web.middleware.UnavailableWhenFull",
]

ROOT_URLCONF = "together.urls"
WSGI_APPLICATION = "together.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "together.web.context.service",
            ],
            "builtins": ["together.web.templatetags.govuk", "together.web.templatetags.fragments"],
        },
    }
]


def _database(url: str, *, prepared_statements: bool = True) -> dict:
    database = dj_database_url.parse(url, conn_max_age=600, conn_health_checks=True)
    if database["ENGINE"] == "django.db.backends.sqlite3":
        Path(database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        database["OPTIONS"] = {
            # IMMEDIATE takes the write lock when a transaction starts, so two writers queue on
            # the busy timeout instead of failing with "database is locked" on upgrade.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            # secure_delete: what a write removes, such as a draft's digest erased when it is
            # sent, is overwritten with zeros rather than left in the file's free space.
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;PRAGMA busy_timeout=20000;"
                "PRAGMA secure_delete=ON;"
            ),
        }
        # Tests use a file, not memory, so they run with WAL and the same locking as production.
        database["TEST"] = {"NAME": str(Path(database["NAME"]).with_name("test-together.sqlite3"))}
    elif database["ENGINE"] == "django.db.backends.postgresql":
        # Django's own backend with a health check that costs no query (see together.postgresql).
        database["ENGINE"] = "together.postgresql"
        if prepared_statements:
            # Server-side binding lets psycopg prepare a statement once a connection has run it
            # twice; PostgreSQL then skips parsing and planning it on every page (bench/README.md).
            # Added to what the URL's query gives (sslmode and the like), not in its place.
            database.setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=2)
    return database


DATABASES = {"default": _database(_env["DATABASE_URL"], prepared_statements=_env["POSTGRES_PREPARED_STATEMENTS"])}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"

# Content-Security-Policy (django-csp): scripts, styles, fonts and images from the service itself
# only, no inline script or style anywhere (the report page links its styles; the PDF carries
# them inline, outside any browser), no plugins, no framing, forms post only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Per-account lockout (django-axes): wrong passwords for one account, from any address, lock that
# account for a while; the per-address limit (SIGN_IN_RATE_LIMIT) slows anyone trying many accounts.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT, _lockout_seconds = _env["SIGN_IN_LOCKOUT"]
AXES_COOLOFF_TIME = timedelta(seconds=_lockout_seconds)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_CALLABLE = "together.web.clients.sign_in_name"
AXES_CLIENT_IP_CALLABLE = "together.web.clients.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # no record of successful sign-ins here
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# axes.W006 asks for lockout by address as well. Deliberately not: a council office or a school
# shares one address, and ten mistakes there would lock everyone in it out. Addresses are
# throttled instead (SIGN_IN_RATE_LIMIT, per minute), and accounts are locked by the name tried.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# Multi-factor authentication (django-otp): an authenticator app (TOTP) and ten recovery codes.
# django-otp's own growing delays after wrong codes are off: wrong codes are counted instead, per
# sign-in and per account, by together.signin (see docs/deploying.md), which says so plainly.
MFA_REQUIRED = _env["MFA_REQUIRED"]
OTP_TOTP_ISSUER = "Transforming Together"
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0

# Single sign-on with OpenID Connect (mozilla-django-oidc, through together.signin.oidc). The
# endpoints come from the issuer's discovery document unless they are given one by one.
OIDC_ISSUER = _env["OIDC_ISSUER"].rstrip("/")
OIDC_ENDPOINTS = {
    "authorization_endpoint": _env["OIDC_AUTHORIZATION_ENDPOINT"],
    "token_endpoint": _env["OIDC_TOKEN_ENDPOINT"],
    "userinfo_endpoint": _env["OIDC_USERINFO_ENDPOINT"],
    "jwks_uri": _env["OIDC_JWKS_ENDPOINT"],
}
OIDC_RP_CLIENT_ID = _env["OIDC_CLIENT_ID"]
OIDC_RP_CLIENT_SECRET = _env["OIDC_CLIENT_SECRET"]
OIDC_RP_SCOPES = _env["OIDC_SCOPES"]
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "sso-callback"
OIDC_BUTTON_LABEL = _env["OIDC_BUTTON_LABEL"]
OIDC_ALLOWED_DOMAINS = _env["OIDC_ALLOWED_DOMAINS"]
OIDC_CREATE_ACCOUNTS = _env["OIDC_CREATE_ACCOUNTS"]
OIDC_TRUSTS_MFA = _env["OIDC_TRUSTS_MFA"]

LOGIN_URL = "sign-in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en", "English"), ("cy", "Cymraeg")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
# The language of the last page read, remembered for a year (see together.web.languages).
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = _env["STATIC_ROOT"]
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every request without it
WHITENOISE_USE_FINDERS = DEBUG
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "together.web.storage.StaticStorage"},
}

EMAIL_BACKEND = _env["EMAIL_BACKEND"]
EMAIL_HOST = _env["EMAIL_HOST"]
EMAIL_PORT = _env["EMAIL_PORT"]
EMAIL_HOST_USER = _env["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _env["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = _env["EMAIL_USE_TLS"]
DEFAULT_FROM_EMAIL = _env["DEFAULT_FROM_EMAIL"]
EMAIL_TIMEOUT = _env["EMAIL_TIMEOUT"]
EMAIL_MAX_ATTEMPTS = _env["EMAIL_MAX_ATTEMPTS"]
EMAIL_RETRY_SECONDS = _env["EMAIL_RETRY_SECONDS"]
BACKGROUND_FILES_FROM = _env["BACKGROUND_FILES_FROM"]
PREPARED_FILE_HOURS = _env["PREPARED_FILE_HOURS"]
# Clean-ups together worker runs itself (see together.messaging.housekeeping); 0 turns them off.
CLEANUP_MINUTES = _env["CLEANUP_MINUTES"]
TASK_RESULT_DAYS = _env["TASK_RESULT_DAYS"]
NOTIFY_API_KEY = _env["NOTIFY_API_KEY"]
NOTIFY_TEMPLATE_ID = _env["NOTIFY_TEMPLATE_ID"]
NOTIFY_TEMPLATE_IDS = _env["NOTIFY_TEMPLATE_IDS"]
NOTIFY_BASE_URL = _env["NOTIFY_BASE_URL"]

SERVER_EMAIL = DEFAULT_FROM_EMAIL

# What every instance must share. Without REDIS_URL everything stays in the database: sessions,
# the rate-limit windows (together.reviews.ratelimit) and Django's cache, should anything use it
# (a table made by `together migrate`; nothing is cached in one process's memory). With REDIS_URL
# the cache is Redis, the rate-limit counts are atomic increments there, and sessions are read
# from Redis with the database as their durable copy (cached_db), so restarting Redis signs
# nobody out. Failed sign-ins and locks (django-axes) stay in the database either way: a lock
# must outlast a Redis restart or an eviction, and `together axes_reset_username` lifts one there.
REDIS_URL = _env["REDIS_URL"]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "together",
            "OPTIONS": {"socket_connect_timeout": 5, "socket_timeout": 5},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    RATE_LIMIT_STORE = "cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "together_cache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
    RATE_LIMIT_STORE = "database"

# Background tasks (email, imports) wait for `together worker`. By default they are rows in the
# service's own database, written in the same transaction as what they are about: no other server
# is needed. TASK_QUEUE=redis puts them on RQ instead (docs/deploying.md says what that trades).
TASK_QUEUE = _env["TASK_QUEUE"]
if TASK_QUEUE == "redis":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    # A job runs for an hour at most (a large import or PDF takes minutes); results are kept a day.
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 3600, "DEFAULT_RESULT_TTL": 86400}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

SESSION_COOKIE_HTTPONLY = True
# As the privacy notice says: signed-in sessions end with the browser, and after 12 hours at most.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = 60 * 60 * _env["SESSION_HOURS"]
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if _env["SECURE_PROXY_SSL_HEADER"]:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _env["SECURE_PROXY_SSL_HEADER"].upper().replace("-", "_"), "https")
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _env["SECURE_SSL_REDIRECT"]
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = False
    SILENCED_SYSTEM_CHECKS += ["security.W021"]  # HSTS preload is a domain owner's choice, not ours

# Request logs never hold the token of a respondent's or joining link: "Not Found: /i/…/".
# django.server (the development server's request lines) keeps Django's own handler and format.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_tokens": {"()": "together.reviews.keys.RedactTokens"}},
    "formatters": {
        "django.server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"}
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_tokens"]},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server", "filters": ["redact_tokens"]},
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django.request": {"filters": ["redact_tokens"]},
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "propagate": False,
            "filters": ["redact_tokens"],
        },
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

REST_FRAMEWORK = {
    # Tokens are stored as a SHA-512 hash with an expiry (django-rest-knox); see together.api.tokens.
    "DEFAULT_AUTHENTICATION_CLASSES": ["together.api.authentication.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["together.api.throttling.PerToken"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}
KNOX_TOKEN_MODEL = "knox.AuthToken"  # noqa: S105 - a model name; knox's migrations look this up; its own model, not swapped
REST_KNOX = {
    # Every token is given its own expiry when it is made (30, 90 or 365 days); none is renewed by use.
    "TOKEN_TTL": timedelta(days=90),
    "AUTO_REFRESH": False,
    "AUTH_HEADER_PREFIX": "Token",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Transforming Together API",
    "DESCRIPTION": "Read-only access to the partnerships, rounds, results and action plans you belong to.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "ENUM_NAME_OVERRIDES": {"ItemLevelEnum": ["theme", "statement"]},
}
