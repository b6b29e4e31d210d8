"""Django settings for coopbuy, all from the environment (see `docs/configuration.md`).

Without any variable set this is a safe embedded setup: SQLite in `$COOPBUY_DATA_DIR` (default
`./var`) and a generated secret kept there. With `DEBUG` off (the default) the security settings are
those of a production site behind HTTPS, so `coopbuy check --deploy` passes.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from coopbuy.config.environment import (
    data_dir,
    env_bool,
    env_list,
    env_seconds,
    mailer_settings,
    outbox_timeouts,
    secret_key,
    sqlite_options,
)

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = data_dir()

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = secret_key(DATA_DIR)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "allauth",
    "allauth.account",
    "django_tasks_db",
    "coopbuy.accounts",
    "coopbuy.audit",
    "coopbuy.groups",
    "coopbuy.interest",
    "coopbuy.catalog",
    "coopbuy.rounds",
    "coopbuy.campaigns",
    "coopbuy.reports",
    "coopbuy.ledger",
    "coopbuy.organisations",
    "coopbuy.outbox",
    "coopbuy.api",
    "coopbuy.tokens",
    "coopbuy.federations",
    "coopbuy.pooled",
    "coopbuy.tenders",
    "coopbuy.programmes",
    "coopbuy.subsidies",
    "coopbuy.teamdeals",
    "coopbuy.web",
]

MIDDLEWARE = [
    # First, so that a request refused for waiting too long costs nothing else (off by default).
    "coopbuy.web.shedding.shed_late_requests",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "coopbuy.web.headers.permissions_policy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "coopbuy.accounts.middleware.UserLanguageMiddleware",
    "coopbuy.api.ratelimit.rate_limit_headers",
    # Parses multipart bodies of PUT requests (Django does for POST only): the API's
    # `PUT .../products/{id}/image`. Limited to PUT by NINJA_FIX_REQUEST_FILES_METHODS.
    "ninja.compatibility.files.fix_request_files_middleware",
]
NINJA_FIX_REQUEST_FILES_METHODS = {"PUT"}

# A strict Content-Security-Policy, in production and in tests alike: scripts and styles only from
# our own static files (no inline script, style or event handler; htmx is told not to inject its
# indicator style by the meta tag in base.html), nothing framed, forms posted only to us.
SECURE_CSP: dict[str, list[str]] = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

ROOT_URLCONF = "coopbuy.config.urls"
WSGI_APPLICATION = "coopbuy.config.wsgi.application"

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
            ],
        },
    },
]

if "DATABASE_URL" not in os.environ:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'coopbuy.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL, IMMEDIATE writers and a busy timeout: see `environment.sqlite_options`.
    DATABASES["default"]["OPTIONS"] = sqlite_options()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Django's rules, with the words people read in coopbuy's voice (coopbuy/accounts/voice.py).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "coopbuy.accounts.voice.UserAttributeSimilarityValidator"},
    {"NAME": "coopbuy.accounts.voice.MinimumLengthValidator"},
    {"NAME": "coopbuy.accounts.voice.CommonPasswordValidator"},
    {"NAME": "coopbuy.accounts.voice.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "web:home"

# django-allauth: people sign up and log in with their email address, which they must verify.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SIGNUP_FORM_CLASS = "coopbuy.accounts.forms.SignupExtraForm"
ACCOUNT_ADAPTER = "coopbuy.accounts.voice.AccountAdapter"
ACCOUNT_LOGOUT_REDIRECT_URL = "web:home"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[coopbuy] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# Failed logins are counted per address and per account (5 in 5 minutes, allauth's default) in
# the cache below, which lives in the database: every web process sees the same count, and a
# restart does not reset it. /admin/login/ sends people to the same login page (config/urls.py).
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/300s/key"}
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "coopbuy_cache",  # made by the accounts migration 0002 (createcachetable)
    }
}

LANGUAGE_CODE = "en-gb"
# Only English is offered until the German and French catalogues are complete (with a CI check that
# no user-facing string is untranslated): a half-translated page ("Closes 20:03, Freitag 11
# Dezember") is worse than an English one. Profiles may still hold "de" or "fr"; they get English.
LANGUAGES = [("en-gb", _("English"))]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
# Product images (`coopbuy.catalog.images`): Django serves /media/products/ itself unless
# SERVE_MEDIA=0 (a proxy serving the folder is faster, see docs/deploy.md). Images named in a
# price list are fetched by the worker from public addresses only; COOPBUY_IMAGE_FETCH_ALLOW
# lists networks that may be fetched from all the same (comma-separated, e.g. a test server's
# 127.0.0.1/32; empty in production).
COOPBUY_SERVE_MEDIA = env_bool("SERVE_MEDIA", True)
COOPBUY_IMAGE_FETCH_ALLOW = [
    n.strip() for n in os.environ.get("COOPBUY_IMAGE_FETCH_ALLOW", "").split(",") if n.strip()
]
COOPBUY_IMAGE_FETCH_TIMEOUT = float(os.environ.get("COOPBUY_IMAGE_FETCH_TIMEOUT", "10"))

# Sending the outbox (coopbuy/outbox/sending.py): each wait on the mail server ($EMAIL_TIMEOUT),
# one whole message, and how old a claim must be before it is handed back (its sender died), in
# seconds. Named apart from Django's EMAIL_TIMEOUT, which MAILERS replaces.
COOPBUY_SMTP_TIMEOUT, COOPBUY_OUTBOX_SEND_TIMEOUT, COOPBUY_OUTBOX_CLAIM_TIMEOUT = outbox_timeouts()
MAILERS = {
    "default": mailer_settings(
        os.environ.get("EMAIL_URL", "console://" if DEBUG else "smtp://localhost"),
        timeout=COOPBUY_SMTP_TIMEOUT,
    )
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "coopbuy <noreply@coopbuy.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work: Django's tasks framework, stored in the database and run by `coopbuy worker`.
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# Security for a production site behind HTTPS; the demo (DEBUG on) runs on plain http://127.0.0.1.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env_bool("BEHIND_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # LOG_FORMAT=json: one JSON object a line, for a log collector (`coopbuy.config.logs`).
    "formatters": {"json": {"()": "coopbuy.config.logs.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            **({"formatter": "json"} if os.environ.get("LOG_FORMAT") == "json" else {}),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint narrates every PDF it makes at INFO; only its warnings matter.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Where people reach this site; used for links in emails sent by background tasks.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# API rate limits, per minute: per token, per signed-in user, per anonymous IP address. Behind a
# reverse proxy set TRUSTED_PROXIES=1 so that clients are told apart by X-Forwarded-For.
COOPBUY_API_RATE_LIMITS = {
    "token": int(os.environ.get("API_RATE_LIMIT_TOKEN", "600")),
    "user": int(os.environ.get("API_RATE_LIMIT_USER", "600")),
    "anonymous": int(os.environ.get("API_RATE_LIMIT_ANONYMOUS", "120")),
    "window_seconds": 60,
    "trusted_proxies": int(os.environ.get("TRUSTED_PROXIES", "0")),
}

# Load shedding (coopbuy/web/shedding.py): behind a proxy that stamps X-Request-Start, requests
# that waited longer than this many seconds before a worker took them are refused with 503 at
# once. Unset: off.
LOAD_SHED_QUEUE_SECONDS = env_seconds("LOAD_SHED_QUEUE_SECONDS")

# How long an invitation link stays valid unless its creator says otherwise.
COOPBUY_INVITATION_DAYS = int(os.environ.get("COOPBUY_INVITATION_DAYS", "14"))

# How long a suggested group stays open with nobody answering (each accept or decline restarts it).
COOPBUY_SUGGESTION_DAYS = int(os.environ.get("COOPBUY_SUGGESTION_DAYS", "14"))

# What the areas above `groups` say about a membership ending (leaving or being removed): each may
# refuse (an unsettled round, a balance that is not zero) or tidy up first (empty an open basket).
# Listed here, at the top layer, so that `groups` never imports the areas built on it.
COOPBUY_MEMBERSHIP_END_STEPS = [
    "coopbuy.rounds.membership_end.STEP",
    "coopbuy.ledger.membership_end.STEP",
]

# What the areas above `rounds` add to a round's close, in the close's own transaction, after the
# members' charges are posted: each is called as `step(round=..., charges=..., actor=...)`
# (`charges`: membership id -> the `MemberCharge` just posted) and may post more (a subsidy).
COOPBUY_ROUND_CLOSE_STEPS: list[str] = [
    "coopbuy.subsidies.closing.subsidy_close_step",
]

# What the areas above `rounds` add to a receiving session (a round's own, or a pooled round's at
# the federation or at a group's drop), in its transaction, after the members' charges are stored
# again and posted: each is called as `step(round=..., charges=..., actor=..., key=...)` (`key`:
# the session, the same on a retry) and may post more (the subsidy worked out again).
COOPBUY_ROUND_RECEIVE_STEPS: list[str] = [
    "coopbuy.subsidies.receiving.subsidy_receive_step",
]

# What the areas above `campaigns` add when a campaign tips, in `campaign_settle`'s transaction
# after the members' charge: each is called as `step(campaign=..., charge=...)` and may post more
# (a team deal's sale into its organisation's book). See `coopbuy/campaigns/extensions.py`.
COOPBUY_CAMPAIGN_SETTLE_STEPS: list[str] = [
    "coopbuy.teamdeals.money.team_sale_step",
]

# Panels the areas above `rounds` add to a member's ordering page (a pool's progress, a subsidy):
# each is called as `panel(round=..., membership=...)` and returns None or
# `coopbuy.rounds.panels.Panel(template, context)`, rendered after the suppliers' progress.
COOPBUY_ORDERING_PANELS: list[str] = [
    "coopbuy.pooled.panels.pooled_panel",
    "coopbuy.subsidies.panels.subsidy_panel",
]
# Those of them whose figures follow the member's basket: they come back out of band in the answer
# to a basket change (`rounds.extensions.basket_panels`); each returns None when it would not
# change (costing at most the query that tells).
COOPBUY_BASKET_PANELS: list[str] = [
    "coopbuy.pooled.panels.pooled_basket_panel",
    "coopbuy.subsidies.panels.subsidy_basket_panel",
]

# What the areas above `federations` say before a group leaves a federation (a pooled round not
# yet settled): each is called as `step(federation=..., group=...)` and returns a list of
# refusal messages (empty: nothing stops it). See `coopbuy/federations/leaving.py`.
COOPBUY_FEDERATION_LEAVE_STEPS: list[str] = []

# Receiving a child round of a pooled round (its group's drop): `rounds` hands it to pooled.
COOPBUY_POOLED_DROP_RECEIVER = "coopbuy.pooled.drops.drop_receive"
COOPBUY_POOLED_DROP_UNITS = "coopbuy.pooled.drops.drop_units"

# Panels the areas above `federations` add to a federation's money page (what it owes each pooled
# round's supplier, and the form to pay one): each is called as `panel(federation=..., user=...)`
# and returns None or a `MoneyPanel`. See `coopbuy/federations/extensions.py`.
COOPBUY_FEDERATION_MONEY_PANELS: list[str] = ["coopbuy.pooled.panels.federation_payables_panel"]

# The group directory's map: a tile URL template ({z}/{x}/{y}, optionally {s}) and the credit the
# tile provider asks for. An empty MAP_TILES_URL shows the markers on a plain background.
MAP_TILES_URL = os.environ.get("MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILES_ATTRIBUTION = os.environ.get(
    "MAP_TILES_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)
if MAP_TILES_URL.startswith(("https://", "http://")):  # the map's images come from the tile host
    _tiles = urlsplit(MAP_TILES_URL.replace("{s}", "*"))
    SECURE_CSP["img-src"] = [*SECURE_CSP["img-src"], f"{_tiles.scheme}://{_tiles.netloc}"]
