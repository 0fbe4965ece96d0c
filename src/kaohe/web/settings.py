"""Settings of Kaohe's web application, read from environment variables.

Every variable goes through a small helper that fails loudly on a value it cannot
understand: a typo in production must stop the start, not run with a default.

| variable | default | meaning |
|---|---|---|
| KAOHE_DEBUG | true | debug mode; production sets false |
| KAOHE_SECRET_KEY | (dev key when debug) | required when KAOHE_DEBUG is false |
| KAOHE_ALLOWED_HOSTS | 127.0.0.1,localhost | comma-separated |
| KAOHE_DATA_DIR | <repo>/var | embedded database, event store, uploads |
| KAOHE_DB | sqlite | sqlite or postgres |
| KAOHE_DB_NAME | kaohe (postgres) / <data dir>/kaohe.sqlite3 | database name or SQLite file |
| KAOHE_DB_HOST / KAOHE_DB_PORT | 127.0.0.1 / 5432 | PostgreSQL server |
| KAOHE_DB_USER / KAOHE_DB_PASSWORD | postgres / (none) | PostgreSQL credentials |
| KAOHE_DB_CONN_MAX_AGE | 0 | seconds a PostgreSQL connection is kept open between requests |
| KAOHE_SESSION_SECONDS | 28800 | session length in production (set in the hardening block below) |
| KAOHE_TIME_ZONE | Asia/Shanghai | default company time zone, and Django's TIME_ZONE |
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ImproperlyConfigured

REPO_DIR = Path(__file__).resolve().parents[3]
TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None:
        if default is None:
            raise ImproperlyConfigured(f"environment variable {name} is required / 必须设置环境变量 {name}")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true/false) / {name} 不是布尔值")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer / {name} 不是整数") from None


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env_str(name, default).strip().lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} must be one of {', '.join(choices)} / {name} 取值无效")
    return value


def env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in env_str(name, default).split(",") if part.strip()]


def env_time_zone(name: str, default: str) -> str:
    value = env_str(name, default)
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(f"{name}={value!r} is not a known time zone / {name} 不是有效时区") from None
    return value


def _has_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


DEBUG = env_bool("KAOHE_DEBUG", True)
if DEBUG:
    SECRET_KEY = env_str("KAOHE_SECRET_KEY", "kaohe-dev-only-insecure-key-never-in-production")
else:
    SECRET_KEY = env_str("KAOHE_SECRET_KEY")
ALLOWED_HOSTS = env_list("KAOHE_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

DATA_DIR = Path(env_str("KAOHE_DATA_DIR", str(REPO_DIR / "var"))).resolve()
# Privacy and integrity (issue 12): signing keys outside the database (kaohe.web.keys; docs/operations.md).
# | KAOHE_AUDIT_KEY | (none) | audit chain HMAC keys "id:secret,…" (the last one signs); outside production a key file is made under DATA_DIR/keys |
# | KAOHE_AUDIT_KEY_FILE | (none) | file of "id secret" lines instead of KAOHE_AUDIT_KEY (production needs one of the two) |
# | KAOHE_BACKUP_KEY / KAOHE_BACKUP_KEY_FILE | (none) | the same for signing backup manifests |
# | KAOHE_AUDIT_CHECKPOINT_FILE | DATA_DIR/audit/checkpoints.log | signed audit checkpoints, kept outside the database |
# | KAOHE_API_DOCS_PUBLIC | false | serve the OpenAPI schema and page without login in production |
# | KAOHE_MAX_BODY_BYTES | 67108864 | largest request body; more gets 413 (the 50,000-row push fits) |
KAOHE_AUDIT_KEY = env_str("KAOHE_AUDIT_KEY", "")
KAOHE_AUDIT_KEY_FILE = env_str("KAOHE_AUDIT_KEY_FILE", "")
KAOHE_BACKUP_KEY = env_str("KAOHE_BACKUP_KEY", "")
KAOHE_BACKUP_KEY_FILE = env_str("KAOHE_BACKUP_KEY_FILE", "")
KAOHE_AUDIT_CHECKPOINT_FILE = env_str("KAOHE_AUDIT_CHECKPOINT_FILE", "")
KAOHE_API_DOCS_PUBLIC = env_bool("KAOHE_API_DOCS_PUBLIC", False)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("KAOHE_MAX_BODY_BYTES", 64 * 1024 * 1024)
# The event store of each company lives under DATA_DIR/events/<company code>.
KAOHE_EVENTS_DIR = DATA_DIR / "events"
KAOHE_UPLOADS_DIR = DATA_DIR / "uploads"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "kaohe.web.org",
    "kaohe.web.audit",
    "kaohe.web.appraisal",
    "kaohe.web.workdays",  # clock: year schedules, provisional deadlines
    "kaohe.web.kpidefs",  # sources: the KPI definitions each company chooses, with history
    "kaohe.web.schemes",  # the scheme editor: company schemes, drafts, versions, assignments
    "kaohe.web.library",  # the book library's pages and the company's copies of letters and competency models
    "django_tables2",  # the HR setup directories (tables with sorting and paging)
    "django_filters",  # … and their search and filter forms
]
# Apps of the UI, reports and API engineers register themselves here when present,
# so that this file does not need to change each time one of them lands.
for _optional in ("kaohe.web.ui", "kaohe.web.reports", "kaohe.web.api", "kaohe.results"):
    if _has_module(_optional + ".apps"):
        INSTALLED_APPS.append(_optional)

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kaohe.web.audit.signals.AuditActorMiddleware",  # privacy: who made a privilege change (signals)
    "kaohe.web.ui.middleware.FirstLoginMiddleware",  # shell: a password HR set is changed first
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kaohe.web.api.errors.ErrorShapeMiddleware",  # api: one JSON error shape under /api/
]

ROOT_URLCONF = "kaohe.web.urls"
WSGI_APPLICATION = "kaohe.web.wsgi.application"

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

DB_KIND = env_choice("KAOHE_DB", "sqlite", ("sqlite", "postgres"))
if DB_KIND == "postgres":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": env_str("KAOHE_DB_NAME", "kaohe"),
            "HOST": env_str("KAOHE_DB_HOST", "127.0.0.1"),
            "PORT": env_int("KAOHE_DB_PORT", 5432),
            "USER": env_str("KAOHE_DB_USER", "postgres"),
            "PASSWORD": env_str("KAOHE_DB_PASSWORD", ""),
            "CONN_MAX_AGE": env_int("KAOHE_DB_CONN_MAX_AGE", 0),
        }
    }
else:
    # The embedded database lives in the data directory; create it so a fresh clone just works.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("KAOHE_DB_NAME", str(DATA_DIR / "kaohe.sqlite3")),
            # Writers wait for each other instead of failing at once with "database is locked".
            "OPTIONS": {"timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [Path(__file__).resolve().parent / "locale"]
USE_I18N = True
TIME_ZONE = env_time_zone("KAOHE_TIME_ZONE", "Asia/Shanghai")
USE_TZ = True  # stored in UTC, shown and cut in the company's zone

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
STATICFILES_DIRS = [Path(__file__).resolve().parent / "static"]
MEDIA_ROOT = KAOHE_UPLOADS_DIR

LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"

# ==== hardening (issue 7) — production security, CSP, login throttling, password hashing ====
# Owned by the hardening work; keep other settings above this block.
# | KAOHE_ENV | development | "production" turns on everything HTTPS-only below (so does KAOHE_DEBUG=false) |
# | KAOHE_CSRF_TRUSTED_ORIGINS | (none) | comma-separated https:// origins the proxy serves Kaohe under |
# | KAOHE_HSTS_SECONDS | 31536000 | Strict-Transport-Security max-age in production |
# | KAOHE_PROXY_COUNT | 1 in production, 0 otherwise | reverse proxies in front of gunicorn (for the client IP) |
# | KAOHE_LOGIN_FAILURE_LIMIT / KAOHE_LOGIN_COOLOFF_MINUTES | 5 / 15 | login throttling per user name + IP |
KAOHE_ENV = env_choice("KAOHE_ENV", "development", ("development", "test", "production"))
PRODUCTION = KAOHE_ENV == "production" or not DEBUG
if KAOHE_ENV == "production" and DEBUG:
    # debug pages show settings and source: never in production, whatever else the file says
    raise ImproperlyConfigured("KAOHE_ENV=production needs KAOHE_DEBUG=false / 生产环境必须设置 KAOHE_DEBUG=false")

CSRF_TRUSTED_ORIGINS = env_list("KAOHE_CSRF_TRUSTED_ORIGINS", "")
SESSION_COOKIE_HTTPONLY = True
# The pages send the CSRF token from the template (hx-headers), never by reading the cookie in JS.
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    # TLS ends at the reverse proxy (deploy/nginx-kaohe.conf), which sets X-Forwarded-Proto;
    # gunicorn listens on loopback only, so the header cannot come from anyone else.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = env_int("KAOHE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_AGE = env_int("KAOHE_SESSION_SECONDS", 8 * 3600)  # one working day

# Content security policy (django-csp 4): everything from Kaohe's own origin, no CDN (the
# front-end assets are vendored). Scripts: no inline code at all. Styles: 'unsafe-inline' only
# for style attributes, htmx's indicator style and ECharts' element styles.
MIDDLEWARE.append("csp.middleware.CSPMiddleware")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# The API's OpenAPI page: with "ninja" installed it serves Swagger UI from static files, not a CDN.
if "kaohe.web.api" in INSTALLED_APPS and "ninja" not in INSTALLED_APPS:
    INSTALLED_APPS.append("ninja")


def _client_ip(request):  # type: ignore[no-untyped-def]
    """The client's address for login throttling: the proxy's X-Forwarded-For entry, else REMOTE_ADDR.

    Returns None when the request carries no address at all (a management command, a test
    RequestFactory without REMOTE_ADDR); axes then throttles by user name alone.
    """
    meta = getattr(request, "META", {}) or {}
    if KAOHE_PROXY_COUNT:
        hops = [h.strip() for h in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= KAOHE_PROXY_COUNT:
            return hops[-KAOHE_PROXY_COUNT]
    return meta.get("REMOTE_ADDR") or None


# Login throttling (django-axes 8): lock a user name from one address after N failures.
KAOHE_PROXY_COUNT = env_int("KAOHE_PROXY_COUNT", 1 if PRODUCTION else 0)
INSTALLED_APPS.append("axes")
MIDDLEWARE.append("axes.middleware.AxesMiddleware")  # last, as axes asks
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out login before the password check
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("KAOHE_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("KAOHE_LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = _client_ip
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False

# Argon2id first; the others stay so that older hashes still verify and get upgraded at login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# Scheduled jobs (kaohe.web.jobs: nightly KPI recompute, deadline reminders; run by systemd timers).
# | KAOHE_JOBS_USER | (none) | HR service account the nightly KPI recompute acts as |
# | KAOHE_EMAIL_BACKEND | console (dev) / smtp (production) | Django email backend for reminders |
# | KAOHE_EMAIL_HOST / _PORT / _USER / _PASSWORD / _USE_TLS, KAOHE_EMAIL_FROM | localhost / 25 / … | SMTP |
if _has_module("kaohe.web.jobs.apps") and "kaohe.web.jobs" not in INSTALLED_APPS:
    INSTALLED_APPS.append("kaohe.web.jobs")
KAOHE_JOBS_USER = env_str("KAOHE_JOBS_USER", "")
EMAIL_BACKEND = env_str("KAOHE_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION
                        else "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("KAOHE_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("KAOHE_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("KAOHE_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("KAOHE_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("KAOHE_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("KAOHE_EMAIL_FROM", "kaohe@localhost")

# Errors of requests go to stderr (the journal under systemd): with DEBUG off and no ADMINS,
# Django would otherwise drop the traceback of a 500 silently.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "loggers": {"django": {"handlers": ["stderr"], "level": "WARNING"}},
}
# ==== end of hardening ====

# Notifications (kaohe.web.notify, issue 17; docs/notifications.md): in-app, email, DingTalk/Feishu/WeCom robots.
# | KAOHE_BASE_URL | first of KAOHE_CSRF_TRUSTED_ORIGINS, else http://127.0.0.1:8000 | Kaohe's absolute address, for the links in emails and chat messages |
# | KAOHE_NOTIFY_KEY | (derived from the secret key when debug) | key that encrypts robot webhook addresses and signing secrets |
# | KAOHE_NOTIFY_ALLOWED_HOSTS | the three vendors' API hosts | comma-separated hosts robot webhooks may point at |
# | KAOHE_NOTIFY_MAX_ATTEMPTS | 6 | tries per message before it is shown to HR as failed |
# | KAOHE_NOTIFY_RETRY_SECONDS | 60 | wait before the first retry; doubles with each failed try |
# | KAOHE_NOTIFY_HTTP_TIMEOUT | 5 | seconds to wait for a robot's answer |
# | KAOHE_NOTIFY_SEND_ON_COMMIT | true | send right after the step commits (false: only the kaohe_notify job sends) |
# | KAOHE_NOTIFY_DIGEST_HOUR | 8 | hour (company time) from which the daily digests and appeal-window reminders go out |
# | KAOHE_NOTIFY_SEND_NOW_LIMIT | 20 | messages sent at once after a step (per burst); the job sends the rest |
# | KAOHE_NOTIFY_ROBOT_PER_MINUTE | 18 | posts a minute per group robot (DingTalk and WeCom accept 20) |
if _has_module("kaohe.web.notify.apps") and "kaohe.web.notify" not in INSTALLED_APPS:
    INSTALLED_APPS.append("kaohe.web.notify")
KAOHE_BASE_URL = env_str("KAOHE_BASE_URL", (CSRF_TRUSTED_ORIGINS or ["http://127.0.0.1:8000"])[0])
KAOHE_NOTIFY_KEY = env_str("KAOHE_NOTIFY_KEY", "")
KAOHE_NOTIFY_ALLOWED_HOSTS = env_list(
    "KAOHE_NOTIFY_ALLOWED_HOSTS", "oapi.dingtalk.com,open.feishu.cn,open.larksuite.com,qyapi.weixin.qq.com")
KAOHE_NOTIFY_MAX_ATTEMPTS = env_int("KAOHE_NOTIFY_MAX_ATTEMPTS", 6)
KAOHE_NOTIFY_RETRY_SECONDS = env_int("KAOHE_NOTIFY_RETRY_SECONDS", 60)
KAOHE_NOTIFY_HTTP_TIMEOUT = env_int("KAOHE_NOTIFY_HTTP_TIMEOUT", 5)
KAOHE_NOTIFY_SEND_ON_COMMIT = env_bool("KAOHE_NOTIFY_SEND_ON_COMMIT", True)
KAOHE_NOTIFY_DIGEST_HOUR = env_int("KAOHE_NOTIFY_DIGEST_HOUR", 8)
KAOHE_NOTIFY_SEND_NOW_LIMIT = env_int("KAOHE_NOTIFY_SEND_NOW_LIMIT", 20)
KAOHE_NOTIFY_ROBOT_PER_MINUTE = env_int("KAOHE_NOTIFY_ROBOT_PER_MINUTE", 18)

# The scheme editor (kaohe.web.schemes) posts one field per element of a scheme: about 530 for the
# library's largest, more when HR adds indicators; Django's default cap of 1,000 fields would refuse those.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
