"""POS Portal settings: one file, read from the environment.

With no variables set the portal runs on the embedded default: SQLite in the
project folder, an in-process cache, and Celery tasks run in-process. Setting
DATABASE_URL (PostgreSQL) and REDIS_URL switches to the real services.
"""

import secrets
from collections.abc import Callable
from pathlib import Path

import environ
from celery.schedules import crontab
from cryptography.fernet import Fernet
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")


def _local_key(name: str, make: Callable[[], str]) -> str:
    # The embedded default must survive restarts (sessions, password-reset tokens, encrypted
    # numbers) without a secret in the repository: keep one per checkout, outside git.
    key_file = BASE_DIR / name
    if not key_file.exists():
        key_file.write_text(make())
        key_file.chmod(0o600)
    return key_file.read_text().strip()


DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="") or _local_key(".secret_key", lambda: secrets.token_urlsafe(50))
# Personal numbers (resident ID, bank card, mobile) are encrypted with the first of these Fernet
# keys; the others still decrypt until `manage.py rotate_personal_data_keys` has run. Their blind
# index (exact search, duplicates) is an HMAC under the first BLIND_INDEX_KEYS, its own secret.
# Production sets both in the environment (comma-separated, newest first); see docs/security.md.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[]) or [
    _local_key(".field_encryption_key", lambda: Fernet.generate_key().decode())
]
BLIND_INDEX_KEYS = env.list("BLIND_INDEX_KEYS", default=[]) or [
    _local_key(".blind_index_key", lambda: secrets.token_urlsafe(32))
]
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # OpClass in index expressions (the trigram and pattern indexes of the name search, issue 15);
    # on SQLite it registers nothing that is used.
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "csp",
    "django_fsm",
    "django_fsm_log",
    "django_celery_beat",
    "core",
    "regions",
    "accounts",
    "notifications",
    "applications",
    "terminals",
    "verification",
    "installations",
    "support",
    "backoffice",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "pos_portal.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "pos_portal.middleware.RefuseNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionTimeoutMiddleware",
    "accounts.middleware.LoginThrottleMiddleware",
    "accounts.middleware.SteadyAnswerMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.StaffTwoFactorMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "pos_portal.urls"
WSGI_APPLICATION = "pos_portal.wsgi.application"

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
                "accounts.context_processors.roles",
                "backoffice.menu.site",
                "pos_portal.context_processors.support_contact",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves web, worker, beat and the demo fleet from one file. WAL lets
    # readers go on while one writes; every transaction takes the write lock when it starts
    # (IMMEDIATE), so a writer waits its turn (up to `timeout` seconds) instead of failing with
    # "database is locked" when a read transaction tries to become a write one.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": env.int("SQLITE_BUSY_TIMEOUT", default=20),
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )
    # Tests use a file too, not Django's shared in-memory database: requests of the browser tests
    # that overlap (an autosave and a Save) then wait for each other as in production, instead
    # of failing with the shared cache's "database table is locked".
    DATABASES["default"].setdefault("TEST", {}).setdefault(
        "NAME", env.str("SQLITE_TEST_NAME", default=str(BASE_DIR / ".test-db.sqlite3"))
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Opening a PostgreSQL connection costs more than a whole simple page: each web and worker
    # process keeps its connection (gunicorn's sync workers and Celery's prefork children serve
    # one request or task at a time, so a pool would hold one connection per process all the
    # same). Health checks replace a connection that the server or a proxy closed meanwhile.
    # docs/deploy.md says how to count them against max_connections.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=600)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# --- Cache and Celery -------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # RedisCache that answers from process memory while Redis is unreachable (never a 500).
    CACHES = {"default": {"BACKEND": "pos_portal.cache.FallbackRedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Without Redis the broker is a folder (kombu's filesystem transport): `make run` starts a
# worker and beat on it, so the embedded default runs every periodic job with nothing to
# install. Measured against kombu's SQLAlchemy transport on SQLite in docs/benchmarks.md. It
# suits one worker on one machine; beyond that, REDIS_URL (docs/deploy.md).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
CELERY_BROKER_DIR = Path(env.str("CELERY_BROKER_DIR", default=str(BASE_DIR / ".broker")))
EMBEDDED_BROKER = CELERY_BROKER_URL.startswith("filesystem://")
CELERY_RESULT_BACKEND = None
# Tasks go to the broker, even on the embedded default; CELERY_TASK_ALWAYS_EAGER=true runs them
# in-process, after the commit that scheduled them, for a portal started without a worker. The
# tests run them in-process (tests/conftest.py). A failing delivery is recorded on its outbox
# row, never raised into the request that caused it.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 100
# Longer than any task's time limit and any retry countdown (at most 10 minutes, held
# unacknowledged by the worker until due), so Redis never hands a task to a second worker
# while the first still has it. A message lost with a killed worker comes back after it;
# the periodic re-dispatch of pending outbox rows usually sends it sooner.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    "socket_connect_timeout": 5,
}
if EMBEDDED_BROKER:
    # One folder both ways: the web and beat write messages into it, the worker takes them out.
    # kombu moves a message out before reading it; one worker process takes them (its pool's
    # children only run tasks), so no message is taken twice.
    for folder in ("queue", "control", "heartbeats"):
        (CELERY_BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS |= {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
    }
# With the broker down, a request that enqueues gives up after about a second: its outbox
# rows stay pending and the re-dispatch job sends them once Redis is back.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# django_celery_beat's DatabaseScheduler, noting for /healthz that beat is alive.
CELERY_BEAT_SCHEDULER = "pos_portal.beat:HeartbeatScheduler"
CELERY_TIMEZONE = "Asia/Shanghai"
# The staff dashboard's aggregates, shared by all staff: beat recomputes them this often
# (0: every page view computes them).
STAFF_DASHBOARD_CACHE_SECONDS = env.int("STAFF_DASHBOARD_CACHE_SECONDS", default=60)
# Periodic jobs. Beat (run once) only starts them; what is due is read from the database,
# so a missed or doubled run changes nothing. DatabaseScheduler copies these entries into
# django_celery_beat's tables at start, where staff can pause them in the admin.
CELERY_BEAT_SCHEDULE = {
    "notifications-redispatch-pending": {
        "task": "notifications.tasks.redispatch_pending_notifications",
        "schedule": 60.0,
        "options": {"expires": 60},
    },
    "applications-remind-idle": {
        "task": "applications.tasks.remind_idle_applications",
        "schedule": crontab(minute=5),
        "options": {"expires": 3600},
    },
    "applications-review-sla": {
        "task": "applications.tasks.alert_review_sla_breaches",
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 900},
    },
    "installations-visit-reminders": {
        "task": "installations.tasks.remind_upcoming_visits",
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 900},
    },
    "installations-staff-dashboard": {
        "task": "installations.tasks.refresh_staff_dashboard",
        "schedule": float(max(STAFF_DASHBOARD_CACHE_SECONDS, 10)),
        "options": {"expires": max(STAFF_DASHBOARD_CACHE_SECONDS, 10)},
    },
    "installations-staff-digest": {
        "task": "installations.tasks.send_staff_digest",
        "schedule": crontab(hour=8, minute=0),
        "options": {"expires": 6 * 3600},
    },
}
# /healthz counts a worker (or beat) as alive while its last heartbeat is younger than this.
WORKER_HEARTBEAT_MAX_AGE = env.int("WORKER_HEARTBEAT_MAX_AGE", default=60)
# SMS: notifications.sms.ConsoleSmsBackend prints; production names its gateway's backend.
SMS_BACKEND = env.str("SMS_BACKEND", default="notifications.sms.ConsoleSmsBackend")

# --- Accounts ---------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "backoffice:landing"
LOGOUT_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_UNIQUE_EMAIL = True
# Sign-up captures the +86 mobile and gives the Applicant role; applicants land on their applications.
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[POS Portal] "
# Allauth's rate limits stay on (its defaults) but for two: a failed sign-in is throttled by
# accounts.throttle instead (allauth's own limit per account let a stranger lock its owner out for
# five minutes), and a sign-in code may be asked for an account as often as its address allows
# (the way in for an owner whose account is under attack). They count in CACHES["default"].
ACCOUNT_RATE_LIMITS = {"login_failed": "30/m/ip", "request_login_code": "20/m/ip"}
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
# Client addresses as the trusted proxies saw them (core.network.client_ip): 0 when the
# portal faces the internet itself, 1 behind the documented TLS proxy.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
# Failed password sign-ins per LOGIN_THROTTLE_WINDOW seconds (accounts.throttle).
LOGIN_THROTTLE_WINDOW = env.int("LOGIN_THROTTLE_WINDOW", default=15 * 60)
LOGIN_FAILURES_PER_ADDRESS = env.int("LOGIN_FAILURES_PER_ADDRESS", default=20)
LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS = env.int("LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS", default=5)
LOGIN_FAILURES_PER_ACCOUNT = env.int("LOGIN_FAILURES_PER_ACCOUNT", default=10)
# Sign-up, reset and code requests answer after at least this long, known e-mail or not.
ACCOUNT_ANSWER_FLOOR_SECONDS = env.float("ACCOUNT_ANSWER_FLOOR_SECONDS", default=1.0)
# Staff need an authenticator app (TOTP); recovery codes for a lost phone.
STAFF_MFA_REQUIRED = env.bool("STAFF_MFA_REQUIRED", default=True)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_ADAPTER = "accounts.adapter.MFAAdapter"  # secrets sealed with FIELD_ENCRYPTION_KEYS
MFA_TOTP_ISSUER = "POS Portal"
# Sessions: idle limits by role, and an absolute one whatever the activity.
SESSION_IDLE_STAFF = env.int("SESSION_IDLE_STAFF", default=30 * 60)
SESSION_IDLE_MERCHANT = env.int("SESSION_IDLE_MERCHANT", default=2 * 3600)
SESSION_ABSOLUTE = env.int("SESSION_ABSOLUTE", default=12 * 3600)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE
# Argon2id first; older PBKDF2 hashes still verify and are upgraded at the next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]

# --- Internationalisation ---------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
# English times on the 24-hour clock and short dates year first (pos_portal/formats/en/formats.py).
FORMAT_MODULE_PATH = ["pos_portal.formats"]
USE_I18N = True
USE_TZ = True

# --- Files --------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files a browser asks for at the site's root (/favicon.ico), served by WhiteNoise as they are.
WHITENOISE_ROOT = BASE_DIR / "public"
# Uploaded documents hold personal data: they live outside any public path and are
# served only by views that check who asks. MEDIA_URL is deliberately unset.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private_media")))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# --- Email ----------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)  # an SMTP server that hangs must not hold a worker
# The Date header in the portal's time zone (+0800), not UTC, for whoever reads the raw mail.
EMAIL_USE_LOCALTIME = True
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="POS Portal <no-reply@pos-portal.local>")

# --- Security ---------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
# Production runs behind TLS: set DJANGO_SECURE=true there. It turns on secure cookies,
# HSTS and the redirect to HTTPS, and trusts the proxy's X-Forwarded-Proto (so that
# allauth's emailed links say https). The embedded default (make run) stays on plain HTTP.
SECURE = env.bool("DJANGO_SECURE", default=False)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=SECURE)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=SECURE)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
if SECURE:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
# A form sent from a stale page gets the portal's own page in the reader's language.
CSRF_FAILURE_VIEW = "pos_portal.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"  # no page of the portal is framed, documents included
# Cookies that only this host over HTTPS may set (no subdomain can plant a session or a CSRF token).
if SESSION_COOKIE_SECURE:
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
# Content-Security-Policy (django-csp): scripts only from our static files and tags carrying the
# request's nonce, no inline script, no eval, no plugin, no framing, forms posting only to us.
# Inline style *attributes* stay allowed (a bar's width, the admin's buttons); <style> elements do not.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "frame-src": [NONE],
        "worker-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        **({"upgrade-insecure-requests": True} if SECURE else {}),
    },
}
# Browser features no page uses are switched off for every page (pos_portal.middleware).
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), serial=(), hid=(), midi=(), display-capture=(), "
    "interest-cohort=(), browsing-topics=()"
)
SILENCED_SYSTEM_CHECKS = [
    "security.W021",  # HSTS preload is the operator's decision for their domain, not the code's (docs/security.md)
]

# --- Logging: personal data never reaches a log line ------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal_data": {"()": "core.masking.MaskPersonalDataFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_personal_data"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # pikepdf announces its logger bridge at INFO on import, in every command's output.
    "loggers": {"pikepdf": {"level": "WARNING"}},
}

# --- Benchmarks ---------------------------------------------------------------------------
# Serves /bench/floor/, the page `make bench` measures every page against. Off on a live site.
BENCH_FLOOR = env.bool("BENCH_FLOOR", default=False)

# --- The product ------------------------------------------------------------------------
# Hours an application may wait for a reviewer before it breaches its service level.
REVIEW_SLA_HOURS = env.int("REVIEW_SLA_HOURS", default=24)
# Three-digit acquirer institution code that starts every merchant ID (MID) we issue.
ACQUIRER_INSTITUTION_CODE = env.str("ACQUIRER_INSTITUTION_CODE", default="898")
ACQUIRER_HOST = env.str("ACQUIRER_HOST", default="127.0.0.1")
ACQUIRER_PORT = env.int("ACQUIRER_PORT", default=5800)
# Without a URL, the simulator's admin API where `make run` starts it (ACQUIRER_ADMIN_PORT, as in
# Procfile.dev): moving the ports then moves the portal's checks with them.
ACQUIRER_ADMIN_URL = env.str(
    "ACQUIRER_ADMIN_URL", default=f"http://127.0.0.1:{env.int('ACQUIRER_ADMIN_PORT', default=5801)}"
)

# --- Help for people ----------------------------------------------------------------------
# The support hotline and its hours, shown in every page's footer, on the error pages and
# wherever a person is told someone will call. The demo's number is a placeholder: set it.
# The hours are times (the same in every language) and days as a code that each page words in
# the reader's language: daily, mon-fri or mon-sat (pos_portal.context_processors).
SUPPORT_HOTLINE = env.str("SUPPORT_HOTLINE", default="400-800-8888")
SUPPORT_HOURS = env.str("SUPPORT_HOURS", default="09:00–18:00")
SUPPORT_DAYS = env.str("SUPPORT_DAYS", default="mon-sat")


def _site_url() -> str:
    """The portal's address as people open it, for the links in e-mails and SMS (they are read
    away from any request). Set SITE_URL in production; without it, a development server is
    its local address and a deployment its first public host name, never a loopback address."""
    if env.str("SITE_URL", default=""):
        return env.str("SITE_URL").rstrip("/")
    if DEBUG:
        return f"http://127.0.0.1:{env.int('WEB_PORT', default=8000)}"
    loopback = {"127.0.0.1", "localhost", "[::1]", "*", ""}
    public = [h.lstrip(".") for h in ALLOWED_HOSTS if h not in loopback]
    return f"https://{public[0]}" if public else ""


SITE_URL = _site_url()

# --- Terminal support (issue 7) -------------------------------------------------------------
# Device API (terminals.device_api; the names keep the prefix they were deployed with):
# reports a terminal may send per minute; how far its request clock may be off; requests
# with a bad token one client address may send per minute before it is refused unread.
SUPPORT_DEVICE_RATE_LIMIT = env.int("SUPPORT_DEVICE_RATE_LIMIT", default=30)
SUPPORT_DEVICE_CLOCK_SKEW_SECONDS = env.int("SUPPORT_DEVICE_CLOCK_SKEW_SECONDS", default=300)
SUPPORT_DEVICE_AUTH_FAILURES_PER_ADDRESS = env.int("SUPPORT_DEVICE_AUTH_FAILURES_PER_ADDRESS", default=20)
# Terminals reporting host or gateway errors within 10 minutes that open an incident.
SUPPORT_INCIDENT_THRESHOLD = env.int("SUPPORT_INCIDENT_THRESHOLD", default=5)
# Seconds the diagnosis waits for the acquirer host's management API before saying "could not check".
SUPPORT_HOST_CHECK_TIMEOUT = env.float("SUPPORT_HOST_CHECK_TIMEOUT", default=2.0)
# Terminal support's periodic jobs, added to whatever schedule is defined above. Beat's
# DatabaseScheduler copies them into its tables at start, where staff can pause them.
CELERY_BEAT_SCHEDULE = vars().get("CELERY_BEAT_SCHEDULE", {}) | {
    "support-scan-incidents": {"task": "support.tasks.scan_incidents", "schedule": 60.0, "options": {"expires": 60}},
    "support-scan-no-heartbeat": {
        "task": "support.tasks.scan_no_heartbeat",
        "schedule": 3600.0,
        "options": {"expires": 3600},
    },
    "support-scan-idle-terminals": {
        "task": "support.tasks.scan_idle_terminals",
        "schedule": 24 * 3600.0,
        "options": {"expires": 6 * 3600},
    },
    "support-scan-configuration-drift": {
        "task": "support.tasks.scan_configuration_drift",
        "schedule": 3600.0,
        "options": {"expires": 3600},
    },
    # The staff dashboard's error codes per day: counted off the request, as its other figures.
    "support-terminal-health": {
        "task": "support.tasks.refresh_terminal_health",
        "schedule": float(max(STAFF_DASHBOARD_CACHE_SECONDS, 10)),
        "options": {"expires": max(STAFF_DASHBOARD_CACHE_SECONDS, 10)},
    },
}
# Registrations at the acquirer host are due rows (terminals.HostRegistration) sent by a job;
# this one sends those due again after a failure (backoff) or left by a broker that was down.
CELERY_BEAT_SCHEDULE |= {
    "terminals-send-due-host-registrations": {
        "task": "terminals.tasks.send_due_host_registrations",
        "schedule": 60.0,
        "options": {"expires": 60},
    },
}
# How long before its start an installer may check in to a visit (and at the latest, after its end).
VISIT_CHECK_IN_EARLY_MINUTES = env.int("VISIT_CHECK_IN_EARLY_MINUTES", default=60)


# Automatic verification (docs/verification.md): the backend of each check, by dotted path
# (the simulators answer from the digits of the input; production names a provider's client).
VERIFICATION_BACKENDS = {
    "identity": env.str("VERIFICATION_IDENTITY_BACKEND", default="verification.simulator.IdentitySimulator"),
    "bank_card": env.str("VERIFICATION_BANK_CARD_BACKEND", default="verification.simulator.BankCardSimulator"),
    "business": env.str("VERIFICATION_BUSINESS_BACKEND", default="verification.simulator.BusinessSimulator"),
    "mobile": env.str("VERIFICATION_MOBILE_BACKEND", default="verification.simulator.MobileSimulator"),
}
# Start the checks on each submit; off, every application waits for a person as before.
VERIFICATION_AUTO_START = env.bool("VERIFICATION_AUTO_START", default=True)
VERIFICATION_TIMEOUT_SECONDS = env.float("VERIFICATION_TIMEOUT_SECONDS", default=5.0)
VERIFICATION_SIMULATOR_LATENCY_MS = env.int("VERIFICATION_SIMULATOR_LATENCY_MS", default=300)
# A service down or slow: asked again this many times, after 2, 4, 8 … s; then a person decides.
VERIFICATION_MAX_RETRIES = env.int("VERIFICATION_MAX_RETRIES", default=5)
VERIFICATION_RETRY_BACKOFF_SECONDS = env.float("VERIFICATION_RETRY_BACKOFF_SECONDS", default=2.0)
# An answer to the same inputs is reused for this long instead of asking again.
VERIFICATION_REUSE_DAYS = env.int("VERIFICATION_REUSE_DAYS", default=30)
CELERY_BEAT_SCHEDULE = CELERY_BEAT_SCHEDULE | {
    "verification-resume-stalled": {
        "task": "verification.tasks.resume_stalled_checks",
        "schedule": 300.0,
        "options": {"expires": 300},
    },
}
