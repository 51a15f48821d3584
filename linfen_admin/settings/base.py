"""Settings shared by every environment. Values that vary by deployment come from ``env``."""

import datetime
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "import_export",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "linfen_admin",
    "land",
    "subsidies",
    "approvals",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "linfen_admin.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "linfen_admin.middleware.SessionLimitsMiddleware",
    "linfen_admin.middleware.AccountSecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "linfen_admin.middleware.PermissionsPolicyMiddleware",
    "axes.middleware.AxesMiddleware",  # last: answers a locked-out sign-in
]

# Sign-in lockout (linfen_admin.lockout): per username OR per address, counted in the database (all workers agree).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "linfen_admin.lockout.lockout_response"
AXES_VERBOSE = False

FORM_RENDERER = "linfen_admin.forms.FormRenderer"
# Filters read 全部 for "no choice" (django-filter's setting; forms say 请选择, see ``linfen_admin.forms``).
FILTERS_EMPTY_CHOICE_LABEL = _("全部")
# A refused form post (CSRF) gets the product's page, inside its frame, with a way back.
CSRF_FAILURE_VIEW = "linfen_admin.error_views.csrf_failure"
ROOT_URLCONF = "linfen_admin.urls"
WSGI_APPLICATION = "linfen_admin.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "linfen_admin" / "admin_templates"],  # the admin's base_site.html (see there)
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "linfen_admin.context_processors.shell",
            ],
        },
    },
]

# SQLite is the zero-set-up default; DATABASE_URL (postgres://…) selects PostgreSQL through psycopg 3.
DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("CONN_MAX_AGE", 60))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
elif env_bool("DB_TRANSACTION_POOLER", False):
    # Behind PgBouncer in transaction mode a cursor cannot outlive its transaction: ``iterator()`` then reads in
    # client-side chunks instead of server-side cursors.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "linfen_admin.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workbench"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "linfen_admin.passwords.CharacterClassesValidator"},
    {"NAME": "linfen_admin.passwords.UsernameNotContainedValidator"},
]
# Sessions (等保 2.0): signed out after 30 idle minutes, and 8 hours after signing in whatever the activity; the
# session key is rotated at sign-in (Django's login does).
# Second factor (TOTP) for every account that can open 系统管理: on in production unless turned off.
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", False)
OTP_TOTP_ISSUER = "临汾市督办平台"
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_COOKIE_AGE = env_int("SESSION_MAX_HOURS", 8) * 3600

# Chinese first: zh-hans by default, English selectable; all dates in Asia/Shanghai.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# Uploaded documents are private: stored outside the web root and served only through views that check access.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = None
# Files held between a dry run and its confirmation (short-lived, never backed up: outside MEDIA_ROOT).
STAGING_ROOT = Path(env_str("STAGING_ROOT", str(VAR_DIR / "staging")))
# Files written by background jobs (exports), served only to their owner; kept 7 days, not backed up.
JOBS_ROOT = Path(env_str("JOBS_ROOT", str(VAR_DIR / "jobs")))
JOBS_KEEP_DAYS = 7
# Above these sizes a ledger export or an import confirmation runs as a background job with a progress bar.
EXPORT_INLINE_MAX_ROWS = env_int("EXPORT_INLINE_MAX_ROWS", 5000)
IMPORT_INLINE_MAX_ROWS = env_int("IMPORT_INLINE_MAX_ROWS", 5000)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
# Spreadsheet imports are bounded before and while they are read: data rows per kind of sheet, and what an xlsx (a
# zip) may unpack to, in bytes and as a compression ratio (an honest workbook packs 5–15 times).
IMPORT_MAX_ROWS = {
    "quota": env_int("IMPORT_MAX_ROWS_QUOTA", 200),
    "parcel": env_int("IMPORT_MAX_ROWS_PARCEL", 100_000),
}
IMPORT_MAX_UNPACKED_BYTES = env_int("IMPORT_MAX_UNPACKED_BYTES", 200 * 1024 * 1024)
IMPORT_MAX_COMPRESSION_RATIO = env_int("IMPORT_MAX_COMPRESSION_RATIO", 100)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "临汾市批而未用督办平台 <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)

# Celery: Redis broker when REDIS_URL is set. Without it, ``manage.py send_reminders`` runs the same code inline.
CELERY_BROKER_URL = REDIS_URL or "memory://"
# Background jobs (linfen_admin.jobs): "celery" with a broker, else "thread" (the web process); tests use "sync".
JOBS_RUNNER = env_str("JOBS_RUNNER", "")
# Long imports and exports can be given workers of their own, so that they never hold up the reminder sweep.
CELERY_TASK_ROUTES = {"linfen_admin.tasks.run_job_task": {"queue": env_str("JOBS_QUEUE", "celery")}}
CELERY_RESULT_BACKEND = None
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 10 * 60
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Beat's own bookkeeping lives with the rest of the local state, not in the repository.
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["linfen_admin.api.permissions.ModelPermissions"],
    "DEFAULT_PAGINATION_CLASS": "linfen_admin.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "linfen_admin.api.schema.AutoSchema",  # drf-spectacular's, plus the refusals
    "EXCEPTION_HANDLER": "linfen_admin.api.exceptions.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
    "DATE_FORMAT": "iso-8601",
    "DEFAULT_THROTTLE_RATES": {"token": "20/min"},
}

SPECTACULAR_SETTINGS = {
    "TITLE": "临汾市督办平台 API",
    "DESCRIPTION": "“批而未用”土地清理、技术改造专项资金、承接下放行政审批事项 — API v1",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "ENUM_NAME_OVERRIDES": {},
}

IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_SKIP_ADMIN_ACTION_EXPORT_UI = False

# Absolute links in e-mail digests; the outbox retries a failed digest with exponential waits.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
REMINDER_EMAIL_MAX_ATTEMPTS = env_int("REMINDER_EMAIL_MAX_ATTEMPTS", 10)
REMINDER_EMAIL_RETRY_BASE_SECONDS = env_int("REMINDER_EMAIL_RETRY_BASE_SECONDS", 60)
REMINDER_EMAIL_STALE_MINUTES = env_int("REMINDER_EMAIL_STALE_MINUTES", 30)

DEMO_PASSWORD = env_str("DEMO_PASSWORD", "linfen-demo-2022")

# One line per event: the root logger prints, Django's own loggers only add the mail to ADMINS on errors (Django's
# default config would also print them, twice under DEBUG). LOG_FORMAT=json for a log collector.
LOG_FORMAT = env_str("LOG_FORMAT", "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {"()": "linfen_admin.logformat.JsonFormatter"},
    },
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        },
        "mail_admins": {
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "class": "django.utils.log.AdminEmailHandler",
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django": {"handlers": ["mail_admins"], "level": "INFO", "propagate": True}},
}
# Who is told of a server error (500): "Name <a@b.gov.cn>, c@d.gov.cn".
ADMINS = [
    (address.split("<")[0].strip() or address.strip(), address.split("<")[-1].rstrip(">").strip())
    for address in env_str("ADMINS", "").split(",")
    if address.strip()
]

# The parcel map's background: a tile URL template (e.g. a 天地图 layer with its key) and its attribution. None by
# default: on a closed network the map draws the parcels on a plain background with a scale bar.
MAP_TILE_URL = env_str("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION", "")
MAP_FEATURE_CAP = env_int("MAP_FEATURE_CAP", 2000)  # past this many parcels in view, the map shows clusters

# Content-Security-Policy (django-csp): scripts, styles and everything else from this site only — no inline script
# or style anywhere (chart and map data travel in json_script elements); the map's tile server, when configured, is
# the one image source added. Permissions-Policy turns off what no page uses.
_TILE_ORIGIN = (
    "{0.scheme}://{0.netloc}".format(urlsplit(MAP_TILE_URL.replace("{s}", "*"))) if MAP_TILE_URL else ""
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *([_TILE_ORIGIN] if _TILE_ORIGIN else [])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"

SITE_TITLE = _("临汾市批而未用·技改资金·审批事项督办平台")

# Reminders: one daily sweep at 08:30 Asia/Shanghai (run exactly one beat process). The sweep derives what is
# due from the database, so a missed tick is caught up by the next run or by ``manage.py send_reminders``.
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE = {
    "daily-reminders": {
        "task": "linfen_admin.tasks.send_reminders_task",
        "schedule": crontab(hour=8, minute=30),
    },
    "flush-email-outbox": {
        "task": "linfen_admin.tasks.flush_outbox_task",
        "schedule": 15 * 60,
    },
}
