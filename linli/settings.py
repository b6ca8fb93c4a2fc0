"""Linli settings. Production differs from development only by environment variables.

LINLI_DATA_DIR      folder for the SQLite file, uploads and keys (default ./data)
DATABASE_URL        postgres://… switches from the embedded SQLite file to PostgreSQL
DEBUG               off unless set (the demo sets it)
SECRET_KEY          required when DEBUG is off
ALLOWED_HOSTS       comma-separated (default localhost names)
LINLI_FIELD_KEYS    comma-separated Fernet keys for sensitive fields; the first encrypts, all decrypt
LINLI_HASH_KEY      key for the keyed hash that lets ID numbers and phones be searched
"""

import re
from pathlib import Path

from cryptography.fernet import Fernet

from linli.env import EnvError, env_bool, env_database, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("LINLI_DATA_DIR", str(Path.cwd() / "data"))).resolve()

DEBUG = env_bool("DEBUG", False)
TESTING = env_bool("LINLI_TESTING", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "linli-development-only-not-secret"  # noqa: S105
    else:
        raise EnvError("SECRET_KEY 未设置：生产环境必须设置一个随机密钥（开发时可设置 DEBUG=1）。")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "django_htmx",
    "django_filters",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "linli.core",
    "linli.jobs",
    "linli.registry",
    "linli.organizing",
    "linli.deliberation",
    "linli.elevators",
    "linli.notifications",
    "linli.portal",
    "linli.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "linli.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "linli.urls"
# Widgets render through the project's templates, so linli/templates/django/forms/ can override them.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "linli.wsgi.application"

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
                "linli.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", DATA_DIR / "linli.sqlite3")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets the web server read while the worker writes; IMMEDIATE avoids "database is locked"
    # on upgrade from a read to a write lock inside a transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]  # the compiled .mo is kept in the repo: `make messages` rebuilds it
# The language switch (partials/language_switch.html) keeps the choice in a cookie for a year, so a user
# who picked English is not sent back to Chinese every morning; no script on the page needs to read it.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]  # linli/static: our CSS and the vendored htmx (no CDN)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("LINLI_BEHIND_HTTPS", False) else None
)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = env_bool("LINLI_BEHIND_HTTPS", False)
# Behind an HTTPS proxy, insist on HTTPS: redirect plain requests and tell browsers to remember it.
SECURE_SSL_REDIRECT = env_bool("LINLI_BEHIND_HTTPS", False)
SECURE_HSTS_SECONDS = env_int("LINLI_HSTS_SECONDS", 31536000 if SECURE_SSL_REDIRECT else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
# Subdomains of a government intranet host are not ours to pin, and an offline network has no use for the
# browsers' preload list: both are deliberate, so their deploy-check warnings are silenced.
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]

# Sensitive-field encryption. Development and tests use a fixed key so the demo works out of the box;
# production must set its own (see docs/operations.md).
_DEV_FIELD_KEY = "bGlubGktZGV2LWtleS1ub3Qtc2VjcmV0LTMyYnl0ZXM="  # noqa: S105 - development only
LINLI_FIELD_KEYS = env_list("LINLI_FIELD_KEYS", [_DEV_FIELD_KEY] if (DEBUG or TESTING) else [])
LINLI_HASH_KEY = env_str("LINLI_HASH_KEY", "linli-dev-hash-key" if (DEBUG or TESTING) else "")
if not LINLI_FIELD_KEYS or not LINLI_HASH_KEY:
    raise EnvError("LINLI_FIELD_KEYS 和 LINLI_HASH_KEY 未设置：生产环境必须为敏感字段设置加密密钥。")
for _position, _key in enumerate(LINLI_FIELD_KEYS, start=1):
    try:
        Fernet(_key.encode())
    except (ValueError, TypeError):
        raise EnvError(
            f"LINLI_FIELD_KEYS 的第{_position}个密钥无效：应为 Fernet 密钥（44个字符的 base64），"
            '可用 python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())" 生成。'
        ) from None

PAGE_SIZE = 50

# Background jobs (django-tasks, run through linli.jobs: run records, retries, schedules). `database` queues
# them in the database, `rq` in Redis (REDIS_URL); `linli worker` runs them and the schedules (`make demo`
# starts one). LINLI_TASKS=immediate runs each job inline at enqueue time, as the tests do.
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
_tasks = env_str("LINLI_TASKS", "immediate" if TESTING else "database")
if _tasks not in _TASK_BACKENDS:
    raise EnvError(f"环境变量 LINLI_TASKS={_tasks!r} 无效：请用 database、rq 或 immediate。")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[_tasks]}}
LINLI_TASKS = _tasks
REDIS_URL = env_str("REDIS_URL").strip()
if _tasks == "rq" and not REDIS_URL:
    raise EnvError("LINLI_TASKS=rq 需要设置 REDIS_URL，例如 redis://127.0.0.1:6379/0。")
if REDIS_URL and REDIS_URL.partition("://")[0] not in {"redis", "rediss", "unix"}:
    # The message never repeats the URL: it may carry the password.
    raise EnvError(
        "环境变量 REDIS_URL 不是 Redis 地址；示例：redis://127.0.0.1:6379/0（或 rediss://、unix://）。"
    )
if _tasks == "rq":
    INSTALLED_APPS.insert(INSTALLED_APPS.index("django_tasks_db") + 1, "django_rq")
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 1800}}
# Days a finished job's run record is kept (the staff page of runs; `jobs.prune` removes older ones).
LINLI_JOB_RUNS_KEEP_DAYS = env_int("LINLI_JOB_RUNS_KEEP_DAYS", 30)

# Notifications (linli.notifications): the channels this site delivers on besides the in-app inbox
# (console: the log, for development; email: Django's email backend; sms, wechat: adapters to configure),
# how long before a duty its volunteer is reminded, and the hour of the daily digest (Asia/Shanghai).
LINLI_NOTIFY_CHANNELS = env_list("LINLI_NOTIFY_CHANNELS", ["console"] if (DEBUG or TESTING) else [])
if set(LINLI_NOTIFY_CHANNELS) - {"console", "email", "sms", "wechat"}:
    raise EnvError("环境变量 LINLI_NOTIFY_CHANNELS 无效：可用 console、email、sms、wechat，用逗号分隔。")
LINLI_DUTY_REMINDER_HOURS = env_int("LINLI_DUTY_REMINDER_HOURS", 24)
if not 1 <= LINLI_DUTY_REMINDER_HOURS <= 24 * 7:
    raise EnvError("环境变量 LINLI_DUTY_REMINDER_HOURS 无效：应为 1 到 168 之间的小时数。")
LINLI_DIGEST_AT = env_str("LINLI_DIGEST_AT", "07:30").strip()
if not re.fullmatch(r"([01]?[0-9]|2[0-3]):[0-5][0-9]", LINLI_DIGEST_AT):
    raise EnvError("环境变量 LINLI_DIGEST_AT 无效：应为 24 小时制的时:分，例如 07:30。")
# The resident portal's one-time sign-in codes go out by SMS through this class (a dotted path, see
# linli/portal/sms.py); empty: the console in development and tests, and no codes at all on a server.
LINLI_PORTAL_SMS_SENDER = env_str("LINLI_PORTAL_SMS_SENDER").strip()
if LINLI_PORTAL_SMS_SENDER and not re.fullmatch(r"[A-Za-z_][\w.]*\.[A-Za-z_]\w*", LINLI_PORTAL_SMS_SENDER):
    raise EnvError(
        "环境变量 LINLI_PORTAL_SMS_SENDER 无效：应为短信发送类的 Python 路径，例如 mysite.sms.Sender。"
    )
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "linli@localhost")

# PIPL: moved-out residents are anonymised this many days after moving out (0 turns it off).
LINLI_RETENTION_DAYS = env_int("LINLI_RETENTION_DAYS", 3 * 365)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
