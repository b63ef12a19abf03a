"""Settings of the programme portal, read from the environment (django-environ).

With nothing set, the portal runs on an embedded default: SQLite in ``var/``,
Celery tasks run in-process, e-mail printed to the console. Set ``DATABASE_URL``
and ``REDIS_URL`` to run on PostgreSQL and Redis.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
if (BASE_DIR / ".env").exists():
    env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env(
    "DJANGO_SECRET_KEY",
    default="django-insecure-local-development-key-change-me-in-production",
)
ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# --- Applications -----------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "csp",
    # The portal's core domain, then the programme's apps.
    "portal",
    "portal.accounts",
    "portal.schools",
    "portal.programme",
    "portal.audit",
    "portal.documents",
    "portal.imports",
    "portal.reminders",
    "applications",
    "review",
    "indicators",
    "assessment",
    "funding",
    "consulting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.PortalLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.SessionRefreshMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # django-axes must be last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.context_processors.navigation",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
}
# The tables' owner, used by ``manage.py migrate`` only (portal/management/commands/
# migrate.py); DATABASE_URL is then the application's role, which does not own the tables
# and so cannot alter them, nor empty or rewrite the audit trail (portal/dbroles.py).
DATABASE_MIGRATE = (
    env.db_url_config(env("DATABASE_MIGRATE_URL"))
    if env("DATABASE_MIGRATE_URL", default="")
    else None
)
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable database is reported (/healthz/, pages) in seconds, not minutes.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault(
        "connect_timeout", env.int("DJANGO_DB_CONNECT_TIMEOUT", default=5)
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portal",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery (broker, results and in-process fallback) ------------------------

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
# Without a broker, tasks run in-process, right after the transaction commits.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
# In-process mode: documents render in a background thread so that pages show progress.
PORTAL_DOCUMENTS_IN_THREAD = env.bool("PORTAL_DOCUMENTS_IN_THREAD", default=not REDIS_URL)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_TIME_LIMIT = 10 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 9 * 60
CELERY_TIMEZONE = "Asia/Taipei"
CELERY_TASK_DEFAULT_QUEUE = env("PORTAL_CELERY_QUEUE", default="celery")
# A message a killed worker had taken comes back after this long (Redis); the documents'
# leases below recover their documents much sooner.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 5 * 60}
# No document stays "being made" after a crash: the worker making one renews its lease
# every HEARTBEAT seconds; every worker sweeps every SWEEP seconds (and when it starts) and
# sends again a document whose lease is LEASE seconds old, or that waited WAITING_GRACE
# seconds past its due time. Worst case: LEASE + SWEEP = 65 s after the crash.
PORTAL_DOCUMENTS_HEARTBEAT_SECONDS = env.int("PORTAL_DOCUMENTS_HEARTBEAT_SECONDS", default=10)
PORTAL_DOCUMENTS_LEASE_SECONDS = env.int("PORTAL_DOCUMENTS_LEASE_SECONDS", default=45)
PORTAL_DOCUMENTS_SWEEP_SECONDS = env.int("PORTAL_DOCUMENTS_SWEEP_SECONDS", default=20)
PORTAL_DOCUMENTS_WAITING_GRACE_SECONDS = env.int(
    "PORTAL_DOCUMENTS_WAITING_GRACE_SECONDS", default=90
)
CELERY_BEAT_SCHEDULE = {
    "requeue-stale-documents": {
        "task": "portal.documents.tasks.requeue_stale_documents",
        "schedule": timedelta(minutes=10),
    },
}

# --- Accounts, login and sessions ---------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Sessions end after a period without activity (sliding expiry).
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_AGE", default=2 * 60 * 60)
# The expiry slides when the session is saved again: at most every SESSION_REFRESH_SECONDS
# (portal.middleware.SessionRefreshMiddleware), not on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = env.int("DJANGO_SESSION_REFRESH_SECONDS", default=5 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# With Redis, a page reads the session from the cache (no database query); each save still
# writes through to the database, so a restart of Redis signs nobody out. Without Redis the
# cache is per process (locmem), which cannot see another process's sign-out: database only.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# django-axes: throttle password guessing per account and address together (so that an
# attacker elsewhere cannot lock the real person out) and per address alone (guessing
# across many accounts), with a cool-off; a new password set through a reset link unlocks
# the account (portal/accounts/throttle.py).
AXES_HANDLER = "portal.accounts.throttle.PortalAxesHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
PORTAL_LOGIN_ADDRESS_FAILURE_LIMIT = env.int("PORTAL_LOGIN_ADDRESS_FAILURE_LIMIT", default=30)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_RESET_ON_SUCCESS = True
# The client's address: REMOTE_ADDR, or X-Forwarded-For when REMOTE_ADDR is one of these
# proxies (addresses or networks, e.g. "10.0.0.5,172.18.0.0/16"); nobody else's header
# is believed.
PORTAL_TRUSTED_PROXIES = env.list("DJANGO_TRUSTED_PROXIES", default=[])
AXES_CLIENT_IP_CALLABLE = "portal.accounts.throttle.client_ip"
# Password reset requests: at most so many per e-mail address and per client address
# within the window; over the limit the same answer, and nothing sent.
PORTAL_RESET_LIMIT_PER_ACCOUNT = env.int("PORTAL_RESET_LIMIT_PER_ACCOUNT", default=3)
PORTAL_RESET_LIMIT_PER_ADDRESS = env.int("PORTAL_RESET_LIMIT_PER_ADDRESS", default=10)
PORTAL_RESET_WINDOW_SECONDS = env.int("PORTAL_RESET_WINDOW_SECONDS", default=60 * 60)
AXES_LOCKOUT_CALLABLE = "portal.accounts.views.locked_out"
AXES_VERBOSE = False

# --- E-mail -------------------------------------------------------------------

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env(
    "DJANGO_DEFAULT_FROM_EMAIL", default="高職優質化輔助方案 <noreply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000")

# --- Language, time ---------------------------------------------------------

LANGUAGE_CODE = "zh-hant"
LANGUAGES = [("zh-hant", "繁體中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "portal_language"
USE_I18N = True
TIME_ZONE = "Asia/Taipei"
USE_TZ = True

# --- Files ------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Generated documents and attachments live outside any public URL: they are
# served only through views that check who may see them.
# A local folder by default; with PORTAL_S3_BUCKET set, an S3-compatible bucket (MinIO, …)
# that several web servers and workers share. Its credentials are read by boto3 from
# AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or an instance role), never kept here.
PRIVATE_MEDIA_ROOT = env.path("PORTAL_PRIVATE_MEDIA_ROOT", default=VAR_DIR / "private")
PORTAL_S3_BUCKET = env("PORTAL_S3_BUCKET", default="")
if PORTAL_S3_BUCKET:
    _s3_endpoint = env("PORTAL_S3_ENDPOINT_URL", default="") or None
    _PRIVATE_STORAGE = {
        "BACKEND": "portal.documents.storage.PrivateObjectStorage",
        "OPTIONS": {
            "bucket_name": PORTAL_S3_BUCKET,
            "endpoint_url": _s3_endpoint,
            "region_name": env("PORTAL_S3_REGION", default="us-east-1"),
            "location": env("PORTAL_S3_PREFIX", default=""),
            # MinIO and most self-hosted stores want path-style addresses.
            "addressing_style": env(
                "PORTAL_S3_ADDRESSING_STYLE", default="path" if _s3_endpoint else "auto"
            ),
            "signature_version": "s3v4",
            "verify": env.bool("PORTAL_S3_VERIFY_TLS", default=True),
        },
    }
else:
    _PRIVATE_STORAGE = {
        "BACKEND": "portal.documents.storage.PrivateStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    }
STORAGES = {
    "default": _PRIVATE_STORAGE,
    "private": _PRIVATE_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}
# WhiteNoise serves STATIC_ROOT (collectstatic); with debug on it also finds files in the
# apps and, unless this is off (`make run`), looks for changes on every request.
WHITENOISE_AUTOREFRESH = env.bool("PORTAL_STATIC_AUTOREFRESH", default=DEBUG)
PDF_FONT_DIR = BASE_DIR / "static" / "fonts"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
IMPORT_MAX_BYTES = env.int("PORTAL_IMPORT_MAX_BYTES", default=5 * 1024 * 1024)

# --- Forms ------------------------------------------------------------------

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
CRISPY_FAIL_SILENTLY = not DEBUG
FILTERS_EMPTY_CHOICE_LABEL = _("All")
FORMS_URLFIELD_ASSUME_HTTPS = True

# --- Security ---------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# --- Programme settings -------------------------------------------------------

# ELIG-1: the quality-certification threshold for every evaluation item.
PORTAL_ELIGIBILITY_ITEM_MINIMUM = "80"
# ITEM-3: a total average at or above this makes items 8 and 9 mandatory.
PORTAL_ITEMS_8_9_TOTAL_AVERAGE = "90"
# BUD-4: administrative overhead is capped at this share of 業務費.
PORTAL_BUDGET_OVERHEAD_CAP = env("PORTAL_BUDGET_OVERHEAD_CAP", default="0.15")
PORTAL_ATTACHMENT_MAX_BYTES = env.int("PORTAL_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
    },
}
