"""Django settings for Huzhu, read from environment variables only.

The embedded default (no variables set) is SQLite in WAL mode under ./var/, an in-memory channel
layer, a local-memory cache and the database task backend. ``HUZHU_DATABASE_URL`` switches to
PostgreSQL, ``HUZHU_REDIS_URL`` switches channel layer, cache and rate limits to Redis.
``HUZHU_ENV=production`` refuses to start without a real secret key and allowed hosts.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
HUZHU_ENV = env_str("HUZHU_ENV", "development")
PRODUCTION = HUZHU_ENV == "production"
TESTING = "pytest" in sys.modules or HUZHU_ENV == "test"
DATA_DIR = Path(env_str("HUZHU_DATA_DIR", str(BASE_DIR / "var")))

_DEV_SECRET = "huzhu-insecure-development-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env_str("HUZHU_SECRET_KEY", "" if PRODUCTION else _DEV_SECRET)
if PRODUCTION and (len(SECRET_KEY) < 50 or SECRET_KEY == _DEV_SECRET):
    raise ImproperlyConfigured(
        "HUZHU_ENV=production needs HUZHU_SECRET_KEY set to a random value of at least 50 characters."
    )
DEBUG = env_bool("HUZHU_DEBUG", default=not PRODUCTION and not TESTING)
ALLOWED_HOSTS = env_list(
    "HUZHU_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "HUZHU_ENV=production needs HUZHU_ALLOWED_HOSTS (comma-separated host names)."
    )
CSRF_TRUSTED_ORIGINS = env_list("HUZHU_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # API docs from local static files, so they work under the strict CSP
    "huzhu.core",
    "huzhu.audit",
    "huzhu.accounts",
    "huzhu.groups",
    "huzhu.aid",
    "huzhu.notifications",
    "huzhu.chat",
    "huzhu.resources",
    "huzhu.search",
    "huzhu.realtime",
    "huzhu.moderation",
    "huzhu.wellbeing",
    "huzhu.privacy",
    "huzhu.api",
    "huzhu.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Requests under /api/ continue through API_MIDDLEWARE below instead of the rest of this list.
    "huzhu.core.middleware.ApiMiddlewareFork",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "huzhu.core.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "huzhu.privacy.ratelimit.ApiRateLimitMiddleware",
    "huzhu.privacy.consent.ConsentMiddleware",
    "huzhu.web.middleware.HuzhuErrorMiddleware",
]
# The JSON API's chain (huzhu/core/middleware.py): the same order without static files, flash
# messages, axes (no password sign-in through the API) and the web re-consent redirect.
API_MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "huzhu.core.middleware.CSPMiddleware",
    "huzhu.privacy.ratelimit.ApiRateLimitMiddleware",
    "huzhu.web.middleware.HuzhuErrorMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:my_groups"
LOGOUT_REDIRECT_URL = "web:landing"

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
            ],
        },
    },
]

# --- HTTP -----------------------------------------------------------------------------------
# Plain HTTP on this many persistent threads per process through Django's WSGI handler
# (config/asgi.py, huzhu/core/http_threads.py): less CPU per request than Django's ASGI handler,
# which starts a thread per request. 0: Django's ASGI handler. WebSockets stay on Channels.
HTTP_THREADS = env_int("HUZHU_HTTP_THREADS", 4)

# --- database -------------------------------------------------------------------------------
DATABASE_URL = env_str("HUZHU_DATABASE_URL")
if DATABASE_URL:
    DB_POOL = env_int("HUZHU_DB_POOL", 0)
    # With HTTP threads every connection stays with its long-lived thread; Django's ASGI handler
    # runs each request in a new thread, where a kept connection would never be reused. (Tests
    # open connections in short-lived threads, which must not outlive them.)
    keep = 600 if HTTP_THREADS and not TESTING else 0
    DB_CONN_MAX_AGE = 0 if DB_POOL else env_int("HUZHU_DB_CONN_MAX_AGE", keep)
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=DB_CONN_MAX_AGE)}
    # Server-side parameter binding lets psycopg prepare the statements a connection runs
    # often (after HUZHU_DB_PREPARE_THRESHOLD runs), so PostgreSQL stops parsing and planning
    # them. On by default where connections are reused (HTTP threads or the pool); without
    # reuse nothing is prepared and server-side binding costs PostgreSQL more than client-side.
    postgres = "postgresql" in DATABASES["default"]["ENGINE"]
    if postgres and env_bool("HUZHU_DB_SERVER_BINDING", bool(HTTP_THREADS or DB_POOL)):
        DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = True
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = env_int(
            "HUZHU_DB_PREPARE_THRESHOLD", 5
        )
    if DB_POOL > 0:  # psycopg pool of this many connections per process
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": 2,
            "max_size": DB_POOL,
        }
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)  # so `huzhu migrate` works on a fresh clone too
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "huzhu.sqlite3"),
            "OPTIONS": {
                # WAL lets readers and the task worker run beside one writer; IMMEDIATE avoids
                # "database is locked" upgrades from read to write transactions.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
                "transaction_mode": "IMMEDIATE",
            },
            # Tests use a file too: an in-memory database shared between the live server's
            # threads locks whole tables ("database table is locked") where WAL would wait.
            "TEST": {"NAME": str(DATA_DIR / "test.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- redis: channel layer, cache, rate limits -------------------------------------------------
# Database threads per process for WebSocket sends and resyncs (SQLite keeps one writer anyway).
REALTIME_DB_THREADS = env_int("HUZHU_REALTIME_DB_THREADS", 8)

REDIS_URL = env_str("HUZHU_REDIS_URL")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # redis-py 8 times reads out after 5 s by default, which would end channels-redis's
            # blocking receive on any idle consumer; the layer waits as long as it needs.
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": None}]},
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("HUZHU_CACHE_PREFIX", "huzhu"),
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "huzhu"}
    }

# --- background tasks (django-tasks backport of django.tasks) ---------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- authentication ---------------------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is slow on purpose; tests sign up hundreds of users. tests/web/test_settings.py
    # checks that outside tests the list still starts with Argon2.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling: 5 failures per 30 minutes for one username from one IP address.
AXES_FAILURE_LIMIT = env_int("HUZHU_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("HUZHU_LOGIN_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "huzhu.accounts.lockout.lockout_response"
AXES_VERBOSE = False

# Versions of the documents a user consents to at sign-up.
PRIVACY_POLICY_VERSION = "2026-11-01"
COMMUNITY_RULES_VERSION = "2026-11-01"

# --- internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "huzhu" / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = env_str("HUZHU_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- static files -----------------------------------------------------------------------------
STATIC_URL = "/static/"
# Only production serves collected files; development and tests serve from the app folders.
STATIC_ROOT = DATA_DIR / "static" if PRODUCTION else None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# --- security ---------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("HUZHU_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("HUZHU_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'", "ws:", "wss:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- limits -----------------------------------------------------------------------------------
GROUP_DEFAULT_CAPACITY = 500
GROUP_MAX_CAPACITY = 2000
API_TOKEN_MAX_PER_USER = 20

# --- privacy (huzhu.privacy) ------------------------------------------------------------------
# Field encryption keys, newest first: "kid1:base64key,kid2:base64key" (32-byte AES keys).
FIELD_KEYS = env_str("HUZHU_FIELD_KEYS")
if not FIELD_KEYS:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "HUZHU_ENV=production needs HUZHU_FIELD_KEYS (kid:base64 32-byte key, newest first)."
        )
    from huzhu.privacy.crypto import development_keys

    FIELD_KEYS = development_keys(SECRET_KEY)
FIELD_INDEX_SECRET = env_str("HUZHU_FIELD_INDEX_KEY", SECRET_KEY)
ACCOUNT_DELETION_GRACE_DAYS = env_int("HUZHU_DELETION_GRACE_DAYS", 15)
RETENTION_DELETED_MESSAGES_DAYS = 30
RETENTION_SECURITY_LOG_DAYS = 183  # at least six months
# Export archives (encrypted with the field keys) can be downloaded for this long, then are deleted.
EXPORT_KEEP_HOURS = env_int("HUZHU_EXPORT_KEEP_HOURS", 48)
# API rate limits per minute (Zulip's default is 200 per user); off in tests unless a test asks.
RATE_LIMITS_ENABLED = env_bool("HUZHU_RATE_LIMITS", default=not TESTING)
API_RATE_PER_USER_MINUTE = env_int("HUZHU_API_RATE_PER_USER", 200)
API_RATE_ANON_PER_IP_MINUTE = env_int("HUZHU_API_RATE_ANON", 60)
# Posting: resources, questions and answers of one member share this budget (0 switches it off).
POSTING_RATE_PER_MEMBER = env_int("HUZHU_POSTING_RATE", 10)
POSTING_RATE_WINDOW_SECONDS = env_int("HUZHU_POSTING_RATE_WINDOW", 600)
# Outbound requests (webhooks) may reach private addresses only when this is on.
OUTBOUND_ALLOW_PRIVATE = env_bool("HUZHU_OUTBOUND_ALLOW_PRIVATE", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": env_str("HUZHU_LOG_LEVEL", "WARNING" if TESTING else "INFO"),
    },
}
