"""All configuration comes from environment variables, with safe defaults for local use.

Local use (no variables set) means: SQLite under ./var/, a secret key generated once into
./var/secret_key, serving on 127.0.0.1 only. Production sets DATABASE_URL, SECRET_KEY (or
SECRET_KEY_FILE), ALLOWED_HOSTS and leaves KAOHE_HTTPS on; see docs/deployment.md.
"""

import datetime
import os
import secrets
from collections.abc import Callable
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("KAOHE_VAR_DIR", Path.cwd() / "var")).resolve()


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name) or default


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def secret_from_env(name: str) -> str | None:
    """`NAME` or the content of the file named by `NAME_FILE` (Docker/Kubernetes secrets)."""
    if os.environ.get(name):
        return os.environ[name]
    path = os.environ.get(f"{name}_FILE")
    return Path(path).read_text().strip() if path else None


def generated_once(name: str, make: Callable[[], str]) -> str:
    """A secret of this machine, generated once into the var folder (mode 600) and read from
    there afterwards. Written aside and linked into place: of processes starting together, one
    puts its secret there whole, and all read that one."""
    key_file = VAR_DIR / name
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        aside = VAR_DIR / f".{name}.{os.getpid()}"
        with os.fdopen(os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
            f.write(make())
        try:
            os.link(aside, key_file)
        except FileExistsError:
            pass
        finally:
            aside.unlink()
    return key_file.read_text().strip()


DEBUG = env_bool("DEBUG", False)
# Kept, so that sessions survive restarts.
SECRET_KEY = secret_from_env("SECRET_KEY") or generated_once(
    "secret_key", lambda: secrets.token_urlsafe(50))
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "kaohe.apps.KaoheAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    # Background jobs: Django's tasks API and its database backend (decision 0028).
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_cas_ng",  # its tickets let the CAS server end our sessions (single sign-out)
    "kaohe.org",
    "kaohe.workdays",
    "kaohe.accounts",
    "kaohe.plans",
    "kaohe.records",
    "kaohe.ballots",
    "kaohe.assessments",
    "kaohe.reports",
    "kaohe.audit",
    "kaohe.appeals",
    "kaohe.bonus",
    "kaohe.recipients",
    "kaohe.annual",
    "kaohe.documents",
    "kaohe.jobs",
    "kaohe.web",
    "kaohe.api",
    "kaohe.synth",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "kaohe.lib.security.SecurityHeadersMiddleware",
    "kaohe.lib.security.RequestGuardMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kaohe.audit.middleware.AuditContextMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "kaohe.org.middleware.ActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "kaohe.accounts.middleware.SessionTimeoutMiddleware",
    "kaohe.accounts.middleware.SecondFactorMiddleware",
    "kaohe.accounts.middleware.ForcePasswordChangeMiddleware",
    "kaohe.accounts.middleware.LoginThrottleMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that it sees the login view's answer and turns a locked-out attempt into the
    # lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kaohe.urls"
WSGI_APPLICATION = "kaohe.wsgi.application"

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
                "django.template.context_processors.i18n",
                "kaohe.web.context.actor",
            ],
        },
    },
]

# Every form's widgets and labels written in Python, the markup of Django's own templates
# (kaohe/lib/renderer.py). One renderer for the process: a renderer builds its own template
# engine, which had been built again for each form of a page.
FORM_RENDERER = "kaohe.lib.renderer.FastRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'kaohe.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django keeps its default of 0 for SQLite: a persistent connection buys nothing there.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # Take the write lock when a transaction begins, so that services that read, check and
    # write (the 好 cap at approval) run one after another, as select_for_update does on
    # PostgreSQL.
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- Authentication (docs/decisions/0006-authentication.md) -------------------------------
AUTHENTICATION_BACKENDS = [
    # First: refuses any attempt while the account or the address is locked out.
    "kaohe.accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# 国密: SM3 for the audit chain, the archive's checksums and the stored passwords (decision
# 0025), SM4 for the sensitive texts at rest (0026). On unless switched off; what was written
# before keeps verifying and reading.
KAOHE_GUOMI = env_bool("KAOHE_GUOMI", True)
# The SM4 key (32 hexadecimal digits): from the environment in production, the same on every
# application host; else generated beside the database, with which it must be backed up. And
# the keys it replaced, still read until `kaohe guomi migrate` has re-encrypted everything.
_FIELD_KEY = secret_from_env("KAOHE_FIELD_KEY")
KAOHE_FIELD_KEY = _FIELD_KEY or generated_once("field_key", lambda: secrets.token_hex(16))
KAOHE_FIELD_KEY_GENERATED = _FIELD_KEY is None  # on this machine, into KAOHE_VAR_DIR
KAOHE_FIELD_OLD_KEYS = [key.strip() for key in (secret_from_env("KAOHE_FIELD_OLD_KEYS") or "")
                        .split(",") if key.strip()]
# The first stores new passwords; the others only verify older hashes, each re-hashed with the
# first at its next sign-in (docs/decisions/0021-password-hashing-and-sign-in-cost.md).
_SM3_HASHER, _ARGON2ID_HASHER = ("kaohe.accounts.hashers.PBKDF2SM3Hasher",
                                 "kaohe.accounts.hashers.Argon2idHasher")
PASSWORD_HASHERS = [
    *((_SM3_HASHER, _ARGON2ID_HASHER) if KAOHE_GUOMI else (_ARGON2ID_HASHER, _SM3_HASHER)),
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "kaohe.accounts.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("PASSWORD_MIN_LENGTH", 10)},
    },
    {"NAME": "kaohe.accounts.validators.GuessablePasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": "kaohe.accounts.validators.CharacterClassesValidator",
        "OPTIONS": {"min_classes": env_int("KAOHE_PASSWORD_CHARACTER_CLASSES", 3)},
    },
    {
        "NAME": "kaohe.accounts.validators.PasswordHistoryValidator",
        "OPTIONS": {"remember": env_int("KAOHE_PASSWORD_HISTORY", 5)},
    },
]
# A password older than this must be changed at the next request (0: never expires).
KAOHE_PASSWORD_MAX_AGE_DAYS = env_int("KAOHE_PASSWORD_MAX_AGE_DAYS", 90)
# An API token stops working this many days after it was issued.
KAOHE_TOKEN_MAX_AGE_DAYS = env_int("KAOHE_TOKEN_MAX_AGE_DAYS", 90)
# Signed out after this many minutes without a request (0: only the absolute SESSION_COOKIE_AGE).
KAOHE_SESSION_IDLE_MINUTES = env_int("KAOHE_SESSION_IDLE_MINUTES", 30)
# The three technical administrators always need a second factor unless switched off here;
# office members and leaders need one when their organ's policy (security page) says so.
KAOHE_2FA_TECHNICAL_ADMINS = env_bool("KAOHE_2FA_TECHNICAL_ADMINS", True)
OTP_TOTP_ISSUER = env_str("KAOHE_2FA_ISSUER", "Kaohe")
# Lockout (django-axes) by account only: a whole organ may sign in from one address (NAT).
# An address is throttled instead (kaohe/accounts/throttle.py): this many failures within the
# window hold it back until the window ends.
AXES_FAILURE_LIMIT = env_int("KAOHE_LOGIN_FAILURE_LIMIT", 5)
KAOHE_LOGIN_ADDRESS_FAILURES = env_int("KAOHE_LOGIN_ADDRESS_FAILURES", 20)
KAOHE_LOGIN_ADDRESS_WINDOW_SECONDS = env_int("KAOHE_LOGIN_ADDRESS_WINDOW_SECONDS", 300)
# 0: locked until the security administrator unlocks.
AXES_COOLOFF_TIME = (datetime.timedelta(minutes=env_int("KAOHE_LOGIN_COOLOFF_MINUTES", 30))
                     or None)
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes warns that this lets an attacker rotate addresses or cookies past an address lock: there
# is none to pass, by design; the address is throttled by kaohe/accounts/throttle.py.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_LOCKOUT_CALLABLE = "kaohe.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "kaohe.lib.http.client_ip"
# Not reset on success: axes would clear every failure from the address too, so someone with
# an account of their own could sign in between guesses at another's and never be locked.
AXES_RESET_ON_SUCCESS = False
AXES_ENABLE_ADMIN = False  # the security administrator's page unlocks, not the admin
AXES_VERBOSE = False
# Number of reverse proxies (nginx) in front that append to X-Forwarded-For; 0: none, the
# address is REMOTE_ADDR. Behind one nginx set 1, else every client shares the proxy's address.
KAOHE_PROXY_COUNT = env_int("KAOHE_PROXY_COUNT", 0)
# Optional single sign-on against the organ's directory (docs/sso.md); off unless a URL is set.
KAOHE_LDAP_URL = env_str("KAOHE_LDAP_URL")
KAOHE_LDAP_BIND_DN = env_str("KAOHE_LDAP_BIND_DN")
KAOHE_LDAP_BIND_PASSWORD = secret_from_env("KAOHE_LDAP_BIND_PASSWORD") or ""
KAOHE_LDAP_SEARCH_BASE = env_str("KAOHE_LDAP_SEARCH_BASE")
KAOHE_LDAP_USER_FILTER = env_str("KAOHE_LDAP_USER_FILTER", "(uid={username})")
KAOHE_LDAP_START_TLS = env_bool("KAOHE_LDAP_START_TLS", False)
KAOHE_LDAP_TIMEOUT = env_int("KAOHE_LDAP_TIMEOUT", 5)
if KAOHE_LDAP_URL:
    AUTHENTICATION_BACKENDS.insert(1, "kaohe.accounts.backends.LdapBackend")
# Single sign-on through the organ's identity platform (docs/sso.md, decision 0027): OpenID
# Connect and CAS, each off unless its client or server is named. Either signs in the existing
# account the platform's user name points to; neither ever creates one.
KAOHE_SSO_LABEL = env_str("KAOHE_SSO_LABEL")  # the login page's button; empty: "统一身份认证"
OIDC_RP_CLIENT_ID = env_str("KAOHE_OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = secret_from_env("KAOHE_OIDC_CLIENT_SECRET") or ""
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("KAOHE_OIDC_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = env_str("KAOHE_OIDC_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = env_str("KAOHE_OIDC_USER_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = env_str("KAOHE_OIDC_JWKS_ENDPOINT")
OIDC_OP_LOGOUT_ENDPOINT = env_str("KAOHE_OIDC_LOGOUT_ENDPOINT")
OIDC_RP_SIGN_ALGO = env_str("KAOHE_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env_str("KAOHE_OIDC_SCOPES", "openid profile")
KAOHE_OIDC_USERNAME_CLAIM = env_str("KAOHE_OIDC_USERNAME_CLAIM", "preferred_username")
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False
OIDC_STORE_ID_TOKEN = True  # named when Kaohe ends the platform's session at sign-out
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_callback"
LOGIN_REDIRECT_URL_FAILURE = "/login/?sso=failed"
if OIDC_RP_CLIENT_ID:
    AUTHENTICATION_BACKENDS.insert(1, "kaohe.accounts.backends.OidcBackend")
CAS_SERVER_URL = env_str("KAOHE_CAS_SERVER_URL")  # e.g. https://cas.example.gov.cn/cas/
CAS_VERSION = env_str("KAOHE_CAS_VERSION", "3")
CAS_USERNAME_ATTRIBUTE = env_str("KAOHE_CAS_USERNAME_ATTRIBUTE", "cas:user")
CAS_CREATE_USER = False
CAS_LOGIN_MSG = CAS_LOGGED_MSG = None
CAS_REDIRECT_URL = "/"
CAS_IGNORE_REFERER = True  # after the sign-in, the home page; never where the Referer says
if CAS_SERVER_URL:
    AUTHENTICATION_BACKENDS.insert(1, "kaohe.accounts.backends.CasBackend")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Front-end packages come from the npm registry through package-lock.json (`npm ci`); they are
# served from this installation, never from a CDN (intranet deployments have no internet).
NODE_MODULES = Path(env_str("KAOHE_NODE_MODULES", str(BASE_DIR.parent / "node_modules")))
STATICFILES_DIRS = [BASE_DIR / "static", ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG

# Transport security. KAOHE_HTTPS is on unless switched off, as the local `kaohe run`
# (bound to 127.0.0.1) does: behind nginx with TLS every cookie is Secure and HSTS is sent.
HTTPS = env_bool("KAOHE_HTTPS", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS and env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "kaohe.web.errors.csrf_failure"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# The audit log (MLPS 2.0 安全审计). Its chain is keyed: set KAOHE_AUDIT_KEY (or _FILE) in
# production and keep it when SECRET_KEY is rotated, or the old events no longer verify.
KAOHE_AUDIT_KEY = secret_from_env("KAOHE_AUDIT_KEY") or f"kaohe-audit:{SECRET_KEY}"
KAOHE_AUDIT_RETENTION_DAYS = env_int("KAOHE_AUDIT_RETENTION_DAYS", 180)
if KAOHE_AUDIT_RETENTION_DAYS < 180:
    raise ValueError("KAOHE_AUDIT_RETENTION_DAYS must be at least 180 (six months, MLPS 2.0)")

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "kaohe@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}


# --- Hardening: content security policy, rate limits, request sizes (decision 0007) ---------
# No inline script or style anywhere: every script and style sheet is a static file. The API's
# Swagger page (ninja's own static files) runs under the same policy.
CONTENT_SECURITY_POLICY: dict[str, list[str]] = {
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
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
# Counters that must hold across the server's worker processes (the sign-in throttle, the API
# rate limits) live in the cache: files under VAR_DIR, which every worker of one host shares.
# Several hosts share Redis instead (docs/deployment.md).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                      "LOCATION": VAR_DIR / "cache"}}
# Requests per client to the API ("count/period", period s, m, h or d): signed-in tokens per
# user, and per address for requests without a valid token.
API_RATE_USER = env_str("API_RATE_USER", "600/m")
API_RATE_ANONYMOUS = env_str("API_RATE_ANONYMOUS", "30/m")
# The address of a request is REMOTE_ADDR, unless that many trusted proxies (nginx: 1) put the
# client's address into X-Forwarded-For: a client cannot choose its own address.
NINJA_NUM_PROXIES = KAOHE_PROXY_COUNT
# A request body larger than this is refused before it is read (API: 413; pages: 400). No
# page takes a file: organ files are imported with `kaohe import-org` (decision 0007).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("KAOHE_MAX_BODY_BYTES", 1_048_576)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000


# --- Background jobs (docs/decisions/0028-background-jobs.md) --------------------------------
# Django's tasks API (the django-tasks backport before Django 6) queued in the database itself:
# SQLite for one organ, PostgreSQL for a province, no queue server to install. The workers are
# `kaohe worker`, and the one `kaohe run` starts beside gunicorn.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# The files jobs make (zips, workbooks), downloaded by their owner: on a folder every host that
# runs a worker or serves pages can read, when those are several.
KAOHE_JOBS_DIR = Path(env_str("KAOHE_JOBS_DIR", str(VAR_DIR / "jobs"))).resolve()
# Finished jobs, their files and their queue entries are deleted after this many days.
KAOHE_JOBS_KEEP_DAYS = env_int("KAOHE_JOBS_KEEP_DAYS", 7)
# A worker not heard from for this many seconds is taken for stopped (killed, its machine
# down): the job it was running is queued again and resumed by another worker.
KAOHE_JOBS_WORKER_TIMEOUT = env_int("KAOHE_JOBS_WORKER_TIMEOUT", 60)


# --- Service recipients' opinions (docs/decisions/0030-service-recipients-opinions.md) -------
# The public leaves opinions at /r/<token>/ without an account. Submissions per client address
# in a window: to one link, and to all links together (a whole service hall behind one address
# may need more: raise them there; 0 is no limit).
KAOHE_RECIPIENT_RATE_PER_LINK = env_int("KAOHE_RECIPIENT_RATE_PER_LINK", 5)
KAOHE_RECIPIENT_RATE_PER_ADDRESS = env_int("KAOHE_RECIPIENT_RATE_PER_ADDRESS", 30)
KAOHE_RECIPIENT_RATE_WINDOW_SECONDS = env_int("KAOHE_RECIPIENT_RATE_WINDOW_SECONDS", 3600)
# The address the printed QR codes lead to, as the public reaches the server (for example
# https://kaohe.example.gov.cn); empty: the address the office's own page was opened at.
KAOHE_RECIPIENTS_URL = env_str("KAOHE_RECIPIENTS_URL").rstrip("/")
